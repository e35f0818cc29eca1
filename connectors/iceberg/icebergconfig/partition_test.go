package icebergconfig

import (
	"errors"
	"slices"
	"testing"
)

// TestParsePartitionTerms: the Apache sink's partition-by terms parse to transform names and
// the field names Java's PartitionSpec.Builder gives (ts_day, id_bucket, level_trunc); bad
// terms are refused with ErrConfig.
func TestParsePartitionTerms(t *testing.T) {
	got, err := ParsePartitionTerms([]string{"level", "identity(id)", "years(ts)", "Month(ts)", "day(ts)", "hours(ts)", "bucket(id, 8)", "truncate(level,3)"})
	if err != nil {
		t.Fatal(err)
	}
	want := []PartitionTerm{
		{"level", TransformIdentity, 0, "level"}, {"id", TransformIdentity, 0, "id"},
		{"ts", TransformYear, 0, "ts_year"}, {"ts", TransformMonth, 0, "ts_month"},
		{"ts", TransformDay, 0, "ts_day"}, {"ts", TransformHour, 0, "ts_hour"},
		{"id", TransformBucket, 8, "id_bucket"}, {"level", TransformTruncate, 3, "level_trunc"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("terms %+v, want %+v", got, want)
	}
	for _, bad := range []string{"minute(ts)", "bucket(id)", "bucket(id, 0)", "day(ts, 2)", "a b", "f(x"} {
		if _, err := ParsePartitionTerms([]string{bad}); !errors.Is(err, ErrConfig) {
			t.Errorf("%q: %v, want ErrConfig", bad, err)
		}
	}
}
