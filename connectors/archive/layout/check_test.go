package layout

import (
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	timeBased := func(pathFormat, locale string) *Layout {
		return &Layout{PartitionerClass: TimeBasedPartitionerClass, DirectoryDelim: "/", PathFormat: pathFormat,
			Locale: locale, Timezone: "UTC", PartitionDurationMs: 3600000, TimestampExtractor: "Record"}
	}
	tests := []struct {
		name string
		l    *Layout
		key  string // "" for no error
		want string
	}{
		{"numeric pattern, any locale", timeBased("'year'=YYYY/'month'=MM", "de_DE"), "", ""},
		{"month names in English", timeBased("YYYY/MMM", "en_US"), "", ""},
		// Month and day names follow the locale in Joda; only English names are implemented.
		{"month names in German", timeBased("YYYY/MMMM", "de_DE"), "locale", "English only"},
		{"no locale", timeBased("YYYY", ""), "locale", "Locale cannot be empty."},
		{"bad zone", &Layout{PartitionerClass: HourlyPartitionerClass, Locale: "en", Timezone: "Mars/Olympus"}, "timezone", "is not recognised"},
		{"field partitioner without fields", &Layout{PartitionerClass: FieldPartitionerClass}, "partition.field.name", "must be set"},
	}
	for _, tt := range tests {
		errs := tt.l.Check()
		if tt.key == "" {
			if len(errs) != 0 {
				t.Errorf("%s: %v", tt.name, errs)
			}
			continue
		}
		if !strings.Contains(errs[tt.key], tt.want) {
			t.Errorf("%s: errors %v, want %s: ...%s...", tt.name, errs, tt.key, tt.want)
		}
	}
}
