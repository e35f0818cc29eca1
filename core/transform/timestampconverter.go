package transform

import (
	"time"

	"github.com/connectless/connectless/core/connect"
)

const tsConverterPurpose = "converting timestamp formats"

// Timestamp kinds, spelled as TimestampConverter's target.type.
const (
	tsString    = "string"
	tsUnix      = "unix"
	tsDate      = "Date"
	tsTime      = "Time"
	tsTimestamp = "Timestamp"
)

// TimestampConverter is Kafka's TimestampConverter$Key / TimestampConverter$Value: it converts
// a timestamp field, or the whole key or value, between Unix epoch numbers, formatted
// strings, and the Connect Date, Time and Timestamp logical types.
type TimestampConverter struct {
	base
	side        side
	field       string
	target      string
	format      *dateFormat
	precision   string
	replaceNull bool
	cache       schemaCache
}

func newTimestampConverter(s side) *TimestampConverter {
	return &TimestampConverter{side: s, base: base{def: newDef([]connect.ConfigKey{
		{Name: "field", Type: connect.ConfigString, Default: "", Importance: connect.High,
			Doc: "The field containing the timestamp, or empty if the entire value is a timestamp. Default \"\". Mirrors Kafka Connect's TimestampConverter field."},
		{Name: "target.type", Type: connect.ConfigString, Required: true, Importance: connect.High,
			Validator: connect.ValidString(tsString, tsUnix, tsDate, tsTime, tsTimestamp),
			Doc:       "The desired timestamp representation: string, unix, Date, Time, or Timestamp. Required. Mirrors Kafka Connect's TimestampConverter target.type."},
		{Name: "format", Type: connect.ConfigString, Default: "", Importance: connect.Medium,
			Doc: "A SimpleDateFormat-compatible format for the timestamp, in UTC. Used to generate the output when type=string or used to parse the input if the input is a string. Default \"\". Mirrors Kafka Connect's TimestampConverter format."},
		{Name: "unix.precision", Type: connect.ConfigString, Default: "milliseconds", Importance: connect.Low,
			Validator: connect.ValidString("nanoseconds", "microseconds", "milliseconds", "seconds"),
			Doc:       "The desired Unix precision for the timestamp: seconds, milliseconds, microseconds, or nanoseconds. Used to generate the output when type=unix or used to parse the input if the input is a Long. Note: sub-millisecond precision is lost. Default milliseconds. Mirrors Kafka Connect's TimestampConverter unix.precision."},
		replaceNullKey(),
	})}}
}

// Configure parses TimestampConverter's keys.
func (t *TimestampConverter) Configure(props map[string]string) error {
	c, err := parseConfig(t.def, props)
	if err != nil {
		return err
	}
	t.field, t.target, t.precision = c.str("field"), c.str("target.type"), c.str("unix.precision")
	t.replaceNull = c.boolean("replace.null.with.default")
	pattern := c.str("format")
	blank := len(trimSpace(pattern)) == 0
	if t.target == tsString && blank {
		return configErr("TimestampConverter requires format option to be specified when using string timestamps")
	}
	if !blank {
		df, err := newDateFormat(pattern)
		if err != nil {
			return &Error{Class: ClassConfigException, Msg: "TimestampConverter requires a SimpleDateFormat-compatible pattern for string timestamps: " + pattern, Err: err}
		}
		t.format = df
	}
	return nil
}

func trimSpace(s string) string {
	i, j := 0, len(s)
	for i < j && s[i] <= ' ' {
		i++
	}
	for j > i && s[j-1] <= ' ' {
		j--
	}
	return s[i:j]
}

// targetSchema is the translator's typeSchema.
func (t *TimestampConverter) targetSchema(optional bool) *connect.Schema {
	switch t.target {
	case tsString:
		return primitive(connect.TypeString, optional)
	case tsUnix:
		return primitive(connect.TypeInt64, optional)
	case tsDate:
		return dateSchema(optional)
	case tsTime:
		return timeSchema(optional)
	}
	return timestampSchema(optional)
}

// kindOfSchema is timestampTypeFromSchema.
func kindOfSchema(s *connect.Schema) (string, error) {
	switch {
	case s.Name == connect.TimestampName:
		return tsTimestamp, nil
	case s.Name == connect.DateName:
		return tsDate, nil
	case s.Name == connect.TimeName:
		return tsTime, nil
	case s.Type == connect.TypeString:
		return tsString, nil
	case s.Type == connect.TypeInt64:
		return tsUnix, nil
	}
	return "", &Error{Class: ClassConnectException, Msg: "Schema " + schemaString(s) + " does not correspond to a known timestamp type format"}
}

// kindOfValue is inferTimestampType.
func kindOfValue(v any) (string, error) {
	switch v.(type) {
	case time.Time:
		return tsTimestamp, nil
	case int64:
		return tsUnix, nil
	case string:
		return tsString, nil
	}
	return "", dataErr("TimestampConverter does not support %s objects as timestamps", javaClassString(v))
}

// convert is convertTimestamp: from kind (inferred when empty) to the target type.
func (t *TimestampConverter) convert(v any, kind string) (any, error) {
	if v == nil {
		return nil, nil
	}
	if kind == "" {
		k, err := kindOfValue(v)
		if err != nil {
			return nil, err
		}
		kind = k
	}
	raw, err := t.toRaw(v, kind)
	if err != nil {
		return nil, err
	}
	raw = raw.UTC()
	switch t.target {
	case tsString:
		return t.format.format(raw), nil
	case tsUnix:
		ms := raw.UnixMilli()
		switch t.precision {
		case "seconds":
			return ms / 1000, nil
		case "microseconds":
			return ms * 1000, nil
		case "nanoseconds":
			return ms * 1000000, nil
		}
		return ms, nil
	case tsDate:
		return time.Date(raw.Year(), raw.Month(), raw.Day(), 0, 0, 0, 0, time.UTC), nil
	case tsTime:
		return time.Date(1970, 1, 1, raw.Hour(), raw.Minute(), raw.Second(), raw.Nanosecond()/1e6*1e6, time.UTC), nil
	}
	return raw, nil
}

func (t *TimestampConverter) toRaw(v any, kind string) (time.Time, error) {
	switch kind {
	case tsString:
		s, ok := v.(string)
		if !ok {
			return time.Time{}, dataErr("Expected string timestamp to be a String, but found %s", javaClassString(v))
		}
		pattern := "null"
		if t.format != nil {
			pattern = t.format.pattern
			if tm, ok := t.format.parse(s); ok {
				return tm, nil
			}
		}
		return time.Time{}, dataErr("Could not parse timestamp: value (%s) does not match pattern (%s)", s, pattern)
	case tsUnix:
		n, ok := v.(int64)
		if !ok {
			return time.Time{}, dataErr("Expected Unix timestamp to be a Long, but found %s", javaClassString(v))
		}
		switch t.precision {
		case "seconds":
			return time.UnixMilli(n * 1000), nil
		case "microseconds":
			return time.UnixMilli(n / 1000), nil
		case "nanoseconds":
			return time.UnixMilli(n / 1000000), nil
		}
		return time.UnixMilli(n), nil
	}
	tm, ok := v.(time.Time)
	if !ok {
		return time.Time{}, dataErr("Expected %s to be a java.util.Date, but found %s", kind, javaClassString(v))
	}
	return tm, nil
}

// Apply converts the timestamp.
func (t *TimestampConverter) Apply(r *connect.Record) (*connect.Record, error) {
	s, v := t.side.schema(r), t.side.value(r)
	if s == nil {
		if v == nil || t.field == "" {
			cv, err := t.convert(v, "")
			if err != nil {
				return nil, err
			}
			return t.side.with(r, nil, cv), nil
		}
		m, err := requireMap(v, tsConverterPurpose)
		if err != nil {
			return nil, err
		}
		out := cloneMap(m, 1)
		cv, err := t.convert(m[t.field], "")
		if err != nil {
			return nil, err
		}
		out[t.field] = cv
		return t.side.with(r, nil, out), nil
	}
	if t.field == "" {
		kind, err := kindOfSchema(s)
		if err != nil {
			return nil, err
		}
		cv, err := t.convert(v, kind)
		if err != nil {
			return nil, err
		}
		return t.side.with(r, t.targetSchema(s.Optional), cv), nil
	}
	st, err := requireStructOrNull(v, tsConverterPurpose)
	if err != nil {
		return nil, err
	}
	us := t.cache.get(s)
	if us == nil {
		if s.Type != connect.TypeStruct {
			return nil, dataErr("Cannot list fields on non-struct type")
		}
		us = copySchemaBasics(s, connect.TypeStruct)
		for _, f := range s.Fields {
			fs := f.Schema
			if f.Name == t.field {
				fs = t.targetSchema(f.Schema.Optional)
			}
			if err := addField(us, f.Name, fs); err != nil {
				return nil, err
			}
		}
		us.Optional = s.Optional
		if def, ok := s.Default.(*connect.Struct); ok && def != nil {
			d, err := t.convertStruct(def, us)
			if err != nil {
				return nil, err
			}
			us.Default = d
		}
		t.cache.put(s, us)
	}
	out, err := t.convertStruct(st, us)
	if err != nil {
		return nil, err
	}
	if out == nil {
		return t.side.with(r, us, nil), nil
	}
	return t.side.with(r, us, out), nil
}

// convertStruct is applyValueWithSchema.
func (t *TimestampConverter) convertStruct(st *connect.Struct, us *connect.Schema) (*connect.Struct, error) {
	if st == nil {
		return nil, nil
	}
	out := connect.NewStruct(us)
	for _, f := range st.Schema().Fields {
		fv := getField(st, f.Name, t.replaceNull)
		if f.Name == t.field {
			kind, err := kindOfSchema(f.Schema)
			if err != nil {
				return nil, err
			}
			if fv, err = t.convert(fv, kind); err != nil {
				return nil, err
			}
		}
		if err := put(out, f.Name, fv); err != nil {
			return nil, err
		}
	}
	return out, nil
}
