package transform

import (
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
)

func TestTimestampConverter(t *testing.T) {
	ts := time.Date(2024, 3, 5, 6, 7, 8, 9e6, time.UTC)
	ms := ts.UnixMilli()
	day := time.Date(2024, 3, 5, 0, 0, 0, 0, time.UTC)
	tod := time.Date(1970, 1, 1, 6, 7, 8, 9e6, time.UTC)
	s := structSchema("when", timestampSchema(false), "other", sch(connect.TypeString))
	s.Name = "evt"
	us := structSchema("when", sch(connect.TypeString), "other", sch(connect.TypeString))
	us.Name = "evt"
	ls := structSchema("when", osch(connect.TypeInt64))
	ds := structSchema("when", dateSchema(true))

	str := func(field, format string) map[string]string {
		return map[string]string{"field": field, "target.type": "string", "format": format}
	}
	runSMT(t, []smtCase{
		{name: "schemaless unix to string", class: "TimestampConverter$Value", props: str("t", "yyyy-MM-dd HH:mm:ss.SSS"),
			in: rec(nil, map[string]any{"t": ms, "x": 1}), want: rec(nil, map[string]any{"t": "2024-03-05 06:07:08.009", "x": 1})},
		{name: "schemaless absent field becomes null", class: "TimestampConverter$Value", props: str("t", "yyyy"),
			in: rec(nil, map[string]any{"x": 1}), want: rec(nil, map[string]any{"t": nil, "x": 1})},
		{name: "schemaless string to Timestamp", class: "TimestampConverter$Value",
			props: map[string]string{"field": "t", "target.type": "Timestamp", "format": "yyyy-MM-dd'T'HH:mm:ss.SSSXXX"},
			in:    rec(nil, map[string]any{"t": "2024-03-05T08:07:08.009+02:00"}), want: rec(nil, map[string]any{"t": ts})},
		{name: "schemaless whole key to unix seconds", class: "TimestampConverter$Key", props: map[string]string{"target.type": "unix", "unix.precision": "seconds"},
			in: rec(ts, nil), want: rec(ts.Unix(), nil)},
		{name: "schemaless unix micros to Date", class: "TimestampConverter$Value", props: map[string]string{"target.type": "Date", "unix.precision": "microseconds"},
			in: rec(nil, ms*1000+999), want: rec(nil, day)},
		{name: "schemaless nanos to Time", class: "TimestampConverter$Value", props: map[string]string{"target.type": "Time", "unix.precision": "nanoseconds"},
			in: rec(nil, ms*1000000), want: rec(nil, tod)},
		{name: "schemaless null stays null", class: "TimestampConverter$Value", props: map[string]string{"target.type": "unix"},
			in: rec("k", nil), want: rec("k", nil)},
		{name: "schemaless int32 rejected", class: "TimestampConverter$Value", props: map[string]string{"target.type": "unix"},
			in: rec(nil, int32(5)), errClass: ClassDataException, err: "TimestampConverter does not support class java.lang.Integer objects as timestamps"},
		{name: "schemaless unparsable string", class: "TimestampConverter$Value", props: map[string]string{"target.type": "unix", "format": "yyyy-MM-dd"},
			in: rec(nil, "March"), errClass: ClassDataException, err: "Could not parse timestamp: value (March) does not match pattern (yyyy-MM-dd)"},
		{name: "schemaless non-map with field", class: "TimestampConverter$Value", props: str("t", "yyyy"),
			in: rec(nil, "x"), errClass: ClassDataException, err: "Only Map objects supported in absence of schema for [converting timestamp formats], found: java.lang.String"},
		{name: "struct field to string", class: "TimestampConverter$Value", props: str("when", "yyyyMMdd'T'HHmm"),
			in:   recS(nil, nil, s, newStruct(s, "when", ts, "other", "o")),
			want: recS(nil, nil, us, newStruct(us, "when", "20240305T0607", "other", "o"))},
		{name: "struct optional int64 to Date", class: "TimestampConverter$Value", props: map[string]string{"field": "when", "target.type": "Date"},
			in: recS(nil, nil, ls, newStruct(ls, "when", ms)), want: recS(nil, nil, ds, newStruct(ds, "when", day))},
		{name: "struct null field", class: "TimestampConverter$Value", props: map[string]string{"field": "when", "target.type": "Date"},
			in: recS(nil, nil, ls, newStruct(ls)), want: recS(nil, nil, ds, newStruct(ds))},
		{name: "whole schema value", class: "TimestampConverter$Value", props: map[string]string{"target.type": "Timestamp"},
			in: recS(nil, nil, osch(connect.TypeInt64), ms), want: recS(nil, nil, timestampSchema(true), ts)},
		{name: "schema not a timestamp", class: "TimestampConverter$Value", props: map[string]string{"target.type": "Timestamp"},
			in: recS(nil, nil, sch(connect.TypeInt32), int32(1)), errClass: ClassConnectException,
			err: "Schema Schema{INT32} does not correspond to a known timestamp type format"},
		{name: "field on a non-struct schema", class: "TimestampConverter$Value", props: map[string]string{"field": "when", "target.type": "Date"},
			in: recS(nil, nil, osch(connect.TypeInt64), nil), errClass: ClassDataException, err: "Cannot list fields on non-struct type"},
		{name: "bad target", class: "TimestampConverter$Value", props: map[string]string{"target.type": "date"},
			configErr: "Invalid value date for configuration target.type: String must be one of: string, unix, Date, Time, Timestamp"},
		{name: "string without format", class: "TimestampConverter$Value", props: map[string]string{"target.type": "string"},
			configErr: "TimestampConverter requires format option to be specified when using string timestamps"},
		{name: "bad pattern", class: "TimestampConverter$Value", props: map[string]string{"target.type": "string", "format": "yyyy-bb"},
			configErr: "TimestampConverter requires a SimpleDateFormat-compatible pattern for string timestamps: yyyy-bb"},
		{name: "bad precision", class: "TimestampConverter$Value", props: map[string]string{"target.type": "unix", "unix.precision": "days"},
			configErr: "Invalid value days for configuration unix.precision: String must be one of: nanoseconds, microseconds, milliseconds, seconds"},
		{name: "target required", class: "TimestampConverter$Value", props: map[string]string{}, configErr: `Missing required configuration "target.type"`},
	})
}

func TestDateFormat(t *testing.T) {
	tm := time.Date(2024, 3, 5, 16, 7, 8, 9e6, time.UTC)
	for _, c := range []struct{ pattern, want string }{
		{"yyyyMMdd", "20240305"},
		{"yyyy-MM-dd'T'HH:mm:ss.SSSZ", "2024-03-05T16:07:08.009+0000"},
		{"yy/M/d h:mm a", "24/3/5 4:07 PM"},
		{"EEE, d MMM yyyy", "Tue, 5 Mar 2024"},
		{"EEEE MMMM D yyyy", "Tuesday March 65 2024"},
		{"'at' HH 'o''clock' X", "at 16 o'clock Z"},
		{"yyyy-MM-dd-HH", "2024-03-05-16"},
		// SimpleDateFormat reads two quotes as one wherever they stand, so four are two.
		{"''''yyyy", "''2024"},
	} {
		df, err := newDateFormat(c.pattern)
		if err != nil {
			t.Fatalf("%q: %v", c.pattern, err)
		}
		got := df.format(tm)
		if got != c.want {
			t.Errorf("format %q = %q, want %q", c.pattern, got, c.want)
		}
		back, ok := df.parse(got)
		if !ok {
			t.Errorf("parse %q with %q failed", got, c.pattern)
			continue
		}
		if again := df.format(back); again != got {
			t.Errorf("parse(format) with %q = %q, want %q", c.pattern, again, got)
		}
	}
	for _, bad := range []string{"yyyy-bb", "'open"} {
		if _, err := newDateFormat(bad); err == nil {
			t.Errorf("pattern %q accepted", bad)
		}
	}
	df, _ := newDateFormat("yyyy-MM-dd HH:mm")
	if got, ok := df.parse("2024-02-30 25:00 trailing"); !ok || !got.Equal(time.Date(2024, 3, 2, 1, 0, 0, 0, time.UTC)) {
		t.Errorf("lenient parse = %v %v, want 2024-03-02T01:00Z", got, ok)
	}
	if _, ok := df.parse("2024-02"); ok {
		t.Error("short input parsed")
	}
}
