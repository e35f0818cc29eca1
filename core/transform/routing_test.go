package transform

import (
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
)

func TestTimestampRouter(t *testing.T) {
	r := rec("k", "v")
	noTs := rec("k", "v")
	noTs.Timestamp = time.Time{}
	runSMT(t, []smtCase{
		{name: "defaults", class: "TimestampRouter", props: map[string]string{}, in: r,
			want: with(r, func(o *connect.Record) { o.Topic = "orders-20240305" })},
		{name: "custom formats", class: "org.apache.kafka.connect.transforms.TimestampRouter",
			props: map[string]string{"topic.format": "logs.${timestamp}.${topic}.${topic}", "timestamp.format": "yyyy/MM/dd HH"}, in: r,
			want: with(r, func(o *connect.Record) { o.Topic = "logs.2024/03/05 06.orders.orders" })},
		{name: "topic holding a placeholder is replaced again, as Kafka's chained replace does", class: "TimestampRouter",
			props: map[string]string{"topic.format": "x-${topic}-${"}, in: with(r, func(o *connect.Record) { o.Topic = "a${timestamp}" }),
			want: with(r, func(o *connect.Record) { o.Topic = "x-a20240305-${" })},
		{name: "missing timestamp", class: "TimestampRouter", props: map[string]string{}, in: noTs, errClass: ClassDataException,
			err: "Timestamp missing on record: SinkRecord{kafkaOffset=42, timestampType=CreateTime} ConnectRecord{topic='orders', kafkaPartition=1, key=k"},
	})
	if _, err := configureT("TimestampRouter", map[string]string{"timestamp.format": "yyyy-qq"}); err == nil {
		t.Error("bad timestamp.format accepted")
	}
}

func TestRegexRouter(t *testing.T) {
	r := rec("k", "v")
	runSMT(t, []smtCase{
		{name: "whole match with groups", class: "RegexRouter", props: map[string]string{"regex": "(ord)(er)s", "replacement": "$2-$1-\\$"}, in: r,
			want: with(r, func(o *connect.Record) { o.Topic = "er-ord-$" })},
		{name: "named group", class: "RegexRouter", props: map[string]string{"regex": "(?<base>.*)s", "replacement": "archive.${base}"}, in: r,
			want: with(r, func(o *connect.Record) { o.Topic = "archive.order" })},
		{name: "group number read while valid", class: "RegexRouter", props: map[string]string{"regex": "(o)rders", "replacement": "$10"}, in: r,
			want: with(r, func(o *connect.Record) { o.Topic = "o0" })},
		{name: "partial match leaves topic", class: "RegexRouter", props: map[string]string{"regex": "order", "replacement": "x"}, in: r, want: r},
		{name: "missing group fails on use", class: "RegexRouter", props: map[string]string{"regex": "orders", "replacement": "$1"}, in: r,
			errClass: ClassIllegalArgument, err: "No group 1"},
		{name: "look-ahead rejected", class: "RegexRouter", props: map[string]string{"regex": "(?=x)a", "replacement": "x"},
			configErr: "Invalid value (?=x)a for configuration regex: Invalid regex: "},
		{name: "regex required", class: "RegexRouter", props: map[string]string{"replacement": "x"}, configErr: `Missing required configuration "regex"`},
		{name: "replacement required", class: "RegexRouter", props: map[string]string{"regex": "x"}, configErr: `Missing required configuration "replacement"`},
	})
}

func TestHeaderTransforms(t *testing.T) {
	h := func(kv ...any) connect.Headers {
		var out connect.Headers
		for i := 0; i < len(kv); i += 3 {
			s, _ := kv[i+1].(*connect.Schema)
			out = append(out, connect.Header{Key: kv[i].(string), Schema: s, Value: kv[i+2]})
		}
		return out
	}
	base := rec("k", "v")
	base.Headers = h("a", nil, "1", "b", nil, "2", "a", nil, "3")
	withH := func(hs connect.Headers) *connect.Record {
		return with(base, func(r *connect.Record) { r.Headers = hs })
	}
	str := sch(connect.TypeString)

	s := structSchema("id", sch(connect.TypeInt64), "user", osch(connect.TypeString), "x", sch(connect.TypeBoolean))
	st := newStruct(s, "id", int64(1), "user", "u", "x", true)
	moved := structSchema("x", sch(connect.TypeBoolean))
	hsRec := recS(nil, nil, s, st)

	runSMT(t, []smtCase{
		{name: "insert string", class: "InsertHeader", props: map[string]string{"header": "a", "value.literal": "hello world"}, in: base,
			want: withH(append(h("a", nil, "1", "b", nil, "2", "a", nil, "3"), h("a", str, "hello world")...))},
		{name: "insert number infers int8", class: "InsertHeader", props: map[string]string{"header": "n", "value.literal": "42"}, in: base,
			want: withH(append(h("a", nil, "1", "b", nil, "2", "a", nil, "3"), h("n", sch(connect.TypeInt8), int8(42))...))},
		{name: "insert null", class: "InsertHeader", props: map[string]string{"header": "n", "value.literal": "null"}, in: base,
			want: withH(append(h("a", nil, "1", "b", nil, "2", "a", nil, "3"), h("n", nil, nil)...))},
		{name: "header required", class: "InsertHeader", props: map[string]string{"value.literal": "x"}, configErr: `Missing required configuration "header"`},
		{name: "drop all with key, keep order", class: "DropHeaders", props: map[string]string{"headers": "a,zz"}, in: base,
			want: withH(h("b", nil, "2"))},
		{name: "drop requires a list", class: "DropHeaders", props: map[string]string{"headers": ""}, configErr: "Invalid value [] for configuration headers: Empty list"},
		{name: "header from schemaless copy", class: "HeaderFrom$Value", props: map[string]string{"fields": "id,absent", "headers": "h_id,h_abs", "operation": "copy"},
			in:   rec(nil, map[string]any{"id": int64(1), "v": 2}),
			want: with(rec(nil, map[string]any{"id": int64(1), "v": 2}), func(r *connect.Record) { r.Headers = h("h_id", nil, int64(1), "h_abs", nil, nil) })},
		{name: "header from schemaless key move", class: "HeaderFrom$Key", props: map[string]string{"fields": "id", "headers": "h", "operation": "move"},
			in:   rec(map[string]any{"id": "a", "k": 1}, nil),
			want: with(rec(map[string]any{"k": 1}, nil), func(r *connect.Record) { r.Headers = h("h", nil, "a") })},
		{name: "header from struct move", class: "HeaderFrom$Value", props: map[string]string{"fields": "id,user", "headers": "h1,h2", "operation": "move"},
			in: hsRec,
			want: with(recS(nil, nil, moved, newStruct(moved, "x", true)), func(r *connect.Record) {
				r.Headers = h("h1", sch(connect.TypeInt64), int64(1), "h2", osch(connect.TypeString), "u")
			})},
		{name: "header from struct copy", class: "HeaderFrom$Value", props: map[string]string{"fields": "x", "headers": "hx", "operation": "copy"},
			in:   hsRec,
			want: with(hsRec, func(r *connect.Record) { r.Headers = h("hx", sch(connect.TypeBoolean), true) })},
		{name: "header from struct missing field", class: "HeaderFrom$Value", props: map[string]string{"fields": "nope", "headers": "h", "operation": "copy"},
			in: hsRec, errClass: ClassNullPointer, err: "Cannot invoke"},
		{name: "header from schemaless null", class: "HeaderFrom$Value", props: map[string]string{"fields": "a", "headers": "h", "operation": "copy"},
			in: rec(nil, nil), errClass: ClassDataException, err: "Only Map objects supported in absence of schema for [header copy], found: null"},
		{name: "header from lengths differ", class: "HeaderFrom$Value", props: map[string]string{"fields": "a,b", "headers": "h", "operation": "copy"},
			configErr: "'fields' config must have the same number of elements as 'headers' config."},
		{name: "header from bad operation", class: "HeaderFrom$Value", props: map[string]string{"fields": "a", "headers": "h", "operation": "Move"},
			configErr: "Invalid value Move for configuration operation: String must be one of: move, copy"},
		{name: "filter drops", class: "Filter", props: map[string]string{}, in: base, want: nil},
	})
}

func TestParseValueString(t *testing.T) {
	for _, c := range []struct {
		in     string
		schema *connect.Schema
		value  any
	}{
		{"", sch(connect.TypeString), ""},
		{"true", sch(connect.TypeBoolean), true},
		{"TRUE", sch(connect.TypeString), "TRUE"},
		{"127", sch(connect.TypeInt8), int8(127)},
		{"128", sch(connect.TypeInt16), int16(128)},
		{"-40000", sch(connect.TypeInt32), int32(-40000)},
		{"3000000000", sch(connect.TypeInt64), int64(3000000000)},
		{"1.0", sch(connect.TypeInt8), int8(1)},
		{"1.50", sch(connect.TypeFloat32), float32(1.5)},
		{"1e400", nil, nil},
		{"2024-03-05", dateSchema(false), time.Date(2024, 3, 5, 0, 0, 0, 0, time.UTC)},
		{"10:11:12.013Z", timeSchema(false), time.Date(1970, 1, 1, 10, 11, 12, 13e6, time.UTC)},
		{"2024-03-05T10:11:12.013Z", timestampSchema(false), time.Date(2024, 3, 5, 10, 11, 12, 13e6, time.UTC)},
		{"12 monkeys", sch(connect.TypeString), "12 monkeys"},
		{"[1, 2, 3]", &connect.Schema{Type: connect.TypeArray, Value: sch(connect.TypeInt8)}, []any{int8(1), int8(2), int8(3)}},
		{"[1, \"a\"]", nil, []any{int8(1), "a"}},
		{"{\"a\": 1, \"b\": 2}", &connect.Schema{Type: connect.TypeMap, Key: sch(connect.TypeString), Value: sch(connect.TypeInt8)}, map[any]any{"a": int8(1), "b": int8(2)}},
		{"[1, 2", sch(connect.TypeString), "[1, 2"},
	} {
		s, v := parseValueString(c.in)
		if c.in == "1e400" {
			// Too big for a double: a Decimal with scale -400.
			d, ok := v.(connect.Decimal)
			if !ok || s.Name != connect.DecimalName || d.Scale != -400 || d.Unscaled.Int64() != 1 {
				t.Errorf("parse %q = %v %#v, want a Decimal", c.in, s, v)
			}
			continue
		}
		if !s.Equal(c.schema) {
			t.Errorf("parse %q schema = %+v, want %+v", c.in, s, c.schema)
		}
		equalValue(t, "parse "+c.in, v, c.value)
	}
}
