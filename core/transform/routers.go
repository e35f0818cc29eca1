package transform

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/javacompat"
)

// TimestampRouter is Kafka's TimestampRouter: it renames the topic from a format holding
// ${topic} and ${timestamp}, the record timestamp formatted in UTC.
type TimestampRouter struct {
	base
	topicFormat string
	tsFormat    *dateFormat
}

func newTimestampRouter() *TimestampRouter {
	return &TimestampRouter{base: base{def: newDef([]connect.ConfigKey{
		{Name: "topic.format", Type: connect.ConfigString, Default: "${topic}-${timestamp}", Importance: connect.High,
			Doc: "Format string which can contain ${topic} and ${timestamp} as placeholders for the topic and timestamp, respectively. Default ${topic}-${timestamp}. Mirrors Kafka Connect's TimestampRouter topic.format."},
		{Name: "timestamp.format", Type: connect.ConfigString, Default: "yyyyMMdd", Importance: connect.High,
			Doc: "Format string for the timestamp that is compatible with java.text.SimpleDateFormat, in UTC. Default yyyyMMdd. Mirrors Kafka Connect's TimestampRouter timestamp.format."},
	})}}
}

// Configure parses TimestampRouter's keys.
func (t *TimestampRouter) Configure(props map[string]string) error {
	c, err := parseConfig(t.def, props)
	if err != nil {
		return err
	}
	t.topicFormat = c.str("topic.format")
	if t.tsFormat, err = newDateFormat(c.str("timestamp.format")); err != nil {
		return err
	}
	return nil
}

// Apply renames the topic; a record without timestamp is an error.
func (t *TimestampRouter) Apply(r *connect.Record) (*connect.Record, error) {
	if r.Timestamp.IsZero() {
		return nil, dataErr("Timestamp missing on record: %s", recordString(r))
	}
	out := *r
	out.Topic = t.topic(r)
	return &out, nil
}

// topic renders topic.format: the literal replacement of ${topic} then ${timestamp}, built in
// one allocation when the timestamp pattern has a Go layout.
func (t *TimestampRouter) topic(r *connect.Record) string {
	if t.tsFormat.layout == "" || strings.Contains(r.Topic, "${timestamp}") {
		ts := t.tsFormat.format(r.Timestamp)
		return strings.ReplaceAll(strings.ReplaceAll(t.topicFormat, "${topic}", r.Topic), "${timestamp}", ts)
	}
	var tsBuf [32]byte
	u := r.Timestamp.UTC()
	if u.Year() <= 0 || u.Year() >= 10000 {
		return strings.ReplaceAll(strings.ReplaceAll(t.topicFormat, "${topic}", r.Topic), "${timestamp}", t.tsFormat.format(u))
	}
	ts := u.AppendFormat(tsBuf[:0], t.tsFormat.layout)
	var b strings.Builder
	b.Grow(len(t.topicFormat) + len(r.Topic) + len(ts))
	for rest := t.topicFormat; rest != ""; {
		i := strings.Index(rest, "${")
		if i < 0 {
			b.WriteString(rest)
			break
		}
		b.WriteString(rest[:i])
		rest = rest[i:]
		switch {
		case strings.HasPrefix(rest, "${topic}"):
			b.WriteString(r.Topic)
			rest = rest[len("${topic}"):]
		case strings.HasPrefix(rest, "${timestamp}"):
			b.Write(ts)
			rest = rest[len("${timestamp}"):]
		default:
			b.WriteString("${")
			rest = rest[2:]
		}
	}
	return b.String()
}

// recordString is ConnectRecord.toString, in Kafka's shape.
func recordString(r *connect.Record) string {
	partition := "null"
	if r.Partition != nil {
		partition = fmt.Sprint(*r.Partition)
	}
	ts := "null"
	if !r.Timestamp.IsZero() {
		ts = fmt.Sprint(r.Timestamp.UnixMilli())
	}
	s := fmt.Sprintf("ConnectRecord{topic='%s', kafkaPartition=%s, key=%s, keySchema=%s, value=%s, valueSchema=%s, timestamp=%s, headers=ConnectHeaders(headers=%s)}",
		r.Topic, partition, javacompat.ToString(r.Key), schemaOrNull(r.KeySchema), javacompat.ToString(r.Value), schemaOrNull(r.ValueSchema), ts, headersString(r.Headers))
	if r.Offset != nil {
		return fmt.Sprintf("SinkRecord{kafkaOffset=%d, timestampType=CreateTime} ", *r.Offset) + s
	}
	return "SourceRecord{sourcePartition=null, sourceOffset=null} " + s
}

func schemaOrNull(s *connect.Schema) string {
	if s == nil {
		return "null"
	}
	return schemaString(s)
}

func headersString(h connect.Headers) string {
	if len(h) == 0 {
		return ""
	}
	parts := make([]string, len(h))
	for i, x := range h {
		parts[i] = fmt.Sprintf("ConnectHeader(key=%s, value=%s, schema=%s)", x.Key, javacompat.ToString(x.Value), schemaOrNull(x.Schema))
	}
	return strings.Join(parts, ", ")
}

// RegexRouter is Kafka's RegexRouter: when the regular expression matches the whole topic,
// the topic becomes the replacement (Java syntax: $1, ${name}, \$).
type RegexRouter struct {
	base
	re       *regexp.Regexp
	template string
	replErr  error
}

func newRegexRouter() *RegexRouter {
	return &RegexRouter{base: base{def: newDef([]connect.ConfigKey{
		{Name: "regex", Type: connect.ConfigString, Required: true, Importance: connect.High, Validator: javaRegex(),
			Doc: "Regular expression to use for matching (Java syntax without look-around or back-references). Required. Mirrors Kafka Connect's RegexRouter regex."},
		{Name: "replacement", Type: connect.ConfigString, Required: true, Importance: connect.High,
			Doc: "Replacement string, with $1 or ${name} group references. Required. Mirrors Kafka Connect's RegexRouter replacement."},
	})}}
}

// Configure parses RegexRouter's keys.
func (t *RegexRouter) Configure(props map[string]string) error {
	c, err := parseConfig(t.def, props)
	if err != nil {
		return err
	}
	if t.re, err = compileJavaRegex(c.str("regex")); err != nil {
		return err
	}
	// Java reports a bad replacement only when it is first used; so do we.
	t.template, t.replErr = javaReplacement(t.re, c.str("replacement"))
	return nil
}

// Apply renames a matching topic.
func (t *RegexRouter) Apply(r *connect.Record) (*connect.Record, error) {
	m := t.re.FindStringSubmatchIndex(r.Topic)
	if m == nil {
		return r, nil
	}
	if t.replErr != nil {
		return nil, t.replErr
	}
	out := *r
	out.Topic = string(t.re.ExpandString(nil, t.template, r.Topic, m))
	return &out, nil
}
