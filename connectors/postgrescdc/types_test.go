package postgrescdc

import (
	"context"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/connectless/connectless/core/connect"
)

// Expected values follow Debezium's PostgreSQL data type mappings (connectors/postgresql,
// "Data type mappings"): INTERVAL as io.debezium.time.MicroDuration counting a month as
// 365.25/12 days, BIT(n>1) as io.debezium.data.Bits in little-endian bytes, TIME(4-6) as
// microseconds past midnight.
func TestValueParsers(t *testing.T) {
	const day = int64(86400e6)
	for _, c := range []struct {
		in   string
		want int64
	}{
		{"1 day", day},
		{"1 mon", int64(365.25 / 12 * 86400e6)},
		{"1 year 2 mons 3 days 04:05:06.5", int64((12+2)*365.25/12*86400e6) + 3*day + ((4*60+5)*60+6)*1e6 + 500000},
		{"-00:00:01", -1e6},
	} {
		got, err := parseInterval(c.in)
		if err != nil || got != c.want {
			t.Errorf("parseInterval(%q) = %d, %v; want %d", c.in, got, err, c.want)
		}
	}
	if _, err := parseInterval("P1D"); err == nil {
		t.Error("ISO 8601 interval accepted; the session's IntervalStyle is postgres")
	}
	if us, err := microsOfDay("13:14:15.000001"); err != nil || us != (13*3600+14*60+15)*1e6+1 {
		t.Errorf("microsOfDay = %d, %v", us, err)
	}
	m := &typeMapper{}
	_, conv, _ := m.bits(10)
	if b, err := conv("1000000011"); err != nil || !reflect.DeepEqual(b, []byte{0x03, 0x02}) {
		t.Errorf("bits = %v, %v; want little-endian [3 2]", b, err)
	}
	arr, err := parseArray(`{"a,b",NULL,"c\"d",""}`, func(s string) (any, error) { return s, nil })
	if err != nil || !reflect.DeepEqual(arr, []any{"a,b", nil, `c"d`, ""}) {
		t.Errorf("parseArray = %#v, %v", arr, err)
	}
	for _, multi := range []string{"{{1,2},{3,4}}", "[1:2][1:2]={{1,2},{3,4}}"} {
		if _, err := parseArray(multi, func(s string) (any, error) { return s, nil }); err == nil || !strings.Contains(err.Error(), "one-dimensional") {
			t.Errorf("two-dimensional array %s: %v, want an error naming one-dimensional arrays", multi, err)
		}
	}
	if arr, err := parseArray("[0:2]={1,2,3}", func(s string) (any, error) { return s, nil }); err != nil || !reflect.DeepEqual(arr, []any{"1", "2", "3"}) {
		t.Errorf("array with lower bound 0 = %#v, %v", arr, err)
	}
	for mode, want := range map[string]any{BinaryBase64: "AQL/", BinaryHex: "0102ff", BinaryBytes: []byte{1, 2, 255}} {
		_, conv, _ := (&typeMapper{binary: mode}).bytea()
		if got, err := conv(`\x0102ff`); err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("bytea %s = %v, %v; want %v", mode, got, err, want)
		}
	}
	for mode, want := range map[string]any{DecimalDouble: 12.5, DecimalString: "12.50"} {
		_, conv, _ := (&typeMapper{decimal: mode}).numeric(((10 << 16) | 2) + 4)
		if got, err := conv("12.50"); err != nil || got != want {
			t.Errorf("numeric %s = %v, %v", mode, got, err)
		}
	}
	_, conv, _ = (&typeMapper{decimal: DecimalPrecise}).numeric(((10 << 16) | 2) + 4)
	if got, err := conv("NaN"); !errors.Is(err, ErrSpecialNumeric) {
		t.Errorf("NaN into a Decimal: %v, %v; want ErrSpecialNumeric", got, err)
	}
}

// TestNumericSpecialValues follows Debezium's PostgreSQL documentation on decimal values:
// PostgreSQL's NUMERIC NaN can only be encoded by the string and double modes, "as
// Double.NaN or the string constant NAN"; precise (Decimal or VariableScaleDecimal) cannot,
// and Debezium fails the event. The infinities follow the same rule, named as Debezium's
// SpecialValueDecimal names them (POSITIVE_INFINITY, NEGATIVE_INFINITY).
func TestNumericSpecialValues(t *testing.T) {
	fixed, variable := int32(((10<<16)|2)+4), int32(-1)
	for _, typmod := range []int32{fixed, variable} {
		_, str, _ := (&typeMapper{decimal: DecimalString}).numeric(typmod)
		_, dbl, _ := (&typeMapper{decimal: DecimalDouble}).numeric(typmod)
		_, precise, _ := (&typeMapper{decimal: DecimalPrecise}).numeric(typmod)
		for in, want := range map[string]string{"NaN": "NAN", "Infinity": "POSITIVE_INFINITY", "-Infinity": "NEGATIVE_INFINITY", "1.50": "1.50"} {
			if got, err := str(in); err != nil || got != want {
				t.Errorf("typmod %d, string mode: %s = %v, %v; want %s", typmod, in, got, err, want)
			}
		}
		if got, err := dbl("NaN"); err != nil || !math.IsNaN(got.(float64)) {
			t.Errorf("typmod %d, double mode: NaN = %v, %v", typmod, got, err)
		}
		if got, err := dbl("-Infinity"); err != nil || !math.IsInf(got.(float64), -1) {
			t.Errorf("typmod %d, double mode: -Infinity = %v, %v", typmod, got, err)
		}
		for _, in := range []string{"NaN", "Infinity", "-Infinity"} {
			if got, err := precise(in); !errors.Is(err, ErrSpecialNumeric) {
				t.Errorf("typmod %d, precise mode: %s = %v, %v; want ErrSpecialNumeric", typmod, in, got, err)
			}
		}
	}
}

// TestVariableScaleDecimal: Debezium's PostgreSQL value converter gives an unconstrained
// NUMERIC the smallest scale that holds the value (BigDecimal.stripTrailingZeros), never
// below 0: 1.50 has scale 1 (unscaled 15), 100 scale 0, 0.000 scale 0.
func TestVariableScaleDecimal(t *testing.T) {
	_, conv, _ := (&typeMapper{decimal: DecimalPrecise}).numeric(-1)
	for in, want := range map[string]struct {
		scale    int32
		unscaled int64
	}{"1.50": {1, 15}, "100": {0, 100}, "0.000": {0, 0}, "-2.0100": {2, -201}, "12.345": {3, 12345}} {
		v, err := conv(in)
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		s := v.(*connect.Struct)
		scale, _ := s.Get("scale")
		value, _ := s.Get("value")
		d := connect.DecimalFromBytes(value.([]byte), scale.(int32))
		if d.Scale != want.scale || d.Unscaled.Int64() != want.unscaled {
			t.Errorf("%s = scale %d unscaled %s; want scale %d unscaled %d", in, d.Scale, d.Unscaled, want.scale, want.unscaled)
		}
	}
}

func TestPositions(t *testing.T) {
	// Debezium's own offsets carry lsn (and lsn_proc/lsn_commit in later versions): an offset
	// with lsn only resumes as complete at that position.
	p, ok, err := parsePosition(map[string]any{"lsn": float64(24023128), "txId": float64(555), "ts_usec": float64(1559033904863000)})
	if err != nil || !ok || p.commit != 24023128 || !p.complete() || p.txID != 555 {
		t.Errorf("Debezium offset = %+v, %v, %v", p, ok, err)
	}
	partial := position{commit: 500, proc: 300, txID: 7, tsUsec: 1}
	back, _, err := parsePosition(partial.offset())
	if err != nil || back.commit != 500 || back.proc != 300 || back.complete() {
		t.Errorf("round trip = %+v, %v", back, err)
	}
	if _, _, err := parsePosition(map[string]any{"lsn": "x"}); err == nil {
		t.Error("a non-numeric lsn accepted")
	}
}

func TestValidateRefusesUnimplementedKeys(t *testing.T) {
	props := map[string]string{"connector.class": Class, HostnameConfig: "h", UserConfig: "u", DBNameConfig: "d", TopicPrefixConfig: "p",
		"message.key.columns": "public.t:id", "column.mask.with.10.chars": "public.t.c"}
	res := connect.ValidateAll(Class, props, ConfigDef())
	if err := (&Connector{}).Validate(context.Background(), props, &res); err != nil {
		t.Fatal(err)
	}
	if res.ErrorCount != 2 {
		t.Fatalf("%d errors, want 2: %+v", res.ErrorCount, res.Configs)
	}
	for _, c := range res.Configs {
		if c.Value != nil && len(c.Value.Errors) > 0 && !strings.Contains(c.Value.Errors[0], "does not implement") {
			t.Errorf("%s: %v", c.Value.Name, c.Value.Errors)
		}
	}
	if _, err := (&Connector{}).TaskConfigs(1); err == nil {
		t.Error("TaskConfigs before Start: no error")
	}
	c := &Connector{}
	props = map[string]string{HostnameConfig: "h", UserConfig: "u", DBNameConfig: "d", TopicPrefixConfig: "p", SnapshotModeConfig: SnapshotAlways}
	if err := c.Start(context.Background(), props); err != nil {
		t.Fatal(err)
	}
	a, _ := c.TaskConfigs(4)
	props[TableIncludeConfig] = "public\\.t"
	c.Start(context.Background(), props)
	b, _ := c.TaskConfigs(4)
	if len(a) != 1 || a[0][snapshotEpochConfig] == "" || a[0][snapshotEpochConfig] == b[0][snapshotEpochConfig] {
		t.Errorf("snapshot.mode=always epochs %q and %q: want one task and a new epoch for a new configuration", a[0][snapshotEpochConfig], b[0][snapshotEpochConfig])
	}
	// The same started connector asked again gives the same epoch; a new start (a restart
	// with the same configuration) a new one.
	if again, _ := c.TaskConfigs(4); again[0][snapshotEpochConfig] != b[0][snapshotEpochConfig] {
		t.Errorf("TaskConfigs of one start: epochs %q and %q", b[0][snapshotEpochConfig], again[0][snapshotEpochConfig])
	}
	c.Start(context.Background(), props)
	if r, _ := c.TaskConfigs(4); r[0][snapshotEpochConfig] == b[0][snapshotEpochConfig] {
		t.Errorf("a restart with the same configuration kept the epoch %q", r[0][snapshotEpochConfig])
	}
}

func TestAlterOffsets(t *testing.T) {
	cfg := map[string]string{TopicPrefixConfig: "srv"}
	c := &Connector{}
	for _, ok := range [][]connect.PartitionOffset{
		{{Partition: map[string]any{"server": "srv"}, Offset: map[string]any{"lsn": float64(24023128), "txId": float64(555), "ts_usec": float64(1)}}},
		{{Partition: map[string]any{"server": "srv"}}},
	} {
		if _, err := c.AlterOffsets(context.Background(), cfg, ok); err != nil {
			t.Errorf("%v: %v", ok, err)
		}
	}
	for _, bad := range [][]connect.PartitionOffset{
		{{Partition: map[string]any{"server": "other"}, Offset: map[string]any{"lsn": float64(1)}}},
		{{Partition: map[string]any{"server": "srv"}, Offset: map[string]any{"position": float64(1)}}},
		{{Partition: map[string]any{"server": "srv"}, Offset: map[string]any{"lsn": "x"}}},
	} {
		if _, err := c.AlterOffsets(context.Background(), cfg, bad); !errors.Is(err, ErrConfig) {
			t.Errorf("%v: %v, want ErrConfig", bad, err)
		}
	}
}

// TestSchemaAndTableFilters: Debezium's schema.include.list and schema.exclude.list match whole
// schema names and apply together with the table lists; each pair is mutually exclusive.
func TestSchemaAndTableFilters(t *testing.T) {
	base := map[string]string{HostnameConfig: "h", UserConfig: "u", DBNameConfig: "d", TopicPrefixConfig: "p"}
	with := func(extra ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i+1 < len(extra); i += 2 {
			m[extra[i]] = extra[i+1]
		}
		return m
	}
	for _, c := range []struct {
		props map[string]string
		table string
		want  bool
	}{
		{with(SchemaIncludeConfig, "inventory"), "inventory.orders", true},
		{with(SchemaIncludeConfig, "inventory"), "inventory2.orders", false}, // whole names only
		{with(SchemaIncludeConfig, "inv.*", TableExcludeConfig, `inventory\.audit`), "inventory.audit", false},
		{with(SchemaExcludeConfig, "staging"), "staging.orders", false},
		{with(SchemaExcludeConfig, "staging"), "public.orders", true},
	} {
		cfg, err := parseConfig(c.props)
		if err != nil {
			t.Fatal(err)
		}
		schema, table, _ := strings.Cut(c.table, ".")
		if got := cfg.tableWanted(schema, table); got != c.want {
			t.Errorf("%v: %s captured = %v, want %v", c.props, c.table, got, c.want)
		}
	}
	if _, err := parseConfig(with(SchemaIncludeConfig, "a", SchemaExcludeConfig, "b")); !errors.Is(err, ErrConfig) {
		t.Errorf("both schema lists: %v, want ErrConfig", err)
	}
}

// TestIntervalString follows Debezium's PostgreSQL data type mappings: with
// interval.handling.mode=string an INTERVAL is io.debezium.time.Interval, "the string
// representation of the interval value that follows the pattern
// P<years>Y<months>M<days>DT<hours>H<minutes>M<seconds>S, for example, P1Y2M3DT4H5M6.78S".
func TestIntervalString(t *testing.T) {
	s, conv, _ := (&typeMapper{interval: IntervalString}).mapType(pgType{name: "interval"}, -1)
	if s.Type != connect.TypeString || s.Name != "io.debezium.time.Interval" {
		t.Errorf("schema %s %q", s.Type, s.Name)
	}
	for in, want := range map[string]string{
		"1 year 2 mons 3 days 04:05:06.78":   "P1Y2M3DT4H5M6.78S", // the documented example
		"00:00:00":                           "P0Y0M0DT0H0M0S",
		"-1 years -2 mons +3 days -04:05:06": "P-1Y-2M3DT-4H-5M-6S",
		"10 days":                            "P0Y0M10DT0H0M0S",
		// Debezium's PostgresValueConverter passes new BigDecimal(PGInterval.getSeconds()):
		// the double nearest 0.000001 lies below it, and nine decimals cut toward zero keep 999.
		"00:00:00.000001": "P0Y0M0DT0H0M0.000000999S",
	} {
		if got, err := conv(in); err != nil || got != want {
			t.Errorf("%q = %v, %v; want %s", in, got, err, want)
		}
	}
}
