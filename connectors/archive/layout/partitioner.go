package layout

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/connectless/connectless/core/connect"
)

// ErrPartition is wrapped by errors computing a record's encoded partition (Confluent's
// PartitionException); such records go to the errant record reporter.
var ErrPartition = errors.New("partition error")

// Partitioner computes a record's encoded partition (Confluent's Partitioner.encodePartition).
// One belongs to one task and is called from one goroutine at a time (the task's Put): the
// default partitioner keeps the last partition it encoded.
type Partitioner interface {
	// Encode returns the encoded partition of rec processed at nowMs. Errors wrap
	// ErrPartition, or are a *connect.DataError for a value without a configured field.
	Encode(rec *connect.SinkRecord, nowMs int64) (string, error)
}

// Extractor is a TimestampExtractor; it returns epoch milliseconds.
type Extractor func(rec *connect.SinkRecord, nowMs int64) (int64, error)

// orderedMap is a schemaless map that keeps its insertion order (the JSON formats' ordered
// maps); the RecordField extractor reads its fields.
type orderedMap interface {
	Keys() []string
	Get(key string) (any, bool)
}

// defaultPartitioner is Confluent's DefaultPartitioner: "partition=" and the record's Kafka
// partition. Records come in runs of one partition, so it keeps the last encoding it made
// and hands that string out again while the partition stays the same.
type defaultPartitioner struct {
	last    int32
	lastEnc string // "" before the first record
}

func (p *defaultPartitioner) Encode(rec *connect.SinkRecord, _ int64) (string, error) {
	if n := rec.KafkaPartition(); p.lastEnc == "" || n != p.last {
		p.last, p.lastEnc = n, "partition="+strconv.Itoa(int(n))
	}
	return p.lastEnc, nil
}

type fieldPartitioner struct {
	fields []string
	delim  string
}

func (p fieldPartitioner) Encode(rec *connect.SinkRecord, _ int64) (string, error) {
	st, ok := rec.Value.(*connect.Struct)
	if !ok {
		return "", fmt.Errorf("%w: error encoding partition: FieldPartitioner needs a Struct value, got %T", ErrPartition, rec.Value)
	}
	parts := make([]string, 0, len(p.fields))
	for _, name := range p.fields {
		v, s, err := structPath(st, name)
		if err != nil {
			return "", err
		}
		var enc string
		switch x := v.(type) {
		case nil:
			enc = "null"
		case int8, int16, int32, int64, bool, string:
			if s != nil && s.Name != "" && s.Name != connect.TimestampName && strings.HasPrefix(s.Name, "org.apache.kafka.connect.data.") {
				return "", fmt.Errorf("%w: error encoding partition: field %q has logical type %s", ErrPartition, name, s.Name)
			}
			enc = fmt.Sprint(x)
		default:
			return "", fmt.Errorf("%w: error encoding partition: field %q has unsupported type %T", ErrPartition, name, v)
		}
		parts = append(parts, name+"="+enc)
	}
	return strings.Join(parts, p.delim), nil
}

// structPath reads a dotted field path from a struct.
func structPath(st *connect.Struct, path string) (any, *connect.Schema, error) {
	var cur any = st
	var schema *connect.Schema
	for _, seg := range strings.Split(path, ".") {
		s, ok := cur.(*connect.Struct)
		if !ok {
			return nil, nil, fmt.Errorf("%w: field %q: %q is not a struct", ErrPartition, path, seg)
		}
		f, ok := s.Schema().Field(seg)
		if !ok {
			return nil, nil, &connect.DataError{Message: fmt.Sprintf("field %q is not present in the schema", path)}
		}
		cur, _ = s.Get(seg)
		schema = f.Schema
	}
	return cur, schema, nil
}

// TimePartitioner is TimeBasedPartitioner (and Daily, Hourly): the bucket of a timestamp,
// rendered with path.format.
type TimePartitioner struct {
	durationMs int64
	loc        *time.Location
	format     JodaFormat
	extract    Extractor
}

func (p TimePartitioner) Encode(rec *connect.SinkRecord, nowMs int64) (string, error) {
	ts, err := p.extract(rec, nowMs)
	if err != nil {
		return "", err
	}
	return p.EncodeTimestamp(ts), nil
}

// EncodeTimestamp returns the encoded partition of the time bucket holding ts.
func (p TimePartitioner) EncodeTimestamp(ts int64) string {
	start := bucketStart(ts, p.durationMs, p.loc)
	return p.format.Format(time.UnixMilli(start).In(p.loc))
}

// schemaAffix is Confluent's SchemaPartitioner wrapper (s3.schema.partition.affix.type).
type schemaAffix struct {
	inner  Partitioner
	suffix bool
	delim  string
}

func (p schemaAffix) Encode(rec *connect.SinkRecord, nowMs int64) (string, error) {
	enc, err := p.inner.Encode(rec, nowMs)
	if err != nil {
		return "", err
	}
	name := "null"
	if rec.ValueSchema != nil && rec.ValueSchema.Name != "" {
		name = rec.ValueSchema.Name
	}
	if p.suffix {
		return enc + p.delim + "schema_name=" + name, nil
	}
	return "schema_name=" + name + p.delim + enc, nil
}

// tombstonePartitioner routes null values to a fixed encoded partition (behavior.on.null.values=write).
type tombstonePartitioner struct {
	inner Partitioner
	name  string
}

func (p tombstonePartitioner) Encode(rec *connect.SinkRecord, nowMs int64) (string, error) {
	if rec.Value == nil {
		return p.name, nil
	}
	return p.inner.Encode(rec, nowMs)
}

func wallclockExtractor(_ *connect.SinkRecord, nowMs int64) (int64, error) { return nowMs, nil }

func recordExtractor(rec *connect.SinkRecord, _ int64) (int64, error) {
	if rec.Timestamp.IsZero() {
		return 0, fmt.Errorf("%w: unable to determine timestamp using timestamp.extractor Record for record at offset %d: the record has no timestamp", ErrPartition, rec.KafkaOffset())
	}
	return rec.Timestamp.UnixMilli(), nil
}

var digitsOnly = regexp.MustCompile(`^-?[0-9]{1,19}$`)

func recordFieldExtractor(field string) Extractor {
	return func(rec *connect.SinkRecord, _ int64) (int64, error) {
		var v any
		switch x := rec.Value.(type) {
		case *connect.Struct:
			val, s, err := structPath(x, field)
			if err != nil {
				return 0, err
			}
			if s != nil && s.Name == connect.TimestampName {
				if t, ok := val.(time.Time); ok {
					return t.UnixMilli(), nil
				}
			}
			v = val
		case map[string]any, orderedMap:
			var cur any = x
			for _, seg := range strings.Split(field, ".") {
				var ok bool
				switch m := cur.(type) {
				case map[string]any:
					cur, ok = m[seg]
				case orderedMap:
					cur, ok = m.Get(seg)
				}
				if !ok {
					return 0, &connect.DataError{Message: fmt.Sprintf("the field '%s' does not exist", field)}
				}
			}
			v = cur
		default:
			return 0, fmt.Errorf("%w: error encoding partition: RecordField needs a Struct or Map value, got %T", ErrPartition, rec.Value)
		}
		switch t := v.(type) {
		case int32:
			return int64(t), nil
		case int64:
			return t, nil
		case int:
			return int64(t), nil
		case float64:
			return int64(t), nil
		case time.Time:
			return t.UnixMilli(), nil
		case string:
			if digitsOnly.MatchString(t) {
				n, err := strconv.ParseInt(t, 10, 64)
				if err == nil {
					return n, nil
				}
			}
			ms, err := parseISODateTime(t)
			if err != nil {
				return 0, fmt.Errorf("%w: timestamp field %q: %w", ErrPartition, field, err)
			}
			return ms, nil
		}
		return 0, fmt.Errorf("%w: timestamp field %q has unsupported type %T", ErrPartition, field, v)
	}
}

// parseISODateTime parses the ISO-8601 forms Joda's dateTimeParser accepts in practice;
// a string without an offset is read as UTC.
func parseISODateTime(s string) (int64, error) {
	layouts := []string{
		time.RFC3339Nano, "2006-01-02T15:04:05.999999999Z0700", "2006-01-02T15:04:05.999999999",
		"2006-01-02T15:04Z07:00", "2006-01-02T15:04", "2006-01-02T15", "2006-01-02", "2006-01", "2006",
	}
	for _, l := range layouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UnixMilli(), nil
		}
	}
	return 0, fmt.Errorf("invalid format: %q", s)
}

// NewPartitioner builds the configured partitioner with Confluent's wrappers (schema-name
// affix, tombstone partition).
func NewPartitioner(l *Layout) (Partitioner, error) {
	var p Partitioner
	switch l.PartitionerClass {
	case FieldPartitionerClass:
		p = fieldPartitioner{fields: l.PartitionFieldNames, delim: l.DirectoryDelim}
	case TimeBasedPartitionerClass, DailyPartitionerClass, HourlyPartitionerClass:
		tp, err := NewTimePartitioner(l)
		if err != nil {
			return nil, err
		}
		p = tp
	default:
		p = &defaultPartitioner{}
	}
	if l.SchemaAffix != "" && l.SchemaAffix != "NONE" {
		p = schemaAffix{inner: p, suffix: l.SchemaAffix == "SUFFIX", delim: l.DirectoryDelim}
	}
	if l.WriteTombstones {
		p = tombstonePartitioner{inner: p, name: l.TombstonePartition}
	}
	return p, nil
}

// NewTimePartitioner returns the time-based partitioner of l.
func NewTimePartitioner(l *Layout) (TimePartitioner, error) {
	loc, err := LoadZone(l.Timezone)
	if err != nil {
		return TimePartitioner{}, fmt.Errorf("%w: timezone: %w", ErrConfig, err)
	}
	f, err := CompileJoda(strings.TrimSuffix(l.PathFormat, l.DirectoryDelim))
	if err != nil {
		return TimePartitioner{}, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	return TimePartitioner{durationMs: l.PartitionDurationMs, loc: loc, format: f, extract: NewExtractor(l)}, nil
}

// NewExtractor returns the configured timestamp extractor: Wallclock, Record or RecordField.
func NewExtractor(l *Layout) Extractor {
	switch l.TimestampExtractor {
	case "Record":
		return recordExtractor
	case "RecordField":
		return recordFieldExtractor(l.TimestampField)
	}
	return wallclockExtractor
}
