package avrodata

import (
	"encoding/json"
	"math/big"
	"reflect"
	"slices"
	"testing"

	"github.com/connectless/connectless/core/connect"
	"github.com/hamba/avro/v2"
)

// normalize turns schema JSON into comparable values: {"type":"int"} with nothing else is
// the same schema as "int".
func normalize(t *testing.T, text string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(text), &v); err != nil {
		t.Fatalf("bad JSON %s: %v", text, err)
	}
	var walk func(any) any
	walk = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			if len(x) == 1 {
				if s, ok := x["type"].(string); ok {
					return s
				}
			}
			for k, e := range x {
				x[k] = walk(e)
			}
		case []any:
			for i, e := range x {
				x[i] = walk(e)
			}
		}
		return v
	}
	return walk(v)
}

func i8(d int8) *connect.Schema { return &connect.Schema{Type: connect.TypeInt8, Default: d} }

func TestFromConnectSchemaMatchesConfluent(t *testing.T) {
	str := &connect.Schema{Type: connect.TypeString}
	i32 := &connect.Schema{Type: connect.TypeInt32}
	i64 := &connect.Schema{Type: connect.TypeInt64}
	optStr := &connect.Schema{Type: connect.TypeString, Optional: true}
	inner := connect.NewSchemaBuilder(connect.TypeStruct).Field("value", i64).Optional().Build()
	namedInner := connect.NewSchemaBuilder(connect.TypeStruct).Name("inner").Field("value", i64).Optional().Build()
	int8Field := i8(2)
	int8Field.Doc = "int8 field"
	dateDef := connect.DaysToDate(100)
	decimalDef := connect.Decimal{Unscaled: big.NewInt(314159), Scale: 5}
	dec := &connect.Schema{Type: connect.TypeBytes, Name: connect.DecimalName, Version: 1, Doc: "decimal field",
		Parameters: map[string]string{"scale": "5"}, Default: decimalDef}
	date := &connect.Schema{Type: connect.TypeInt32, Name: connect.DateName, Version: 1, Doc: "date field", Default: dateDef}

	cases := []struct {
		name   string
		cfg    Config
		schema *connect.Schema
		want   string
	}{
		{
			// AvroDataTest.testFromConnectComplex
			name: "complex",
			cfg:  DefaultConfig(),
			schema: connect.NewSchemaBuilder(connect.TypeStruct).
				Field("int8", int8Field).
				Field("int16", &connect.Schema{Type: connect.TypeInt16}).
				Field("int32", i32).
				Field("int64", i64).
				Field("float32", &connect.Schema{Type: connect.TypeFloat32}).
				Field("float64", &connect.Schema{Type: connect.TypeFloat64}).
				Field("boolean", &connect.Schema{Type: connect.TypeBoolean}).
				Field("string", str).
				Field("bytes", &connect.Schema{Type: connect.TypeBytes}).
				Field("array", &connect.Schema{Type: connect.TypeArray, Value: str}).
				Field("map", &connect.Schema{Type: connect.TypeMap, Key: str, Value: i32}).
				Field("mapNonStringKeys", &connect.Schema{Type: connect.TypeMap, Key: i32, Value: i32}).
				Build(),
			want: `{"type":"record","name":"ConnectDefault","namespace":"io.confluent.connect.avro","fields":[
				{"name":"int8","type":{"type":"int","connect.doc":"int8 field","connect.default":2,"connect.type":"int8"},"default":2},
				{"name":"int16","type":{"type":"int","connect.type":"int16"}},
				{"name":"int32","type":"int"},
				{"name":"int64","type":"long"},
				{"name":"float32","type":"float"},
				{"name":"float64","type":"double"},
				{"name":"boolean","type":"boolean"},
				{"name":"string","type":"string"},
				{"name":"bytes","type":"bytes"},
				{"name":"array","type":{"type":"array","items":"string"}},
				{"name":"map","type":{"type":"map","values":"int"}},
				{"name":"mapNonStringKeys","type":{"type":"array","items":{"type":"record","name":"MapEntry","namespace":"io.confluent.connect.avro","fields":[{"name":"key","type":"int"},{"name":"value","type":"int"}]}}}]}`,
		},
		{
			// AvroDataTest.testFromConnectMapWithOptionalKey
			name:   "map with optional string key",
			cfg:    DefaultConfig(),
			schema: &connect.Schema{Type: connect.TypeMap, Key: optStr, Value: i32},
			want:   `{"type":"array","items":{"type":"record","name":"MapEntry","namespace":"io.confluent.connect.avro","fields":[{"name":"key","type":["null","string"],"default":null},{"name":"value","type":"int"}]}}`,
		},
		{
			// AvroDataTest NAMED_MAP_SCHEMA / NAMED_AVRO_MAP_SCHEMA
			name:   "named map with non-string key",
			cfg:    DefaultConfig(),
			schema: &connect.Schema{Type: connect.TypeMap, Name: "foo.bar", Key: optStr, Value: i32},
			want:   `{"type":"array","connect.name":"foo.bar","items":{"type":"record","name":"bar","namespace":"foo","connect.internal.type":"MapEntry","fields":[{"name":"key","type":["null","string"],"default":null},{"name":"value","type":"int"}]}}`,
		},
		{
			// AvroDataTest.testFromConnectStructsWithNullName
			name: "unnamed nested structs",
			cfg:  DefaultConfig(),
			schema: connect.NewSchemaBuilder(connect.TypeStruct).
				Field("struct", inner).
				Field("array", &connect.Schema{Type: connect.TypeArray, Value: inner}).Build(),
			want: `{"type":"record","name":"ConnectDefault","namespace":"io.confluent.connect.avro","fields":[
				{"name":"struct","type":["null",{"type":"record","name":"ConnectDefault2","namespace":"io.confluent.connect.avro","fields":[{"name":"value","type":"long"}]}],"default":null},
				{"name":"array","type":{"type":"array","items":["null","io.confluent.connect.avro.ConnectDefault2"]}}]}`,
		},
		{
			// AvroDataTest.testFromConnectOptionalAndNonOptionalStruct
			name: "named nested structs",
			cfg:  DefaultConfig(),
			schema: connect.NewSchemaBuilder(connect.TypeStruct).Name("outer").
				Field("struct", namedInner).
				Field("array", &connect.Schema{Type: connect.TypeArray, Value: namedInner}).Build(),
			want: `{"type":"record","name":"outer","connect.name":"outer","fields":[
				{"name":"struct","type":["null",{"type":"record","name":"inner","connect.name":"inner","fields":[{"name":"value","type":"long"}]}],"default":null},
				{"name":"array","type":{"type":"array","items":["null","inner"]}}]}`,
		},
		{
			// AvroDataTest.testFromConnectWithInvalidName
			name: "scrubbed names",
			cfg:  Config{ScrubInvalidNames: true},
			schema: connect.NewSchemaBuilder(connect.TypeStruct).Name("org.acme-corp.invalid record-name").
				Field("invalid field-name", str).Build(),
			want: `{"type":"record","name":"invalid_record_name","namespace":"org.acme_corp","fields":[{"name":"invalid_field_name","type":"string"}]}`,
		},
		{
			// AvroDataTest.testFromConnectOptionalWithDefaultNull
			name: "optional with null default",
			cfg:  DefaultConfig(),
			schema: connect.NewSchemaBuilder(connect.TypeStruct).
				Field("optionalBool", &connect.Schema{Type: connect.TypeBoolean, Optional: true}).Build(),
			want: `{"type":"record","name":"ConnectDefault","namespace":"io.confluent.connect.avro","fields":[{"name":"optionalBool","type":["null","boolean"],"default":null}]}`,
		},
		{
			// AvroDataTest.testFromConnectComplexWithDefaults: the date and decimal fields.
			// 314159 is 0x04CB2F as a two's-complement big-endian integer.
			name:   "logical types with defaults",
			cfg:    DefaultConfig(),
			schema: connect.NewSchemaBuilder(connect.TypeStruct).Field("date", date).Field("decimal", dec).Build(),
			want: `{"type":"record","name":"ConnectDefault","namespace":"io.confluent.connect.avro","fields":[
				{"name":"date","type":{"type":"int","connect.doc":"date field","connect.default":100,"connect.name":"org.apache.kafka.connect.data.Date","connect.version":1,"logicalType":"date"},"default":100},
				{"name":"decimal","type":{"type":"bytes","scale":5,"precision":64,"connect.doc":"decimal field","connect.version":1,"connect.default":"\u0004\u00cb/","connect.parameters":{"scale":"5"},"connect.name":"org.apache.kafka.connect.data.Decimal","logicalType":"decimal"},"default":"\u0004\u00cb/"}]}`,
		},
		{
			// Confluent's AvroData.maybeMakeOptional: an optional schema with a default puts
			// the type before null in the union, so the default matches the first member.
			name: "optional with default",
			cfg:  DefaultConfig(),
			schema: connect.NewSchemaBuilder(connect.TypeStruct).
				Field("n", &connect.Schema{Type: connect.TypeInt32, Optional: true, Default: int32(7)}).Build(),
			want: `{"type":"record","name":"ConnectDefault","namespace":"io.confluent.connect.avro","fields":[{"name":"n","type":[{"type":"int","connect.default":7},"null"],"default":7}]}`,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := FromConnectSchema(c.cfg, c.schema)
			if err != nil {
				t.Fatal(err)
			}
			if g, w := normalize(t, got.Text), normalize(t, c.want); !reflect.DeepEqual(g, w) {
				t.Errorf("schema\n got %s\nwant %s", got.Text, c.want)
			}
		})
	}
}

func TestScrubNameMatchesConfluent(t *testing.T) {
	// AvroDataTest.testNameScrubbing
	cfg := Config{ScrubInvalidNames: true}
	for in, want := range map[string]string{
		"":            "",
		"abc_DEF_123": "abc_DEF_123",
		"abc+-.*_":    "abc_2B____",
		"abc-def":     "abc_def",
		"abc+def":     "abc_2Bdef",
		"abc  def":    "abc__def",
		"abc.def":     "abc_def",
		"0abc.def":    "x0abc_def",
		"0abc":        "x0abc",
	} {
		if got := cfg.scrub(in); got != want {
			t.Errorf("scrub(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFromConnectSchemaRefusesSchemaless(t *testing.T) {
	if _, err := FromConnectSchema(DefaultConfig(), nil); err == nil {
		t.Fatal("nil schema accepted")
	}
}

// TestEnumSymbolsKeepDeclaredOrder: an enum read from Avro is written back with its symbols
// in the order declared, not sorted: the order is each symbol's index on the wire. The
// schema is the Avro specification's enum example.
func TestEnumSymbolsKeepDeclaredOrder(t *testing.T) {
	cfg := Config{ConnectMetaData: true, EnhancedSchemaSupport: true}
	as, err := Parse(`{"type":"enum","name":"Suit","symbols":["SPADES","HEARTS","DIAMONDS","CLUBS"]}`)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := ToConnectSchema(cfg, as)
	if err != nil {
		t.Fatal(err)
	}
	text, err := SchemaText(cfg, cs)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	got := back.(*avro.EnumSchema).Symbols()
	if want := []string{"SPADES", "HEARTS", "DIAMONDS", "CLUBS"}; !slices.Equal(got, want) {
		t.Fatalf("symbols %v, want %v (schema %s)", got, want, text)
	}
}

// TestConnectParametersWrittenTheSameEveryTime: connect.parameters read from an Avro schema
// (a Go map once parsed) are written back in one order, so the same schema never registers
// as a new version.
func TestConnectParametersWrittenTheSameEveryTime(t *testing.T) {
	as, err := Parse(`{"type":"string","connect.parameters":{"p.b":"1","p.a":"2","p.d":"3","p.c":"4","p.e":"5"}}`)
	if err != nil {
		t.Fatal(err)
	}
	first := ""
	for i := range 20 {
		cs, err := ToConnectSchema(DefaultConfig(), as)
		if err != nil {
			t.Fatal(err)
		}
		text, err := SchemaText(DefaultConfig(), cs)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = text
		} else if text != first {
			t.Fatalf("written differently:\n%s\n%s", first, text)
		}
	}
}
