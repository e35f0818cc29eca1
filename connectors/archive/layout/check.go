package layout

import (
	"fmt"
	"slices"
	"strings"
)

// Check returns what is wrong with the layout's partitioner settings, as Confluent's
// partitioners refuse them: messages by configuration key, at most one per key.
func (l *Layout) Check() map[string]string {
	errs := map[string]string{}
	bad := func(key, format string, args ...any) {
		if _, dup := errs[key]; !dup {
			errs[key] = fmt.Sprintf(format, args...)
		}
	}
	if l.Timezone != "" {
		if _, err := LoadZone(l.Timezone); err != nil {
			bad("timezone", "%v", err)
		}
	}
	switch pc := l.PartitionerClass; pc {
	case DefaultPartitionerClass:
	case FieldPartitionerClass:
		if len(l.PartitionFieldNames) == 0 {
			bad("partition.field.name", "partition.field.name must be set when using FieldPartitioner")
		}
		for _, f := range l.PartitionFieldNames {
			if strings.TrimSpace(f) == "" || slices.Contains(strings.Split(f, "."), "") {
				bad("partition.field.name", "field name %q must be non-blank without empty segments", f)
			}
		}
	case TimeBasedPartitionerClass, DailyPartitionerClass, HourlyPartitionerClass:
		if l.Locale == "" {
			bad("locale", "Locale cannot be empty.")
		}
		if l.Timezone == "" {
			bad("timezone", "Timezone cannot be empty.")
		}
		if pc == TimeBasedPartitionerClass {
			pf := l.PathFormat
			if strings.TrimSpace(pf) == "" || pf == l.DirectoryDelim {
				bad("path.format", "Path format cannot be empty.")
			} else if f, err := CompileJoda(strings.TrimSuffix(pf, l.DirectoryDelim)); err != nil {
				bad("path.format", "%v", err)
			} else if f.hasText() && l.Locale != "" && !isEnglish(l.Locale) {
				bad("locale", "path.format %q writes month, day or era names, which are implemented in English only; use an English locale (en, en_US) or numeric fields", pf)
			}
			if l.PartitionDurationMs <= 0 {
				bad("partition.duration.ms", "Partition duration needs to be a positive.")
			}
		}
	default:
		bad("partitioner.class", "unknown partitioner %q", pc)
	}
	return errs
}

// isEnglish reports whether a Java locale id (en, en_US, en-GB) is English.
func isEnglish(locale string) bool {
	lang, _, _ := strings.Cut(strings.ReplaceAll(locale, "-", "_"), "_")
	return strings.EqualFold(lang, "en")
}
