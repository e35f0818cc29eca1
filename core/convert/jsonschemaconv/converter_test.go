package jsonschemaconv

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/big"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/convert/schemaregistry"
	"github.com/connectless/connectless/infra/devstack"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
	"github.com/twmb/franz-go/pkg/sr"
)

func newConverter(t *testing.T, url string, extra ...string) *Converter {
	t.Helper()
	props := map[string]string{"schema.registry.url": url}
	for i := 0; i+1 < len(extra); i += 2 {
		props[extra[i]] = extra[i+1]
	}
	c := New()
	if err := c.Configure(props, false); err != nil {
		t.Fatal(err)
	}
	return c
}

func jsonEqual(t *testing.T, got, want string) bool {
	t.Helper()
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	return reflect.DeepEqual(g, w)
}

func TestFromConnectSchemaMatchesConfluent(t *testing.T) {
	// Confluent ksqlDB's JSON Schema tests (INT_JSON_SCHEMA, ITEM_JSON_SCHEMA): an optional
	// BIGINT is a oneOf of null and an integer with connect.type int64; struct properties
	// carry connect.index.
	item := connect.NewSchemaBuilder(connect.TypeStruct).
		Field("ITEMID", &connect.Schema{Type: connect.TypeInt64, Optional: true}).
		Field("NAME", &connect.Schema{Type: connect.TypeString, Optional: true}).Optional().Build()
	j, err := fromConnect(item, -1)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(j)
	want := `{"oneOf":[{"type":"null"},{"type":"object","properties":{
		"ITEMID":{"connect.index":0,"oneOf":[{"type":"null"},{"type":"integer","connect.type":"int64"}]},
		"NAME":{"connect.index":1,"oneOf":[{"type":"null"},{"type":"string"}]}}}]}`
	if !jsonEqual(t, string(got), want) {
		t.Errorf("got %s\nwant %s", got, want)
	}
	// A Debezium envelope as Confluent's JsonSchemaConverter registers it: title is the
	// schema name, connect.version and connect.type on a logical type.
	ts := &connect.Schema{Type: connect.TypeInt64, Name: "io.debezium.time.Timestamp", Version: 1, Optional: true}
	env := connect.NewSchemaBuilder(connect.TypeStruct).Name("cdc.Envelope").Field("date", ts).Build()
	j, _ = fromConnect(env, -1)
	got, _ = json.Marshal(j)
	want = `{"type":"object","title":"cdc.Envelope","properties":{"date":{"connect.index":0,"oneOf":[{"type":"null"},{"type":"integer","title":"io.debezium.time.Timestamp","connect.version":1,"connect.type":"int64"}]}}}`
	if !jsonEqual(t, string(got), want) {
		t.Errorf("got %s\nwant %s", got, want)
	}
}

func TestIntegrationJSONSchemaRoundTrip(t *testing.T) {
	reg := devstacktest.SchemaRegistry(t, devstack.SchemaRegistryOptions{})
	inner := connect.NewSchemaBuilder(connect.TypeStruct).Name("com.example.Inner").Field("n", &connect.Schema{Type: connect.TypeInt32}).Build()
	s := connect.NewSchemaBuilder(connect.TypeStruct).Name("com.example.All").
		Field("i8", &connect.Schema{Type: connect.TypeInt8}).
		Field("i16", &connect.Schema{Type: connect.TypeInt16}).
		Field("i32", &connect.Schema{Type: connect.TypeInt32}).
		Field("i64", &connect.Schema{Type: connect.TypeInt64}).
		Field("f32", &connect.Schema{Type: connect.TypeFloat32}).
		Field("f64", &connect.Schema{Type: connect.TypeFloat64}).
		Field("b", &connect.Schema{Type: connect.TypeBoolean}).
		Field("s", &connect.Schema{Type: connect.TypeString, Optional: true}).
		Field("raw", &connect.Schema{Type: connect.TypeBytes}).
		Field("arr", &connect.Schema{Type: connect.TypeArray, Value: inner}).
		Field("smap", &connect.Schema{Type: connect.TypeMap, Key: &connect.Schema{Type: connect.TypeString}, Value: &connect.Schema{Type: connect.TypeInt64}}).
		Field("imap", &connect.Schema{Type: connect.TypeMap, Key: &connect.Schema{Type: connect.TypeInt32}, Value: &connect.Schema{Type: connect.TypeString}}).
		Field("dec", &connect.Schema{Type: connect.TypeBytes, Name: connect.DecimalName, Version: 1, Parameters: map[string]string{"scale": "2"}}).
		Field("day", &connect.Schema{Type: connect.TypeInt32, Name: connect.DateName, Version: 1}).
		Field("ts", &connect.Schema{Type: connect.TypeInt64, Name: connect.TimestampName, Version: 1}).
		Build()
	v := connect.NewStruct(s).MustPut("i8", int8(-3)).MustPut("i16", int16(300)).MustPut("i32", int32(70000)).MustPut("i64", int64(1)<<50).
		MustPut("f32", float32(1.5)).MustPut("f64", 0.1).MustPut("b", true).MustPut("raw", []byte{0xff, 0}).
		MustPut("arr", []any{connect.NewStruct(inner).MustPut("n", int32(9))}).
		MustPut("smap", map[any]any{"a": int64(1)}).MustPut("imap", map[any]any{int32(2): "two"}).
		MustPut("dec", connect.Decimal{Unscaled: big.NewInt(-156), Scale: 2}).
		MustPut("day", time.Date(2020, 2, 29, 0, 0, 0, 0, time.UTC)).MustPut("ts", time.UnixMilli(1700000000001).UTC())
	c := newConverter(t, reg.URL(), "json.fail.invalid.schema", "true")
	data, err := c.FromConnect("all", s, v)
	if err != nil {
		t.Fatal(err)
	}
	if !reg.Registry().SubjectExists("all-value") {
		t.Fatal("not registered under all-value")
	}
	if !bytes.Contains(data, []byte(`"dec":-1.56`)) || !bytes.Contains(data, []byte(`"raw":"/wA="`)) {
		t.Errorf("payload %s", data[5:])
	}
	r := newConverter(t, reg.URL(), "json.fail.invalid.schema", "true")
	cs, got, err := r.ToConnect("all", data)
	if err != nil {
		t.Fatal(err)
	}
	if !cs.Equal(s) {
		t.Fatalf("schema read back\n%+v\nwant\n%+v", cs, s)
	}
	st := got.(*connect.Struct)
	for _, f := range []string{"i8", "i16", "i32", "i64", "f32", "f64", "b"} {
		a, _ := v.Get(f)
		b, _ := st.Get(f)
		if a != b {
			t.Errorf("%s: got %#v want %#v", f, b, a)
		}
	}
	if s, _ := st.Get("s"); s != nil {
		t.Errorf("s = %v", s)
	}
	if d, _ := st.Get("dec"); d.(connect.Decimal).Unscaled.Int64() != -156 {
		t.Errorf("dec = %v", d)
	}
	if m, _ := st.Get("imap"); m.(map[any]any)[int32(2)] != "two" {
		t.Errorf("imap = %v", m)
	}
	if d, _ := st.Get("day"); !d.(time.Time).Equal(time.Date(2020, 2, 29, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("day = %v", d)
	}
}

func TestIntegrationJSONSchemaGoldenAndValidation(t *testing.T) {
	reg := devstacktest.SchemaRegistry(t, devstack.SchemaRegistryOptions{})
	schema := `{"type":"object","title":"Person","properties":{"name":{"type":"string","connect.index":0},"age":{"type":"integer","connect.type":"int32","minimum":0,"connect.index":1}},"required":["name"]}`
	id, _, err := reg.Registry().RegisterSchema("people-value", sr.Schema{Schema: schema, Type: sr.TypeJSON})
	if err != nil {
		t.Fatal(err)
	}
	// Confluent's wire format for JSON Schema: magic byte, 4-byte id, the JSON text.
	data := append([]byte{0, 0, 0, 0, byte(id)}, `{"name":"ann","age":41}`...)
	c := newConverter(t, reg.URL(), "json.fail.invalid.schema", "true")
	cs, v, err := c.ToConnect("people", data)
	if err != nil {
		t.Fatal(err)
	}
	if cs.Name != "Person" || cs.Fields[1].Schema.Type != connect.TypeInt32 {
		t.Fatalf("schema %+v", cs)
	}
	if age, _ := v.(*connect.Struct).Get("age"); age != int32(41) {
		t.Errorf("age %v", age)
	}
	bad := append([]byte{0, 0, 0, 0, byte(id)}, `{"name":"bo","age":-1}`...)
	if _, _, err := c.ToConnect("people", bad); !errors.Is(err, ErrData) || !strings.Contains(err.Error(), "json.fail.invalid.schema") {
		t.Errorf("invalid value accepted: %v", err)
	}
	lax := newConverter(t, reg.URL())
	if _, _, err := lax.ToConnect("people", bad); err != nil {
		t.Errorf("without json.fail.invalid.schema: %v", err)
	}
	if _, _, err := lax.ToConnect("people", []byte(`{"name":"x"}`)); !errors.Is(err, schemaregistry.ErrWireFormat) {
		t.Errorf("no magic byte: %v", err)
	}
	if b, err := lax.FromConnect("people", cs, nil); b != nil || err != nil {
		t.Errorf("tombstone: %v %v", b, err)
	}
}

func TestIntegrationJSONSchemaInteropWithSerde(t *testing.T) {
	reg := devstacktest.SchemaRegistry(t, devstack.SchemaRegistryOptions{})
	schema := `{"type":"object","title":"Reading","properties":{"sensor":{"type":"string"},"value":{"type":"number"},"at":{"type":"integer"}}}`
	id, _, err := reg.Registry().RegisterSchema("readings-value", sr.Schema{Schema: schema, Type: sr.TypeJSON})
	if err != nil {
		t.Fatal(err)
	}
	type reading struct {
		Sensor string  `json:"sensor"`
		Value  float64 `json:"value"`
		At     int64   `json:"at"`
	}
	var serde sr.Serde
	serde.Register(id, reading{}, sr.EncodeFn(json.Marshal), sr.DecodeFn(json.Unmarshal))
	data, err := serde.Encode(reading{"t1", 21.5, 1700000000})
	if err != nil {
		t.Fatal(err)
	}
	c := newConverter(t, reg.URL(), "json.fail.invalid.schema", "true")
	cs, v, err := c.ToConnect("readings", data)
	if err != nil {
		t.Fatal(err)
	}
	st := v.(*connect.Struct)
	if s, _ := st.Get("sensor"); s != "t1" || cs.Fields[2].Schema.Type != connect.TypeInt64 {
		t.Fatalf("read %v with %+v", st, cs)
	}
	if at, _ := st.Get("at"); at != int64(1700000000) {
		t.Errorf("at = %v", at)
	}
	w := newConverter(t, reg.URL(), "auto.register.schemas", "false", "use.latest.version", "true", "latest.compatibility.strict", "false")
	out, err := w.FromConnect("readings", cs, st)
	if err != nil {
		t.Fatal(err)
	}
	var back reading
	if err := serde.Decode(out, &back); err != nil {
		t.Fatal(err)
	}
	if back != (reading{"t1", 21.5, 1700000000}) {
		t.Fatalf("Serde read %+v", back)
	}
}
