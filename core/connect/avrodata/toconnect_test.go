package avrodata

import (
	"testing"

	"github.com/connectless/connectless/core/connect"
)

func TestToConnectSchemaMatchesConfluent(t *testing.T) {
	optional := func(ty connect.Type) *connect.Schema { return &connect.Schema{Type: ty, Optional: true} }
	cases := []struct {
		name string
		cfg  Config
		avro string
		want *connect.Schema
	}{
		{
			// AvroDataTest.testToConnectInt8: an int annotated connect.type=int8.
			name: "int8", cfg: DefaultConfig(),
			avro: `{"type":"int","connect.type":"int8"}`,
			want: &connect.Schema{Type: connect.TypeInt8},
		},
		{
			// AvroDataTest.testToConnectEnum (enhanced off): the enum becomes a string named
			// after it, the symbols kept as parameters.
			name: "enum", cfg: DefaultConfig(),
			avro: `{"type":"enum","name":"TestEnum","doc":"some documentation","symbols":["foo","bar","baz"]}`,
			want: &connect.Schema{Type: connect.TypeString, Name: "TestEnum", Parameters: map[string]string{
				"io.confluent.connect.avro.enum.doc.TestEnum": "some documentation",
				"io.confluent.connect.avro.Enum":              "TestEnum",
				"io.confluent.connect.avro.Enum.foo":          "foo",
				"io.confluent.connect.avro.Enum.bar":          "bar",
				"io.confluent.connect.avro.Enum.baz":          "baz",
			}},
		},
		{
			// AvroDataTest.testToConnectUnion: members become optional fields named after
			// their type (records by their simple name).
			name: "union", cfg: DefaultConfig(),
			avro: `["int","string",{"type":"record","name":"Test1","fields":[{"name":"test","type":"int"}]},{"type":"record","name":"Test2","namespace":"io.confluent","fields":[{"name":"test","type":"int"}]}]`,
			want: connect.NewSchemaBuilder(connect.TypeStruct).Name(UnionName).
				Field("int", optional(connect.TypeInt32)).
				Field("string", optional(connect.TypeString)).
				Field("Test1", connect.NewSchemaBuilder(connect.TypeStruct).Name("Test1").Field("test", &connect.Schema{Type: connect.TypeInt32}).Optional().Build()).
				Field("Test2", connect.NewSchemaBuilder(connect.TypeStruct).Name("io.confluent.Test2").Field("test", &connect.Schema{Type: connect.TypeInt32}).Optional().Build()).
				Build(),
		},
		{
			// AvroData.toConnectSchema: precision is kept as a parameter only when it is not
			// the default 64.
			name: "decimal", cfg: DefaultConfig(),
			avro: `{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}`,
			want: &connect.Schema{Type: connect.TypeBytes, Name: connect.DecimalName, Version: 1,
				Parameters: map[string]string{"scale": "2", "connect.decimal.precision": "10"}},
		},
		{
			// A ConnectDefault record gives an unnamed struct; an Avro field default on a
			// required field is flagged with io.confluent.connect.avro.field.default.
			name: "default record", cfg: DefaultConfig(),
			avro: `{"type":"record","name":"ConnectDefault","namespace":"io.confluent.connect.avro","fields":[{"name":"n","type":"int","default":5},{"name":"o","type":["null","string"],"default":null}]}`,
			want: connect.NewSchemaBuilder(connect.TypeStruct).
				Field("n", &connect.Schema{Type: connect.TypeInt32, Default: int32(5), Parameters: map[string]string{FieldDefaultParam: "true"}}).
				Field("o", optional(connect.TypeString)).Build(),
		},
		{
			name: "map entries", cfg: DefaultConfig(),
			avro: `{"type":"array","items":{"type":"record","name":"MapEntry","namespace":"io.confluent.connect.avro","fields":[{"name":"key","type":"int"},{"name":"value","type":"string"}]}}`,
			want: &connect.Schema{Type: connect.TypeMap, Key: &connect.Schema{Type: connect.TypeInt32}, Value: &connect.Schema{Type: connect.TypeString}},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			as, err := Parse(c.avro)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ToConnectSchema(c.cfg, as)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(c.want) {
				t.Errorf("got  %+v\nwant %+v", got, c.want)
			}
		})
	}
}

func TestToConnectSchemaRefusesRecursion(t *testing.T) {
	as, err := Parse(`{"type":"record","name":"Node","fields":[{"name":"next","type":["null","Node"],"default":null}]}`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ToConnectSchema(DefaultConfig(), as); err == nil {
		t.Fatal("recursive schema accepted")
	}
}
