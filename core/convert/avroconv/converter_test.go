package avroconv

import (
	"bytes"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/convert/schemaregistry"
	"github.com/connectless/connectless/infra/devstack"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
	"github.com/hamba/avro/v2"
	"github.com/twmb/franz-go/pkg/sr"
)

func newConverter(t *testing.T, props map[string]string, isKey bool) *Converter {
	t.Helper()
	c := New()
	if err := c.Configure(props, isKey); err != nil {
		t.Fatal(err)
	}
	return c
}

var userSchema = connect.NewSchemaBuilder(connect.TypeStruct).Name("com.example.User").
	Field("id", &connect.Schema{Type: connect.TypeInt64}).
	Field("name", &connect.Schema{Type: connect.TypeString}).
	Field("email", &connect.Schema{Type: connect.TypeString, Optional: true}).
	Field("joined", &connect.Schema{Type: connect.TypeInt64, Name: connect.TimestampName, Version: 1}).
	Build()

func TestIntegrationAvroConverterRoundTripAndCache(t *testing.T) {
	reg := devstacktest.SchemaRegistry(t, devstack.SchemaRegistryOptions{})
	c := newConverter(t, map[string]string{"schema.registry.url": reg.URL()}, false)
	v := connect.NewStruct(userSchema).MustPut("id", int64(7)).MustPut("name", "ann").
		MustPut("joined", time.UnixMilli(1700000000000).UTC())
	data, err := c.FromConnect("users", userSchema, v)
	if err != nil {
		t.Fatal(err)
	}
	ss, ok := reg.Registry().GetSchema("users-value", 1)
	if !ok {
		t.Fatal("schema not registered under users-value (TopicNameStrategy)")
	}
	// Confluent wire format: magic byte 0, then the schema id as 4 bytes big-endian.
	if data[0] != 0 || int(data[1])<<24|int(data[2])<<16|int(data[3])<<8|int(data[4]) != ss.ID {
		t.Fatalf("header % x does not carry schema id %d", data[:5], ss.ID)
	}
	calls := c.Registry().Calls()
	for range 100 {
		if _, err := c.FromConnect("users", userSchema, v); err != nil {
			t.Fatal(err)
		}
	}
	if got := c.Registry().Calls(); got != calls {
		t.Fatalf("100 more records made %d registry calls, want 0 (ids are cached)", got-calls)
	}
	// A fresh converter reads it back, fetching the schema by id once.
	r := newConverter(t, map[string]string{"schema.registry.url": reg.URL()}, false)
	cs, got, err := r.ToConnect("users", data)
	if err != nil {
		t.Fatal(err)
	}
	if !cs.Equal(userSchema) {
		t.Fatalf("schema read back %+v, want %+v", cs, userSchema)
	}
	st := got.(*connect.Struct)
	for _, f := range []string{"id", "name", "email", "joined"} {
		a, _ := v.Get(f)
		b, _ := st.Get(f)
		if ta, ok := a.(time.Time); ok {
			if !ta.Equal(b.(time.Time)) {
				t.Errorf("%s: got %v want %v", f, b, a)
			}
		} else if a != b {
			t.Errorf("%s: got %v want %v", f, b, a)
		}
	}
	if _, _, err := r.ToConnect("users", data); err != nil || r.Registry().Calls() != 1 {
		t.Fatalf("second read: err %v, %d registry calls, want 1", err, r.Registry().Calls())
	}
}

func TestIntegrationAvroConverterGoldenWireBytes(t *testing.T) {
	reg := devstacktest.SchemaRegistry(t, devstack.SchemaRegistryOptions{})
	reg.Registry().SeedSchema("t-value", 1, 42, sr.Schema{Schema: `"string"`, Type: sr.TypeAvro})
	c := newConverter(t, map[string]string{"schema.registry.url": reg.URL(), "auto.register.schemas": "false"}, false)
	data, err := c.FromConnect("t", &connect.Schema{Type: connect.TypeString}, "hi")
	if err != nil {
		t.Fatal(err)
	}
	// Confluent's documented wire format ("Wire format" in the Schema Registry docs): byte 0
	// is magic byte 0, bytes 1-4 the schema id big-endian, then the Avro binary datum; the Avro
	// spec encodes the string "hi" as zig-zag length 2 (0x04) and its bytes.
	if want := []byte{0, 0, 0, 0, 42, 0x04, 'h', 'i'}; !bytes.Equal(data, want) {
		t.Fatalf("got % x, want % x", data, want)
	}
}

// user is the record as an independent producer (franz-go's Serde with hamba/avro) writes it.
type user struct {
	ID     int64     `avro:"id"`
	Name   string    `avro:"name"`
	Email  *string   `avro:"email"`
	Joined time.Time `avro:"joined"`
}

const userAvro = `{"type":"record","name":"User","namespace":"com.example","fields":[
 {"name":"id","type":"long"},{"name":"name","type":"string"},
 {"name":"email","type":["null","string"],"default":null},
 {"name":"joined","type":{"type":"long","logicalType":"timestamp-millis"}}]}`

func TestIntegrationAvroConverterInteropWithSerde(t *testing.T) {
	reg := devstacktest.SchemaRegistry(t, devstack.SchemaRegistryOptions{})
	id, _, err := reg.Registry().RegisterSchema("people-value", sr.Schema{Schema: userAvro, Type: sr.TypeAvro})
	if err != nil {
		t.Fatal(err)
	}
	hs := avro.MustParse(userAvro)
	var serde sr.Serde
	serde.Register(id, user{},
		sr.EncodeFn(func(v any) ([]byte, error) { return avro.Marshal(hs, v) }),
		sr.DecodeFn(func(b []byte, v any) error { return avro.Unmarshal(hs, b, v) }))
	email := "bo@example.com"
	in := user{ID: 9, Name: "bo", Email: &email, Joined: time.UnixMilli(1600000000123).UTC()}
	data, err := serde.Encode(in)
	if err != nil {
		t.Fatal(err)
	}

	c := newConverter(t, map[string]string{"schema.registry.url": reg.URL()}, false)
	cs, v, err := c.ToConnect("people", data)
	if err != nil {
		t.Fatal(err)
	}
	if cs.Name != "com.example.User" || cs.Fields[3].Schema.Name != connect.TimestampName {
		t.Fatalf("schema %+v", cs)
	}
	st := v.(*connect.Struct)
	if id, _ := st.Get("id"); id != int64(9) {
		t.Errorf("id = %v", id)
	}
	if e, _ := st.Get("email"); e != email {
		t.Errorf("email = %v", e)
	}
	if j, _ := st.Get("joined"); !j.(time.Time).Equal(in.Joined) {
		t.Errorf("joined = %v", j)
	}

	// And the other way: our bytes, written with the schema read back, decoded by the Serde.
	st.MustPut("name", "changed")
	out, err := c.FromConnect("people", cs, st)
	if err != nil {
		t.Fatal(err)
	}
	serde.Register(idOf(t, out), user{},
		sr.DecodeFn(func(b []byte, v any) error { return avro.Unmarshal(hs, b, v) }))
	var back user
	if err := serde.Decode(out, &back); err != nil {
		t.Fatal(err)
	}
	if back.ID != 9 || back.Name != "changed" || back.Email == nil || *back.Email != email || !back.Joined.Equal(in.Joined) {
		t.Fatalf("Serde read %+v", back)
	}
}

func idOf(t *testing.T, b []byte) int {
	t.Helper()
	id, _, err := schemaregistry.DecodeID("x", b)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestIntegrationAvroConverterErrors(t *testing.T) {
	reg := devstacktest.SchemaRegistry(t, devstack.SchemaRegistryOptions{})
	c := newConverter(t, map[string]string{"schema.registry.url": reg.URL()}, false)

	t.Run("tombstones pass", func(t *testing.T) {
		if b, err := c.FromConnect("t", userSchema, nil); b != nil || err != nil {
			t.Fatalf("FromConnect(nil) = %v, %v", b, err)
		}
		if s, v, err := c.ToConnect("t", nil); s != nil || v != nil || err != nil {
			t.Fatalf("ToConnect(nil) = %v, %v, %v", s, v, err)
		}
	})
	t.Run("no magic byte", func(t *testing.T) {
		_, _, err := c.ToConnect("plain-topic", []byte(`{"id":1}`))
		if !errors.Is(err, schemaregistry.ErrWireFormat) || connect.IsRetriable(err) || !strings.Contains(err.Error(), "plain-topic") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("unknown id", func(t *testing.T) {
		_, _, err := c.ToConnect("t", []byte{0, 0, 0, 0x30, 0x39, 2})
		if !errors.Is(err, schemaregistry.ErrRegistry) || connect.IsRetriable(err) || !strings.Contains(err.Error(), "404") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("subject missing without auto register", func(t *testing.T) {
		c := newConverter(t, map[string]string{"schema.registry.url": reg.URL(), "auto.register.schemas": "false"}, false)
		_, err := c.FromConnect("nothing-here", userSchema, connect.NewStruct(userSchema).MustPut("id", int64(1)).MustPut("name", "x").MustPut("joined", time.Unix(0, 0)))
		if !errors.Is(err, schemaregistry.ErrRegistry) || connect.IsRetriable(err) || !strings.Contains(err.Error(), "nothing-here-value") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("registry down is retriable", func(t *testing.T) {
		s := &connect.Schema{Type: connect.TypeInt32}
		if err := reg.Pause(); err != nil {
			t.Fatal(err)
		}
		_, err := c.FromConnect("down", s, int32(1))
		if !connect.IsRetriable(err) {
			t.Fatalf("err = %v, want retriable", err)
		}
		if err := reg.Resume(); err != nil {
			t.Fatal(err)
		}
		if _, err := c.FromConnect("down", s, int32(1)); err != nil {
			t.Fatalf("after resume: %v", err)
		}
	})
}

func TestIntegrationAvroConverterAuthAndFailover(t *testing.T) {
	reg := devstacktest.SchemaRegistry(t, devstack.SchemaRegistryOptions{BasicAuth: struct{ User, Password string }{"fred", "letmein"}})
	s := &connect.Schema{Type: connect.TypeString}

	good := newConverter(t, map[string]string{
		// The first URL refuses connections: the client fails over to the second.
		"schema.registry.url":           "http://127.0.0.1:1," + reg.URL(),
		"basic.auth.credentials.source": "USER_INFO",
		"basic.auth.user.info":          "fred:letmein",
	}, false)
	if _, err := good.FromConnect("t", s, "x"); err != nil {
		t.Fatal(err)
	}

	bad := newConverter(t, map[string]string{
		"schema.registry.url":           reg.URL(),
		"basic.auth.credentials.source": "USER_INFO",
		"basic.auth.user.info":          "fred:wrong",
	}, false)
	_, err := bad.FromConnect("t", s, "x")
	if err == nil || connect.IsRetriable(err) || !strings.Contains(err.Error(), "403") || !strings.Contains(err.Error(), "basic.auth") {
		t.Fatalf("wrong password: err = %v", err)
	}
	if strings.Contains(err.Error(), "wrong") {
		t.Fatalf("error shows the password: %v", err)
	}

	oldKey := newConverter(t, map[string]string{"schema.registry.url": reg.URL(), "basic.auth.credentials.source": "USER_INFO",
		"schema.registry.basic.auth.user.info": "fred:letmein"}, false)
	if _, err := oldKey.FromConnect("t", s, "z"); err != nil {
		t.Fatalf("schema.registry.basic.auth.user.info: %v", err)
	}

	viaURL := newConverter(t, map[string]string{"schema.registry.url": strings.Replace(reg.URL(), "http://", "http://fred:letmein@", 1)}, false)
	if _, err := viaURL.FromConnect("t", s, "y"); err != nil {
		t.Fatalf("credentials in the URL: %v", err)
	}
}

func TestIntegrationAvroConverterSubjectStrategies(t *testing.T) {
	reg := devstacktest.SchemaRegistry(t, devstack.SchemaRegistryOptions{})
	v := connect.NewStruct(userSchema).MustPut("id", int64(1)).MustPut("name", "n").MustPut("joined", time.Unix(0, 0))
	for strategy, subject := range map[string]string{
		"io.confluent.kafka.serializers.subject.RecordNameStrategy":      "com.example.User",
		"io.confluent.kafka.serializers.subject.TopicRecordNameStrategy": "orders-com.example.User",
	} {
		c := newConverter(t, map[string]string{"schema.registry.url": reg.URL(), "key.subject.name.strategy": strategy}, true)
		if _, err := c.FromConnect("orders", userSchema, v); err != nil {
			t.Fatal(err)
		}
		if !reg.Registry().SubjectExists(subject) {
			t.Errorf("%s: subject %s not registered", strategy, subject)
		}
	}
	k := newConverter(t, map[string]string{"schema.registry.url": reg.URL()}, true)
	if _, err := k.FromConnect("orders", &connect.Schema{Type: connect.TypeString}, "k"); err != nil {
		t.Fatal(err)
	}
	if !reg.Registry().SubjectExists("orders-key") {
		t.Error("key schema not under orders-key")
	}
}

func TestConfigureRefusesWhatItCannotDo(t *testing.T) {
	for name, props := range map[string]map[string]string{
		"no url":              {},
		"bad url":             {"schema.registry.url": "ftp://x"},
		"user info missing":   {"schema.registry.url": "http://x", "basic.auth.credentials.source": "USER_INFO"},
		"sasl inherit":        {"schema.registry.url": "http://x", "basic.auth.credentials.source": "SASL_INHERIT"},
		"oauth bearer":        {"schema.registry.url": "http://x", "bearer.auth.credentials.source": "OAUTHBEARER"},
		"jks trust store":     {"schema.registry.url": "http://x", "schema.registry.ssl.truststore.type": "JKS"},
		"encrypted key":       {"schema.registry.url": "http://x", "schema.registry.ssl.key.password": "p"},
		"unknown strategy":    {"schema.registry.url": "http://x", "value.subject.name.strategy": "Foo"},
		"missing trust store": {"schema.registry.url": "https://x", "schema.registry.ssl.truststore.location": "/nonexistent.pem"},
		"jks password":        {"schema.registry.url": "https://x", "schema.registry.ssl.truststore.password": "p"},
		"use.schema.id":       {"schema.registry.url": "http://x", "use.schema.id": "3"},
		"oauth client":        {"schema.registry.url": "http://x", "bearer.auth.client.id": "c"},
	} {
		if err := New().Configure(props, false); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestIntegrationAvroConverterUseLatestVersion(t *testing.T) {
	reg := devstacktest.SchemaRegistry(t, devstack.SchemaRegistryOptions{})
	// The latest schema has a field the records lack, with a default.
	latest := `{"type":"record","name":"Item","namespace":"shop","fields":[{"name":"sku","type":"string"},{"name":"qty","type":"int","default":1}]}`
	id, _, err := reg.Registry().RegisterSchema("items-value", sr.Schema{Schema: latest, Type: sr.TypeAvro})
	if err != nil {
		t.Fatal(err)
	}
	own := connect.NewSchemaBuilder(connect.TypeStruct).Name("shop.Item").Field("sku", &connect.Schema{Type: connect.TypeString}).Build()
	c := newConverter(t, map[string]string{"schema.registry.url": reg.URL(), "auto.register.schemas": "false",
		"use.latest.version": "true", "latest.compatibility.strict": "false"}, false)
	data, err := c.FromConnect("items", own, connect.NewStruct(own).MustPut("sku", "A-1"))
	if err != nil {
		t.Fatal(err)
	}
	if got := idOf(t, data); got != id {
		t.Fatalf("written with id %d, want the latest %d", got, id)
	}
	_, v, err := c.ToConnect("items", data)
	if err != nil {
		t.Fatal(err)
	}
	if qty, _ := v.(*connect.Struct).Get("qty"); qty != int32(1) {
		t.Errorf("qty = %v, want the latest schema's default 1", qty)
	}

	// latest.compatibility.strict (default true) checks on the converter's side that the
	// latest schema can read the record's, as Confluent's serializer does: the latest Item
	// reads an Item without qty (the default fills it)...
	strict := newConverter(t, map[string]string{"schema.registry.url": reg.URL(), "auto.register.schemas": "false",
		"use.latest.version": "true"}, false)
	if data, err := strict.FromConnect("items", own, connect.NewStruct(own).MustPut("sku", "A-2")); err != nil || idOf(t, data) != id {
		t.Fatalf("compatible record refused or written with another id: %v", err)
	}
	// ...but not one whose sku is a long (a long cannot be read as a string).
	wrong := connect.NewSchemaBuilder(connect.TypeStruct).Name("shop.Item").Field("sku", &connect.Schema{Type: connect.TypeInt64}).Build()
	_, err = strict.FromConnect("items", wrong, connect.NewStruct(wrong).MustPut("sku", int64(7)))
	if !errors.Is(err, schemaregistry.ErrIncompatible) || connect.IsRetriable(err) || !strings.Contains(err.Error(), "items-value") {
		t.Fatalf("incompatible record: err %v, want ErrIncompatible naming the subject", err)
	}
	// Unchecked, the same record is written with the latest schema's id... and fails to encode
	// only if the datum does not fit, which is a data error too.
	if _, err := c.FromConnect("items", wrong, connect.NewStruct(wrong).MustPut("sku", int64(7))); errors.Is(err, schemaregistry.ErrIncompatible) {
		t.Fatalf("latest.compatibility.strict=false still checked: %v", err)
	}
}

func TestIntegrationAvroConverterConcurrentUse(t *testing.T) {
	reg := devstacktest.SchemaRegistry(t, devstack.SchemaRegistryOptions{})
	c := newConverter(t, map[string]string{"schema.registry.url": reg.URL()}, false)
	errs := make(chan error, 8)
	for g := range 8 {
		go func() {
			for i := range 50 {
				v := connect.NewStruct(userSchema).MustPut("id", int64(g*100+i)).MustPut("name", "n").MustPut("joined", time.Unix(0, 0))
				data, err := c.FromConnect("users", userSchema, v)
				if err == nil {
					var got any
					if _, got, err = c.ToConnect("users", data); err == nil {
						if id, _ := got.(*connect.Struct).Get("id"); id != int64(g*100+i) {
							err = errors.New("read back another record")
						}
					}
				}
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

func TestIntegrationAvroConverterIncompatibleSchema(t *testing.T) {
	reg := devstacktest.SchemaRegistry(t, devstack.SchemaRegistryOptions{})
	// srfake accepts every schema; the registry's answer to an incompatible one is played with
	// an interceptor: Confluent's API reference lists "409 Conflict – Incompatible Avro schema"
	// for POST /subjects/{subject}/versions.
	const msg = "Schema being registered is incompatible with an earlier schema for subject \"users-value\""
	reg.Registry().Intercept(func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method != http.MethodPost || !strings.HasPrefix(r.URL.Path, "/subjects/users-value/versions") {
			return false
		}
		w.Header().Set("Content-Type", "application/vnd.schemaregistry.v1+json")
		w.WriteHeader(http.StatusConflict)
		_, _ = w.Write([]byte(`{"error_code":409,"message":"` + strings.ReplaceAll(msg, `"`, `\"`) + `"}`))
		return true
	})
	c := newConverter(t, map[string]string{"schema.registry.url": reg.URL()}, false)
	_, err := c.FromConnect("users", userSchema, connect.NewStruct(userSchema).MustPut("id", int64(1)).MustPut("name", "n").MustPut("joined", time.Unix(0, 0)))
	if !errors.Is(err, schemaregistry.ErrRegistry) || connect.IsRetriable(err) || !strings.Contains(err.Error(), msg) || !strings.Contains(err.Error(), "409") {
		t.Fatalf("err = %v: want a record error with the registry's 409 message", err)
	}
}
