package transform

import (
	"fmt"

	"github.com/connectless/connectless/core/connect"
)

// Version is the version every built-in transform and predicate reports: the Apache Kafka
// release whose behaviour they follow.
const Version = "3.9.0"

const (
	transformsPkg = "org.apache.kafka.connect.transforms."
	predicatesPkg = "org.apache.kafka.connect.transforms.predicates."
)

// Plugins returns every built-in transform and predicate as registry entries, sorted by
// class name.
func Plugins() []connect.Plugin {
	tr := func(name string, mk func() connect.Transformation) connect.Plugin {
		return connect.Plugin{Class: transformsPkg + name, Type: connect.PluginTransformation, Version: Version, NewTransformation: mk}
	}
	sided := func(name string, mk func(side) connect.Transformation) []connect.Plugin {
		return []connect.Plugin{
			tr(name+"$Key", func() connect.Transformation { return mk(keySide) }),
			tr(name+"$Value", func() connect.Transformation { return mk(valueSide) }),
		}
	}
	pr := func(name string, mk func() connect.Predicate) connect.Plugin {
		return connect.Plugin{Class: predicatesPkg + name, Type: connect.PluginPredicate, Version: Version, NewPredicate: mk}
	}
	// Debezium's event flattening SMT sorts first (io.debezium before org.apache).
	ps := []connect.Plugin{{Class: ExtractNewRecordStateClass, Type: connect.PluginTransformation, Version: Version,
		NewTransformation: func() connect.Transformation { return newExtractNewRecordState() }}}
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

// Builtin returns a registry of the built-in transforms and predicates only, for code that
// transforms without a worker (tests, tools).
func Builtin() *connect.Registry {
	reg, err := connect.NewRegistry(Plugins()...)
	if err != nil {
		panic(fmt.Sprintf("built-in transforms: %v", err)) // a name clash in the list above
	}
	return reg
}
