package transform

import (
	"regexp"

	"github.com/connectless/connectless/core/connect"
)

// Filter is Kafka's Filter: it drops every record it is applied to; use it with a predicate.
type Filter struct{ base }

func newFilter() *Filter { return &Filter{base: base{def: connect.NewConfigDef()}} }

// Configure accepts any configuration: Filter has no keys.
func (t *Filter) Configure(map[string]string) error { return nil }

// Apply drops the record.
func (t *Filter) Apply(*connect.Record) (*connect.Record, error) { return nil, nil }

// TopicNameMatches is Kafka's TopicNameMatches predicate: true when the whole topic name
// matches the pattern.
type TopicNameMatches struct {
	base
	re *regexp.Regexp
}

func newTopicNameMatches() *TopicNameMatches {
	return &TopicNameMatches{base: base{def: newDef([]connect.ConfigKey{
		{Name: "pattern", Type: connect.ConfigString, Required: true, Importance: connect.Medium,
			Validator: connect.CompositeValidator(connect.NonEmptyString(), javaRegex()),
			Doc:       "A Java regular expression for matching against the name of a topic. Required. Mirrors Kafka Connect's TopicNameMatches pattern."},
	})}}
}

// Configure parses TopicNameMatches' keys.
func (p *TopicNameMatches) Configure(props map[string]string) error {
	c, err := parseConfig(p.def, props)
	if err != nil {
		return err
	}
	p.re, err = compileJavaRegex(c.str("pattern"))
	return err
}

// Test reports whether the topic matches.
func (p *TopicNameMatches) Test(r *connect.Record) bool {
	return r.Topic != "" && p.re.MatchString(r.Topic)
}

// HasHeaderKey is Kafka's HasHeaderKey predicate: true when the record has at least one
// header with the name.
type HasHeaderKey struct {
	base
	name string
}

func newHasHeaderKey() *HasHeaderKey {
	return &HasHeaderKey{base: base{def: newDef([]connect.ConfigKey{
		{Name: "name", Type: connect.ConfigString, Required: true, Validator: connect.NonEmptyString(), Importance: connect.Medium,
			Doc: "The header name. Required. Mirrors Kafka Connect's HasHeaderKey name."},
	})}}
}

// Configure parses HasHeaderKey's keys.
func (p *HasHeaderKey) Configure(props map[string]string) error {
	c, err := parseConfig(p.def, props)
	if err != nil {
		return err
	}
	p.name = c.str("name")
	return nil
}

// Test reports whether a header with the name exists.
func (p *HasHeaderKey) Test(r *connect.Record) bool {
	_, ok := r.Headers.Last(p.name)
	return ok
}

// RecordIsTombstone is Kafka's RecordIsTombstone predicate: true when the value is null.
type RecordIsTombstone struct{ base }

func newRecordIsTombstone() *RecordIsTombstone {
	return &RecordIsTombstone{base: base{def: connect.NewConfigDef()}}
}

// Configure accepts any configuration: RecordIsTombstone has no keys.
func (p *RecordIsTombstone) Configure(map[string]string) error { return nil }

// Test reports whether the value is null.
func (p *RecordIsTombstone) Test(r *connect.Record) bool { return r.Value == nil }
