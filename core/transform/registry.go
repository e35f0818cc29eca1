package transform

import (
	"fmt"
	"strings"

	"github.com/connectless/connectless/core/connect"
)

// Version is the version every built-in transform and predicate reports: the Apache Kafka
// release whose behaviour they follow.
const Version = "3.9.0"

// PluginType tells transformations from predicates, spelled as /connector-plugins does.
type PluginType string

// Plugin types.
const (
	TypeTransformation PluginType = "transformation"
	TypePredicate      PluginType = "predicate"
)

// Plugin describes one built-in transform or predicate.
type Plugin struct {
	// Class is the full Java class name, e.g. "org.apache.kafka.connect.transforms.InsertField$Value".
	Class   string
	Type    PluginType
	Version string
	// New returns a new, unconfigured instance: a connect.Transformation when Type is
	// TypeTransformation, a connect.Predicate when TypePredicate.
	New func() any
}

// Alias is the short name Kafka also accepts: the simple class name, e.g. "InsertField$Value".
func (p Plugin) Alias() string { return p.Class[strings.LastIndex(p.Class, ".")+1:] }

// Transformation returns a new instance as a connect.Transformation; ok is false for predicates.
func (p Plugin) Transformation() (t connect.Transformation, ok bool) {
	t, ok = p.New().(connect.Transformation)
	return t, ok
}

// Predicate returns a new instance as a connect.Predicate; ok is false for transformations.
func (p Plugin) Predicate() (pr connect.Predicate, ok bool) {
	pr, ok = p.New().(connect.Predicate)
	return pr, ok
}

const (
	transformsPkg = "org.apache.kafka.connect.transforms."
	predicatesPkg = "org.apache.kafka.connect.transforms.predicates."
)

// Plugins returns every built-in transform and predicate, sorted by class name.
func Plugins() []Plugin {
	tr := func(name string, mk func() connect.Transformation) Plugin {
		return Plugin{Class: transformsPkg + name, Type: TypeTransformation, Version: Version, New: func() any { return mk() }}
	}
	sided := func(name string, mk func(side) connect.Transformation) []Plugin {
		return []Plugin{
			tr(name+"$Key", func() connect.Transformation { return mk(keySide) }),
			tr(name+"$Value", func() connect.Transformation { return mk(valueSide) }),
		}
	}
	pr := func(name string, mk func() connect.Predicate) Plugin {
		return Plugin{Class: predicatesPkg + name, Type: TypePredicate, Version: Version, New: func() any { return mk() }}
	}
	// Debezium's event flattening SMT sorts first (io.debezium before org.apache).
	ps := []Plugin{{Class: ExtractNewRecordStateClass, Type: TypeTransformation, Version: Version,
		New: func() any { return newExtractNewRecordState() }}}
	ps = append(ps, sided("Cast", func(s side) connect.Transformation { return newCast(s) })...)
	ps = append(ps, tr("DropHeaders", func() connect.Transformation { return newDropHeaders() }))
	ps = append(ps, sided("ExtractField", func(s side) connect.Transformation { return newExtractField(s) })...)
	ps = append(ps, tr("Filter", func() connect.Transformation { return newFilter() }))
	ps = append(ps, sided("Flatten", func(s side) connect.Transformation { return newFlatten(s) })...)
	ps = append(ps, sided("HeaderFrom", func(s side) connect.Transformation { return newHeaderFrom(s) })...)
	ps = append(ps, sided("HoistField", func(s side) connect.Transformation { return newHoistField(s) })...)
	ps = append(ps, sided("InsertField", func(s side) connect.Transformation { return newInsertField(s) })...)
	ps = append(ps, tr("InsertHeader", func() connect.Transformation { return newInsertHeader() }))
	ps = append(ps, sided("MaskField", func(s side) connect.Transformation { return newMaskField(s) })...)
	ps = append(ps, tr("RegexRouter", func() connect.Transformation { return newRegexRouter() }))
	ps = append(ps, sided("ReplaceField", func(s side) connect.Transformation { return newReplaceField(s) })...)
	ps = append(ps, sided("SetSchemaMetadata", func(s side) connect.Transformation { return newSetSchemaMetadata(s) })...)
	ps = append(ps, sided("TimestampConverter", func(s side) connect.Transformation { return newTimestampConverter(s) })...)
	ps = append(ps, tr("TimestampRouter", func() connect.Transformation { return newTimestampRouter() }))
	ps = append(ps, tr("ValueToKey", func() connect.Transformation { return newValueToKey() }))
	ps = append(ps, pr("HasHeaderKey", func() connect.Predicate { return newHasHeaderKey() }))
	ps = append(ps, pr("RecordIsTombstone", func() connect.Predicate { return newRecordIsTombstone() }))
	ps = append(ps, pr("TopicNameMatches", func() connect.Predicate { return newTopicNameMatches() }))
	return ps
}

// Lookup finds a built-in transform or predicate by full class name or short alias (the
// simple class name, e.g. "InsertField$Value"); errors wrap connect.ErrUnknownPlugin.
func Lookup(name string) (Plugin, error) {
	name = strings.TrimSpace(name)
	for _, p := range Plugins() {
		if p.Class == name || p.Alias() == name {
			return p, nil
		}
	}
	return Plugin{}, fmt.Errorf("%w: no transformation or predicate named %s", connect.ErrUnknownPlugin, name)
}
