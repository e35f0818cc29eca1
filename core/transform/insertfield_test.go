package transform

import (
	"testing"

	"github.com/connectless/connectless/core/connect"
)

func TestInsertField(t *testing.T) {
	all := map[string]string{"topic.field": "topic!", "partition.field": "part", "offset.field": "off?",
		"timestamp.field": "ts", "static.field": "env", "static.value": "prod"}
	base := rec(nil, map[string]any{"id": int64(7), "env": "dev"})
	ts := base.Timestamp

	valSchema := structSchema("id", sch(connect.TypeInt64))
	valSchema.Name, valSchema.Version, valSchema.Optional = "com.example.Order", 3, true
	inStruct := newStruct(valSchema, "id", int64(7))
	wantSchema := structSchema("id", sch(connect.TypeInt64), "topic", sch(connect.TypeString), "part", osch(connect.TypeInt32),
		"off", osch(connect.TypeInt64), "ts", timestampSchema(true), "env", osch(connect.TypeString))
	wantSchema.Name, wantSchema.Version = "com.example.Order", 3 // basics copied, optionality not
	wantStruct := newStruct(wantSchema, "id", int64(7), "topic", "orders", "part", int32(1), "off", int64(42), "ts", ts, "env", "prod")

	keySchema := structSchema("k", sch(connect.TypeString))
	keyWantSchema := structSchema("k", sch(connect.TypeString), "topic", osch(connect.TypeString))

	defSchema := structSchema("n", &connect.Schema{Type: connect.TypeInt32, Optional: true, Default: int32(5)})
	defWantSchema := structSchema("n", defSchema.Fields[0].Schema, "topic", osch(connect.TypeString))

	source := &connect.Record{Topic: "orders", Value: map[string]any{}}

	runSMT(t, []smtCase{
		{name: "schemaless value, every field, existing key overwritten", class: "InsertField$Value", props: all, in: base,
			want: with(base, func(r *connect.Record) {
				r.Value = map[string]any{"id": int64(7), "env": "prod", "topic": "orders", "part": int32(1), "off": int64(42), "ts": ts.UnixMilli()}
			})},
		{name: "schemaless key", class: "org.apache.kafka.connect.transforms.InsertField$Key", props: map[string]string{"topic.field": "t"},
			in: rec(map[string]any{"k": "a"}, "v"), want: rec(map[string]any{"k": "a", "t": "orders"}, "v")},
		{name: "null value passes", class: "InsertField$Value", props: all, in: rec("k", nil), want: rec("k", nil)},
		{name: "schemaless non-map", class: "InsertField$Value", props: all, in: rec(nil, "text"),
			errClass: ClassDataException, err: "Only Map objects supported in absence of schema for [field insertion], found: java.lang.String"},
		{name: "offset on a source record", class: "InsertField$Value", props: map[string]string{"offset.field": "o"}, in: source,
			errClass: ClassDataException, err: "Only SinkRecord supported for [field insertion], found: org.apache.kafka.connect.source.SourceRecord"},
		{name: "partition and timestamp absent are skipped", class: "InsertField$Value",
			props: map[string]string{"partition.field": "p", "timestamp.field": "ts", "topic.field": "t"},
			in:    &connect.Record{Topic: "x", Value: map[string]any{}}, want: &connect.Record{Topic: "x", Value: map[string]any{"t": "x"}}},
		{name: "struct value, every field", class: "InsertField$Value", props: all,
			in:   recS(nil, nil, valSchema, inStruct),
			want: recS(nil, nil, wantSchema, wantStruct)},
		{name: "struct key", class: "InsertField$Key", props: map[string]string{"topic.field": "topic"},
			in:   recS(keySchema, newStruct(keySchema, "k", "a"), nil, "v"),
			want: recS(keyWantSchema, newStruct(keyWantSchema, "k", "a", "topic", "orders"), nil, "v")},
		{name: "struct default read by default", class: "InsertField$Value", props: map[string]string{"topic.field": "topic"},
			in:   recS(nil, nil, defSchema, newStruct(defSchema)),
			want: recS(nil, nil, defWantSchema, newStruct(defWantSchema, "n", int32(5), "topic", "orders"))},
		{name: "struct default kept null when replace.null.with.default=false", class: "InsertField$Value",
			props: map[string]string{"topic.field": "topic", "replace.null.with.default": "false"},
			in:    recS(nil, nil, defSchema, newStruct(defSchema)),
			want:  recS(nil, nil, defWantSchema, newStruct(defWantSchema, "topic", "orders"))},
		{name: "struct non-struct value", class: "InsertField$Value", props: all, in: recS(nil, nil, sch(connect.TypeString), "x"),
			errClass: ClassDataException, err: "Only Struct objects supported for [field insertion], found: java.lang.String"},
		{name: "field name clash", class: "InsertField$Value", props: map[string]string{"topic.field": "id"},
			in:       recS(nil, nil, valSchema, inStruct),
			errClass: ClassSchemaBuilderException, err: "Cannot create field because of field name duplication id"},
		{name: "nothing configured", class: "InsertField$Value", props: map[string]string{}, configErr: "No field insertion configured"},
		{name: "static field without value", class: "InsertField$Value", props: map[string]string{"static.field": "s"},
			configErr: "Invalid value null for configuration static.value: No value specified for static field: s"},
		{name: "bad boolean", class: "InsertField$Value", props: map[string]string{"topic.field": "t", "replace.null.with.default": "yes"},
			configErr: "Invalid value yes for configuration replace.null.with.default: Expected value to be either true or false"},
	})
}
