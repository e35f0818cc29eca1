package protoconv

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/bufbuild/protocompile"
	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/convert/schemaregistry"
	"github.com/connectless/connectless/infra/devstack"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
	"github.com/twmb/franz-go/pkg/sr"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"
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

func get(st *connect.Struct, f string) any { v, _ := st.Get(f); return v }

func TestIntegrationProtobufRoundTrip(t *testing.T) {
	reg := devstacktest.SchemaRegistry(t, devstack.SchemaRegistryOptions{})
	addr := connect.NewSchemaBuilder(connect.TypeStruct).Name("com.example.Address").
		Field("city", &connect.Schema{Type: connect.TypeString}).Optional().Build()
	dec := &connect.Schema{Type: connect.TypeBytes, Name: connect.DecimalName, Version: 1, Optional: true,
		Parameters: map[string]string{"scale": "2"}}
	s := connect.NewSchemaBuilder(connect.TypeStruct).Name("com.example.Customer").
		Field("id", &connect.Schema{Type: connect.TypeInt64}).
		Field("small", &connect.Schema{Type: connect.TypeInt32}).
		Field("tiny", &connect.Schema{Type: connect.TypeInt8}).
		Field("short", &connect.Schema{Type: connect.TypeInt16}).
		Field("ratio", &connect.Schema{Type: connect.TypeFloat64}).
		Field("f32", &connect.Schema{Type: connect.TypeFloat32}).
		Field("ok", &connect.Schema{Type: connect.TypeBoolean}).
		Field("name", &connect.Schema{Type: connect.TypeString}).
		Field("nick", &connect.Schema{Type: connect.TypeString, Optional: true}).
		Field("raw", &connect.Schema{Type: connect.TypeBytes}).
		Field("tags", &connect.Schema{Type: connect.TypeArray, Value: &connect.Schema{Type: connect.TypeString}}).
		Field("scores", &connect.Schema{Type: connect.TypeMap, Key: &connect.Schema{Type: connect.TypeString}, Value: &connect.Schema{Type: connect.TypeInt64}}).
		Field("home", addr).
		Field("past", &connect.Schema{Type: connect.TypeArray, Value: addr}).
		Field("seen", &connect.Schema{Type: connect.TypeInt64, Name: connect.TimestampName, Version: 1, Optional: true}).
		Field("born", &connect.Schema{Type: connect.TypeInt32, Name: connect.DateName, Version: 1, Optional: true}).
		Field("wakes", &connect.Schema{Type: connect.TypeInt32, Name: connect.TimeName, Version: 1, Optional: true}).
		Field("balance", dec).
		Build()
	v := connect.NewStruct(s).MustPut("id", int64(1)<<40).MustPut("small", int32(-5)).MustPut("tiny", int8(-7)).MustPut("short", int16(1000)).MustPut("ratio", 0.25).MustPut("f32", float32(1.5)).
		MustPut("ok", true).MustPut("name", "ann").MustPut("raw", []byte{0, 1, 2}).
		MustPut("tags", []any{"a", "b"}).MustPut("scores", map[any]any{"x": int64(3)}).
		MustPut("home", connect.NewStruct(addr).MustPut("city", "Oslo")).
		MustPut("past", []any{connect.NewStruct(addr).MustPut("city", "Rome")}).
		MustPut("seen", time.UnixMilli(1700000000123).UTC()).
		MustPut("born", time.Date(1990, 5, 17, 0, 0, 0, 0, time.UTC)).
		MustPut("wakes", time.UnixMilli(7*3600*1000+30*60*1000).UTC()).
		MustPut("balance", connect.Decimal{Unscaled: big.NewInt(-12345), Scale: 2})
	c := newConverter(t, reg.URL())
	data, err := c.FromConnect("customers", s, v)
	if err != nil {
		t.Fatal(err)
	}
	// Confluent's wire format for Protobuf: magic byte, 4-byte id, then the message indexes;
	// the first message of the schema is written as the single byte 0.
	if data[0] != 0 || data[5] != 0 {
		t.Fatalf("header % x", data[:6])
	}
	if !reg.Registry().SubjectExists("customers-value") {
		t.Fatal("schema not registered under customers-value")
	}
	r := newConverter(t, reg.URL())
	cs, got, err := r.ToConnect("customers", data)
	if err != nil {
		t.Fatal(err)
	}
	if cs.Name != "com.example.Customer" {
		t.Errorf("schema name %q", cs.Name)
	}
	st := got.(*connect.Struct)
	for _, f := range []string{"id", "small", "tiny", "short", "ratio", "f32", "ok", "name"} {
		if a, b := get(v, f), get(st, f); a != b {
			t.Errorf("%s: got %#v want %#v", f, b, a)
		}
	}
	if get(st, "nick") != nil {
		t.Errorf("unset optional nick = %#v, want null", get(st, "nick"))
	}
	if !bytes.Equal(get(st, "raw").([]byte), []byte{0, 1, 2}) {
		t.Error("raw")
	}
	if tags := get(st, "tags").([]any); len(tags) != 2 || tags[1] != "b" {
		t.Errorf("tags %v", tags)
	}
	if sc := get(st, "scores").(map[any]any); sc["x"] != int64(3) {
		t.Errorf("scores %v", sc)
	}
	if city := get(get(st, "home").(*connect.Struct), "city"); city != "Oslo" {
		t.Errorf("home.city %v", city)
	}
	if city := get(get(st, "past").([]any)[0].(*connect.Struct), "city"); city != "Rome" {
		t.Errorf("past[0].city %v", city)
	}
	for _, f := range []string{"seen", "born", "wakes"} {
		if !get(st, f).(time.Time).Equal(get(v, f).(time.Time)) {
			t.Errorf("%s: got %v want %v", f, get(st, f), get(v, f))
		}
	}
	d := get(st, "balance").(connect.Decimal)
	if d.Scale != 2 || d.Unscaled.Int64() != -12345 || cs.Fields[17].Schema.Parameters["scale"] != "2" {
		t.Errorf("balance %v (schema %v)", d, cs.Fields[17].Schema.Parameters)
	}
}

func TestIntegrationProtobufGoldenAndSerde(t *testing.T) {
	reg := devstacktest.SchemaRegistry(t, devstack.SchemaRegistryOptions{})
	const text = "syntax = \"proto3\";\npackage demo;\nmessage Other { int32 n = 1; }\nmessage Greeting { string text = 1; int32 count = 2; }\n"
	id, _, err := reg.Registry().RegisterSchema("greetings-value", sr.Schema{Schema: text, Type: sr.TypeProtobuf})
	if err != nil {
		t.Fatal(err)
	}
	// An independent producer: franz-go's Serde, a message compiled on its own, index [1]
	// (Greeting is the second message of the file).
	files, err := (&protocompile.Compiler{Resolver: protocompile.WithStandardImports(protocompile.ResolverFunc(func(name string) (protocompile.SearchResult, error) {
		if name != "g.proto" {
			return protocompile.SearchResult{}, errors.New("not found")
		}
		return protocompile.SearchResult{Source: io.NopCloser(strings.NewReader(text))}, nil
	}))}).Compile(context.Background(), "g.proto")
	if err != nil {
		t.Fatal(err)
	}
	md := files[0].Messages().ByName("Greeting")
	var serde sr.Serde
	serde.Register(id, &dynamicpb.Message{}, sr.Index(1),
		sr.EncodeFn(func(v any) ([]byte, error) { return proto.Marshal(v.(*dynamicpb.Message)) }),
		sr.DecodeFn(func(b []byte, v any) error { return proto.Unmarshal(b, v.(*dynamicpb.Message)) }))
	m := dynamicpb.NewMessage(md)
	m.Set(md.Fields().ByName("text"), protoreflect.ValueOfString("hi"))
	m.Set(md.Fields().ByName("count"), protoreflect.ValueOfInt32(3))
	data, err := serde.Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	// Confluent's wire format: 0, id (4 bytes), index list [1] as a zig-zag varint count (1 ->
	// 0x02) and index (1 -> 0x02), then the message: field 1 "hi" (0a 02 68 69) and field 2 = 3
	// (10 03), in either order (dynamic messages do not fix one).
	head := []byte{0, 0, 0, 0, byte(id), 0x02, 0x02}
	f1, f2 := []byte{0x0a, 0x02, 'h', 'i'}, []byte{0x10, 0x03}
	if !bytes.Equal(data, append(append(append([]byte{}, head...), f1...), f2...)) &&
		!bytes.Equal(data, append(append(append([]byte{}, head...), f2...), f1...)) {
		t.Fatalf("Serde wrote % x", data)
	}
	c := newConverter(t, reg.URL())
	cs, v, err := c.ToConnect("greetings", data)
	if err != nil {
		t.Fatal(err)
	}
	st := v.(*connect.Struct)
	if cs.Name != "demo.Greeting" || get(st, "text") != "hi" || get(st, "count") != int32(3) {
		t.Fatalf("read %v %v", cs.Name, st)
	}
	// Our bytes for the same record, written with the latest registered schema, read by
	// the Serde.
	w := newConverter(t, reg.URL(), "auto.register.schemas", "false", "use.latest.version", "true", "latest.compatibility.strict", "false")
	out, err := w.FromConnect("greetings", cs, st)
	if err != nil {
		t.Fatal(err)
	}
	back := dynamicpb.NewMessage(md)
	if err := serde.Decode(out, back); err != nil {
		t.Fatal(err)
	}
	if back.Get(md.Fields().ByName("text")).String() != "hi" || back.Get(md.Fields().ByName("count")).Int() != 3 {
		t.Fatalf("Serde read %v", back)
	}
}

func TestIntegrationProtobufReferencesAndMeta(t *testing.T) {
	reg := devstacktest.SchemaRegistry(t, devstack.SchemaRegistryOptions{})
	common := "syntax = \"proto3\";\npackage shop;\nmessage Money { string currency = 1; int64 units = 2; }\n"
	if _, _, err := reg.Registry().RegisterSchema("shop/money.proto", sr.Schema{Schema: common, Type: sr.TypeProtobuf}); err != nil {
		t.Fatal(err)
	}
	// A schema as Confluent's ProtobufConverter writes a Decimal field: confluent.type.Decimal
	// with its scale in (confluent.field_meta) params.
	main := `syntax = "proto3";
package shop;
import "shop/money.proto";
import "confluent/meta.proto";
import "confluent/type/decimal.proto";
message Order {
  Money total = 1;
  confluent.type.Decimal rate = 2 [(confluent.field_meta) = { params: [{ key: "scale", value: "3" }] }];
  oneof pay { string card = 3; string iban = 4; }
}
`
	id, _, err := reg.Registry().RegisterSchema("orders-value", sr.Schema{Schema: main, Type: sr.TypeProtobuf,
		References: []sr.SchemaReference{{Name: "shop/money.proto", Subject: "shop/money.proto", Version: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	c := newConverter(t, reg.URL())
	// field 1: Money{currency "EUR", units 5}; field 2: Decimal{value 0x04d2 (1234), scale 3};
	// field 4: iban "X".
	body := []byte{0x0a, 0x07, 0x0a, 0x03, 'E', 'U', 'R', 0x10, 0x05, 0x12, 0x06, 0x0a, 0x02, 0x04, 0xd2, 0x18, 0x03, 0x22, 0x01, 'X'}
	data := append([]byte{0, 0, 0, 0, byte(id), 0}, body...)
	cs, v, err := c.ToConnect("orders", data)
	if err != nil {
		t.Fatal(err)
	}
	st := v.(*connect.Struct)
	total := get(st, "total").(*connect.Struct)
	if get(total, "currency") != "EUR" || get(total, "units") != int64(5) {
		t.Errorf("total %v", total)
	}
	rateField, _ := cs.Field("rate")
	rate := rateField.Schema
	if rate.Name != connect.DecimalName || rate.Parameters["scale"] != "3" {
		t.Errorf("rate schema %+v", rate)
	}
	if d := get(st, "rate").(connect.Decimal); d.Unscaled.Int64() != 1234 || d.Scale != 3 {
		t.Errorf("rate %v", d)
	}
	// ProtobufData names a oneof's Connect field <oneof>_<index> and its struct
	// io.confluent.connect.protobuf.Union.<oneof>, and puts oneofs before the other fields
	// (ProtobufData.unionFieldName, toConnectSchema(OneofDescriptor)).
	if cs.Fields[0].Name != "pay_0" {
		t.Errorf("first field %q, want the oneof pay_0", cs.Fields[0].Name)
	}
	pay := get(st, "pay_0").(*connect.Struct)
	if pay.Schema().Name != "io.confluent.connect.protobuf.Union.pay" || get(pay, "iban") != "X" || get(pay, "card") != nil {
		t.Errorf("pay %v", pay)
	}
	if iban, _ := pay.Schema().Field("iban"); iban.Schema.Parameters[TagParam] != "4" {
		t.Errorf("iban params %v, want its field number 4 in %s", iban.Schema.Parameters, TagParam)
	}
	// Written back under another topic with the Connect schema read: the same field numbers,
	// so the original message reads it.
	out, err := c.FromConnect("orders-copy", cs, st)
	if err != nil {
		t.Fatal(err)
	}
	_, back, err := newConverter(t, reg.URL()).ToConnect("orders-copy", out)
	if err != nil {
		t.Fatal(err)
	}
	if p := get(back.(*connect.Struct), "pay_0").(*connect.Struct); get(p, "iban") != "X" {
		t.Errorf("written back: pay %v", p)
	}
	if !bytes.Contains(out, []byte{0x22, 0x01, 'X'}) {
		t.Errorf("written back % x: iban is not field 4", out)
	}
}

func TestIntegrationProtobufErrors(t *testing.T) {
	reg := devstacktest.SchemaRegistry(t, devstack.SchemaRegistryOptions{})
	c := newConverter(t, reg.URL())
	if _, _, err := c.ToConnect("t", []byte("plain")); !errors.Is(err, schemaregistry.ErrWireFormat) {
		t.Errorf("no magic byte: %v", err)
	}
	if b, err := c.FromConnect("t", nil, nil); b != nil || err != nil {
		t.Errorf("tombstone: %v %v", b, err)
	}
	if _, err := c.FromConnect("t", &connect.Schema{Type: connect.TypeString}, "x"); err == nil {
		t.Error("a bare string has no Protobuf message form but was accepted")
	}
}
