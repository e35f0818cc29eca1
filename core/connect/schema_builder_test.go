package connect

import (
	"encoding/hex"
	"errors"
	"math/big"
	"slices"
	"testing"
	"time"
)

func TestSchemaBuilder(t *testing.T) {
	s := StructBuilder().Name("com.acme.Order").Version(3).Doc("an order").
		Field("id", Int32Schema()).
		Field("note", OptionalStringSchema()).
		Field("ts", TimestampSchema()).Build()
	if s.Type != TypeStruct || len(s.Fields) != 3 || s.Fields[2].Index != 2 || s.Name != "com.acme.Order" || s.Version != 3 {
		t.Fatalf("schema = %+v", s)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("duplicate field did not panic")
		}
	}()
	StructBuilder().Field("a", Int8Schema()).Field("a", Int8Schema())
}

func TestDecimalBytes(t *testing.T) {
	tests := []struct {
		unscaled string
		hex      string
	}{
		{"0", "00"}, {"1", "01"}, {"100", "64"}, {"127", "7f"}, {"128", "0080"}, {"255", "00ff"},
		{"-1", "ff"}, {"-128", "80"}, {"-129", "ff7f"}, {"-256", "ff00"}, {"-32768", "8000"}, {"65535", "00ffff"},
	}
	for _, tt := range tests {
		n, _ := new(big.Int).SetString(tt.unscaled, 10)
		d := Decimal{Unscaled: n, Scale: 2}
		if got := hex.EncodeToString(d.Bytes()); got != tt.hex {
			t.Errorf("Bytes(%s) = %s, want %s", tt.unscaled, got, tt.hex)
		}
		b, _ := hex.DecodeString(tt.hex)
		if back := DecimalFromBytes(b, 2); back.Unscaled.Cmp(n) != 0 {
			t.Errorf("DecimalFromBytes(%s) = %s", tt.hex, back.Unscaled)
		}
	}
}

func TestDecimalJavaString(t *testing.T) {
	tests := map[string]string{"1.00": "1.00", "1E+3": "1E+3", "-12.5": "-12.5", "0.0000001": "1E-7", "0.000001": "0.000001", "123": "123", "1.5E-7": "1.5E-7", "12E2": "1.2E+3"}
	for in, want := range tests {
		d, err := ParseDecimal(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := d.JavaString(); got != want {
			t.Errorf("ParseDecimal(%q).JavaString() = %q, want %q", in, got, want)
		}
	}
	if _, err := ParseDecimal("abc"); err == nil {
		t.Error("ParseDecimal accepted abc")
	}
}

func TestLogicalTimeHelpers(t *testing.T) {
	if d, err := DateToDays(time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)); err != nil || d != 19724 {
		t.Fatalf("DateToDays = %d, %v", d, err)
	}
	var de *DataError
	if _, err := DateToDays(time.Date(2024, 1, 2, 0, 0, 1, 0, time.UTC)); !errors.As(err, &de) {
		t.Fatalf("DateToDays with time = %v", err)
	}
	if _, err := TimeToMillis(time.UnixMilli(86400001)); !errors.As(err, &de) {
		t.Fatal("TimeToMillis accepted a date")
	}
	if _, err := MillisToTime(-1); !errors.As(err, &de) {
		t.Fatal("MillisToTime accepted -1")
	}
	if DaysToDate(19724).Format("2006-01-02") != "2024-01-02" {
		t.Fatal("DaysToDate")
	}
}

func TestValidateValue(t *testing.T) {
	s := StructBuilder().Field("id", Int32Schema()).Field("tags", ArraySchema(StringSchema())).Build()
	good := NewStruct(s).MustPut("id", int32(1)).MustPut("tags", []any{"a"})
	tests := []struct {
		schema *Schema
		value  any
		want   string
	}{
		{Int32Schema(), int32(1), ""},
		{Int32Schema(), "x", "Invalid Java object for schema with type INT32: class java.lang.String"},
		{Int32Schema(), nil, "Invalid value: null used for required schema type: INT32"},
		{OptionalInt32Schema(), nil, ""},
		{DecimalSchema(2), NewDecimal(100, 2), ""},
		{DecimalSchema(2), []byte{1}, `Invalid Java object for schema "org.apache.kafka.connect.data.Decimal" with type BYTES: class [B`},
		{s, good, ""},
		{s, NewStruct(s).MustPut("id", int32(1)), `Invalid value: null used for required field: "tags", schema type: ARRAY`},
		{s, NewStruct(s).MustPut("id", int32(1)).MustPut("tags", []any{int64(1)}), `Invalid Java object for schema with type STRING: class java.lang.Long for field: "tags"`},
		{MapSchema(StringSchema(), Int64Schema()), map[string]any{"a": int64(1)}, ""},
	}
	for i, tt := range tests {
		err := ValidateValue(tt.schema, tt.value)
		if tt.want == "" {
			if err != nil {
				t.Errorf("%d: %v", i, err)
			}
			continue
		}
		var de *DataError
		if !errors.As(err, &de) || err.Error() != tt.want {
			t.Errorf("%d: err = %v, want %q", i, err, tt.want)
		}
	}
}

func TestDecimalFromRat(t *testing.T) {
	for _, tc := range []struct {
		rat   string
		scale int32
		want  string // Decimal.String, "" when the scale is too small
	}{
		{"12.34", 2, "12.34"},
		{"12.34", 4, "12.3400"},
		{"-1/8", 3, "-0.125"},
		{"12.345", 2, ""},
		{"1/3", 10, ""},
		{"7", 0, "7"},
	} {
		r, _ := new(big.Rat).SetString(tc.rat)
		d, ok := DecimalFromRat(r, tc.scale)
		if tc.want == "" {
			if ok {
				t.Errorf("DecimalFromRat(%s, %d) = %s, want not ok", tc.rat, tc.scale, d)
			}
			continue
		}
		if !ok || d.String() != tc.want || d.Scale != tc.scale {
			t.Errorf("DecimalFromRat(%s, %d) = %s (scale %d), %v; want %s", tc.rat, tc.scale, d, d.Scale, ok, tc.want)
		}
	}
}

func TestTemporalToInt(t *testing.T) {
	day := time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		t    time.Time
		want any
		err  bool
	}{
		{DateName, day, int32(19782), false},
		{DateName, day.Add(time.Hour), nil, true},
		{TimeName, time.UnixMilli(3_600_001).UTC(), int32(3_600_001), false},
		{TimeName, day, nil, true},
		{TimestampName, day.Add(1500 * time.Millisecond), int64(1709164801500), false},
	} {
		got, err := TemporalToInt(tc.name, tc.t)
		if (err != nil) != tc.err || (!tc.err && got != tc.want) {
			t.Errorf("TemporalToInt(%s, %v) = %v (%T), %v; want %v (%T), error %v", tc.name, tc.t, got, got, err, tc.want, tc.want, tc.err)
		}
	}
}

func TestParamKeysKeepSetOrder(t *testing.T) {
	s := NewSchemaBuilder(TypeString).Parameter("z", "1").Parameter("a", "2").Parameter("m", "3").Build()
	s.Parameters["b"] = "set directly"
	s.SetParam("z", "again") // a key set again keeps its place
	got := s.ParamKeys()
	if want := []string{"z", "a", "m", "b"}; !slices.Equal(got, want) {
		t.Fatalf("ParamKeys %v, want %v", got, want)
	}
	c := BuilderFrom(s).Parameter("c", "4").Build()
	if got := c.ParamKeys(); !slices.Equal(got, []string{"z", "a", "m", "c", "b"}) {
		t.Fatalf("copy: ParamKeys %v", got)
	}
	if got := s.ParamKeys(); len(got) != 4 {
		t.Fatalf("the copy changed the original: %v", got)
	}
}
