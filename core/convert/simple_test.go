package convert

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
)

func TestStringConverter(t *testing.T) {
	s := connect.StructBuilder().Field("a", connect.Int32Schema()).Field("b", connect.OptionalStringSchema()).Field("c", connect.StringSchema()).Build()
	tests := []struct {
		value any
		want  string
	}{
		{"héllo", "héllo"},
		{int64(42), "42"},
		{1e10, "1.0E10"},
		{float32(1.5), "1.5"},
		{true, "true"},
		{[]any{"a", int64(1)}, "[a, 1]"},
		{connect.NewStruct(s).MustPut("a", int32(1)).MustPut("c", "x"), "Struct{a=1,c=x}"},
		{connect.NewDecimal(1000, -1), "1.000E+4"},
		{map[string]any{"id": int64(1), "name": "n"}, "{name=n, id=1}"},
	}
	c := NewStringConverter()
	for _, tt := range tests {
		got, err := c.FromConnect("t", nil, tt.value)
		if err != nil || string(got) != tt.want {
			t.Errorf("FromConnect(%#v) = %q, %v; want %q", tt.value, got, err, tt.want)
		}
	}
	if b, err := c.FromConnect("t", nil, nil); b != nil || err != nil {
		t.Error("nil value must stay nil")
	}
	schema, v, err := c.ToConnect("t", []byte{'a', 0xff, 'b'})
	if err != nil || v != "a\uFFFDb" || !schema.Equal(connect.OptionalStringSchema()) {
		t.Errorf("ToConnect = %v %q %v", schema, v, err)
	}
	latin := NewStringConverter()
	if err := latin.Configure(map[string]string{"converter.encoding": "iso-8859-1"}, false); err != nil {
		t.Fatal(err)
	}
	if b, _ := latin.FromConnect("t", nil, "é€"); !reflect.DeepEqual(b, []byte{0xe9, '?'}) {
		t.Errorf("latin-1 = %x", b)
	}
	var ce *connect.ConfigError
	if err := latin.Configure(map[string]string{"converter.encoding": "EBCDIC"}, false); !errors.As(err, &ce) {
		t.Errorf("unknown charset accepted: %v", err)
	}
}

func TestByteArrayConverter(t *testing.T) {
	c := NewByteArrayConverter()
	if b, err := c.FromConnect("t", connect.OptionalBytesSchema(), []byte("x")); err != nil || string(b) != "x" {
		t.Fatalf("FromConnect = %q, %v", b, err)
	}
	var de *connect.DataError
	if _, err := c.FromConnect("t", connect.StringSchema(), "x"); !errors.As(err, &de) || err.Error() != "Invalid schema type for ByteArrayConverter: STRING" {
		t.Fatalf("string schema: %v", err)
	}
	if _, err := c.FromConnect("t", nil, "x"); !errors.As(err, &de) || err.Error() != "ByteArrayConverter is not compatible with objects of type class java.lang.String" {
		t.Fatalf("string value: %v", err)
	}
	s, v, err := c.ToConnect("t", []byte{1, 2})
	if err != nil || !reflect.DeepEqual(v, []byte{1, 2}) || !s.Equal(connect.OptionalBytesSchema()) {
		t.Fatalf("ToConnect = %v %v %v", s, v, err)
	}
}

// TestConverterSchemaShared checks that StringConverter and ByteArrayConverter read every
// value, null or not, with one optional schema per converter, and that their zero values
// still read them with a schema of their own.
func TestConverterSchemaShared(t *testing.T) {
	tests := []struct {
		name string
		c    connect.Converter
		want *connect.Schema
	}{
		{"string", NewStringConverter(), connect.OptionalStringSchema()},
		{"bytes", NewByteArrayConverter(), connect.OptionalBytesSchema()},
		{"zero string", &StringConverter{}, connect.OptionalStringSchema()},
		{"zero bytes", &ByteArrayConverter{}, connect.OptionalBytesSchema()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var first *connect.Schema
			for i, data := range [][]byte{[]byte("a"), nil, []byte("b")} {
				s, _, err := tt.c.ToConnect("t", data)
				if err != nil || !s.Equal(tt.want) {
					t.Fatalf("ToConnect(%q) = %v, %v; want %v", data, s, err, tt.want)
				}
				if i == 0 {
					first = s
				} else if shared := !strings.HasPrefix(tt.name, "zero"); (s == first) != shared {
					t.Errorf("ToConnect(%q): schema shared with the first value's = %v, want %v", data, s == first, shared)
				}
			}
		})
	}
	other, _, _ := NewByteArrayConverter().ToConnect("t", nil)
	if mine, _, _ := NewByteArrayConverter().ToConnect("t", nil); other == mine {
		t.Error("two converters share a schema")
	}
}

func TestSimpleHeaderConverter(t *testing.T) {
	tests := []struct {
		in     string
		schema *connect.Schema
		value  any
		out    string
	}{
		{"1.50", connect.Float32Schema(), float32(1.5), "1.5"},
		{"1.0", connect.Int8Schema(), int8(1), "1"},
		{"300", connect.Int16Schema(), int16(300), "300"},
		{"70000", connect.Int32Schema(), int32(70000), "70000"},
		{"5000000000", connect.Int64Schema(), int64(5000000000), "5000000000"},
		{"true", connect.BooleanSchema(), true, "true"},
		{"hello world", connect.StringSchema(), "hello world", "hello world"},
		{".5", connect.StringSchema(), ".5", ".5"},
		{"2.", connect.Int8Schema(), int8(2), "2"},
		{"-1e3", connect.Int16Schema(), int16(-1000), "-1000"},
		{"", connect.StringSchema(), "", ""},
		{"2024-01-02", connect.DateSchema(), time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC), "2024-01-02"},
		{"2024-01-02T03:04:05.006Z", connect.TimestampSchema(), time.Date(2024, 1, 2, 3, 4, 5, 6e6, time.UTC), "2024-01-02T03:04:05.006Z"},
	}
	h := NewSimpleHeaderConverter()
	for _, tt := range tests {
		s, v, err := h.ToConnectHeader("t", "k", []byte(tt.in))
		if err != nil || !s.Equal(tt.schema) || !reflect.DeepEqual(v, tt.value) {
			t.Errorf("ToConnectHeader(%q) = %+v %#v %v", tt.in, s, v, err)
			continue
		}
		out, err := h.FromConnectHeader("t", "k", s, v)
		if err != nil || string(out) != tt.out {
			t.Errorf("FromConnectHeader(%#v) = %q, %v; want %q", v, out, err, tt.out)
		}
	}
	if out, _ := h.FromConnectHeader("t", "k", nil, []any{"a\"b", int64(1)}); string(out) != `["a\"b",1]` {
		t.Errorf("list = %s", out)
	}
}

func TestFactory(t *testing.T) {
	for _, name := range []string{"org.apache.kafka.connect.json.JsonConverter", "JsonConverter", "Json",
		"org.apache.kafka.connect.storage.StringConverter", "StringConverter", "org.apache.kafka.connect.converters.ByteArrayConverter", "ByteArray"} {
		if _, err := New(name, nil, false); err != nil {
			t.Errorf("New(%q): %v", name, err)
		}
	}
	if _, err := New("com.example.AvroConverter", nil, false); !errors.Is(err, connect.ErrUnknownPlugin) {
		t.Errorf("unknown class: %v", err)
	}
	if _, err := New(SimpleHeaderConverterClass, nil, false); !errors.Is(err, connect.ErrUnknownPlugin) {
		t.Errorf("header-only class as converter: %v", err)
	}
	if _, err := NewHeader("SimpleHeaderConverter", nil); err != nil {
		t.Error(err)
	}
	worker := map[string]string{"key.converter": "StringConverter", "value.converter": "JsonConverter", "value.converter.schemas.enable": "true"}
	set, err := ForConnector(Builtin(), worker, map[string]string{"value.converter.schemas.enable": "false"})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := set.Key.(*StringConverter); !ok {
		t.Errorf("key converter = %T, want the worker's StringConverter", set.Key)
	}
	if !set.Value.(*JSONConverter).schemasEnable {
		t.Error("connector-level prefixed keys must not apply to the worker's converter class")
	}
	set, err = ForConnector(Builtin(), worker, map[string]string{"value.converter": "JsonConverter", "value.converter.schemas.enable": "false"})
	if err != nil || set.Value.(*JSONConverter).schemasEnable {
		t.Fatalf("connector override not applied: %v", err)
	}
	if _, err := ForConnector(Builtin(), nil, map[string]string{"value.converter": "JsonConverter", "value.converter.decimal.format": "x"}); err == nil {
		t.Fatal("bad converter option accepted")
	}
	if got := Prefixed(map[string]string{"key.converter.a": "1", "key.converterx": "2", "value.converter.a": "3"}, "key.converter"); !reflect.DeepEqual(got, map[string]string{"a": "1"}) {
		t.Errorf("Prefixed = %v", got)
	}
	if len(Plugins()) != 9 {
		t.Errorf("plugins = %d", len(Plugins()))
	}
	for _, typ := range []connect.PluginType{connect.PluginConverter, connect.PluginHeaderConverter} {
		p, err := Builtin().LookupType(typ, "Json")
		if err != nil || len(p.ConfigDef().Keys()) != 5 {
			t.Errorf("%s Json: %v, %v", typ, p.Class, err)
		}
	}
	if p, err := Builtin().LookupType(connect.PluginHeaderConverter, "Simple"); err != nil || p.Class != SimpleHeaderConverterClass {
		t.Errorf("header converter alias Simple (Kafka's pruned HeaderConverter suffix): %v, %v", p.Class, err)
	}
}

func TestSchemaRegistryConverterAliases(t *testing.T) {
	// Kafka's plugin aliases: the simple class name, and it without "Converter".
	for alias, class := range map[string]string{
		"AvroConverter": "io.confluent.connect.avro.AvroConverter", "Avro": "io.confluent.connect.avro.AvroConverter",
		"ProtobufConverter": "io.confluent.connect.protobuf.ProtobufConverter", "Protobuf": "io.confluent.connect.protobuf.ProtobufConverter",
		"JsonSchemaConverter": "io.confluent.connect.json.JsonSchemaConverter", "JsonSchema": "io.confluent.connect.json.JsonSchemaConverter",
	} {
		if p, err := Builtin().LookupType(connect.PluginConverter, alias); err != nil || p.Class != class {
			t.Errorf("LookupType(%s) = %s, %v", alias, p.Class, err)
		} else if def := p.ConfigDef(); def == nil || len(def.Keys()) < 10 {
			t.Errorf("%s lists no Schema Registry keys for validation", class)
		}
		if _, err := New(alias, map[string]string{"schema.registry.url": "http://127.0.0.1:1"}, false); err != nil {
			t.Errorf("New(%s): %v", alias, err)
		}
		if _, err := New(alias, nil, false); err == nil {
			t.Errorf("New(%s) without schema.registry.url accepted", alias)
		}
	}
}
