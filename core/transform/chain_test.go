package transform

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/connectless/connectless/core/connect"
)

func TestPredicates(t *testing.T) {
	r := rec("k", "v")
	r.Headers = connect.Headers{{Key: "trace", Value: "1"}}
	tomb := rec("k", nil)
	for _, c := range []struct {
		name  string
		class string
		props map[string]string
		in    *connect.Record
		want  bool
	}{
		{"topic matches whole name", "TopicNameMatches", map[string]string{"pattern": "ord.*"}, r, true},
		{"topic partial is no match", "org.apache.kafka.connect.transforms.predicates.TopicNameMatches", map[string]string{"pattern": "ord"}, r, false},
		{"empty topic", "TopicNameMatches", map[string]string{"pattern": ".*"}, &connect.Record{}, false},
		{"header present", "HasHeaderKey", map[string]string{"name": "trace"}, r, true},
		{"header absent", "HasHeaderKey", map[string]string{"name": "other"}, r, false},
		{"tombstone", "RecordIsTombstone", nil, tomb, true},
		{"not tombstone", "RecordIsTombstone", nil, r, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := newP(t, c.class, c.props)
			if got := p.Test(c.in); got != c.want {
				t.Errorf("Test = %v, want %v", got, c.want)
			}
		})
	}
	for _, c := range []struct {
		class string
		props map[string]string
		want  string
	}{
		{"TopicNameMatches", map[string]string{}, `Missing required configuration "pattern" which has no default value.`},
		{"TopicNameMatches", map[string]string{"pattern": ""}, "Invalid value  for configuration pattern: String must be non-empty"},
		{"TopicNameMatches", map[string]string{"pattern": "a(?!b)"}, "Invalid value a(?!b) for configuration pattern: Invalid regex: "},
		{"HasHeaderKey", map[string]string{"name": ""}, "Invalid value  for configuration name: String must be non-empty"},
	} {
		p, err := Builtin().LookupType(connect.PluginPredicate, c.class)
		if err != nil {
			t.Fatal(err)
		}
		err = p.NewPredicate().Configure(c.props)
		wantErr(t, err, ClassConfigException, c.want)
	}
}

func TestRegistry(t *testing.T) {
	ps := Plugins()
	var classes []string
	for _, p := range ps {
		classes = append(classes, p.Class)
		if p.Version != Version {
			t.Errorf("%s: version %q", p.Class, p.Version)
		}
		switch p.Type {
		case connect.PluginTransformation:
			if p.NewTransformation == nil || !(strings.HasPrefix(p.Class, transformsPkg) || p.Class == ExtractNewRecordStateClass) {
				t.Errorf("%s: not a transformation", p.Class)
				continue
			}
			tr := p.NewTransformation()
			if tr.Config() == nil {
				t.Errorf("%s: nil ConfigDef", p.Class)
			}
			for _, k := range tr.Config().Keys() {
				if k.Doc == "" {
					t.Errorf("%s: key %s has no doc", p.Class, k.Name)
				}
			}
		case connect.PluginPredicate:
			if p.NewPredicate == nil || p.NewPredicate() == nil || !strings.HasPrefix(p.Class, predicatesPkg) {
				t.Errorf("%s: not a predicate", p.Class)
			}
		default:
			t.Errorf("%s: type %q", p.Class, p.Type)
		}
		alias := p.Class[strings.LastIndex(p.Class, ".")+1:]
		byAlias, err := Builtin().LookupType(p.Type, alias)
		if err != nil || byAlias.Class != p.Class {
			t.Errorf("LookupType(%s, %q) = %v, %v", p.Type, alias, byAlias.Class, err)
		}
	}
	if !slices.IsSorted(classes) {
		t.Errorf("plugins not sorted: %v", classes)
	}
	// Every transform named in Kafka's transforms package, with its variants.
	want := []string{"Cast$Key", "Cast$Value", "DropHeaders", "ExtractField$Key", "ExtractField$Value", "Filter", "Flatten$Key", "Flatten$Value",
		"HeaderFrom$Key", "HeaderFrom$Value", "HoistField$Key", "HoistField$Value", "InsertField$Key", "InsertField$Value", "InsertHeader",
		"MaskField$Key", "MaskField$Value", "RegexRouter", "ReplaceField$Key", "ReplaceField$Value", "SetSchemaMetadata$Key",
		"SetSchemaMetadata$Value", "TimestampConverter$Key", "TimestampConverter$Value", "TimestampRouter", "ValueToKey",
		"predicates.HasHeaderKey", "predicates.RecordIsTombstone", "predicates.TopicNameMatches"}
	for _, w := range want {
		if !slices.Contains(classes, transformsPkg+w) {
			t.Errorf("missing %s", w)
		}
	}
	if !slices.Contains(classes, ExtractNewRecordStateClass) {
		t.Errorf("missing %s", ExtractNewRecordStateClass)
	}
	if len(classes) != len(want)+1 {
		t.Errorf("%d plugins, want %d", len(classes), len(want))
	}
	if _, err := Builtin().LookupType(connect.PluginTransformation, "com.example.Nope"); !errors.Is(err, connect.ErrUnknownPlugin) {
		t.Errorf("LookupType unknown = %v, want ErrUnknownPlugin", err)
	}
	if _, err := Builtin().LookupType(connect.PluginTransformation, "RecordIsTombstone"); !errors.Is(err, connect.ErrUnknownPlugin) {
		t.Errorf("a predicate found as a transformation: %v", err)
	}
}

func TestChain(t *testing.T) {
	props := map[string]string{
		"transforms":                          "addTopic, dropTombstones, route",
		"transforms.addTopic.type":            "org.apache.kafka.connect.transforms.InsertField$Value",
		"transforms.addTopic.topic.field":     "kafka_topic",
		"transforms.addTopic.predicate":       "notAudit",
		"transforms.addTopic.negate":          "true",
		"transforms.dropTombstones.type":      "Filter",
		"transforms.dropTombstones.predicate": "isTombstone",
		"transforms.route.type":               "RegexRouter",
		"transforms.route.regex":              "(.*)",
		"transforms.route.replacement":        "$1-out",
		"predicates":                          "isTombstone,notAudit",
		"predicates.isTombstone.type":         "org.apache.kafka.connect.transforms.predicates.RecordIsTombstone",
		"predicates.notAudit.type":            "TopicNameMatches",
		"predicates.notAudit.pattern":         "audit.*",
	}
	c, err := NewChain(Builtin(), props)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.Len() != 3 {
		t.Fatalf("Len = %d", c.Len())
	}
	in := rec(nil, map[string]any{"a": 1})
	out, err := c.Apply(in)
	if err != nil {
		t.Fatal(err)
	}
	checkRecord(t, out, with(in, func(r *connect.Record) {
		r.Topic = "orders-out"
		r.Value = map[string]any{"a": 1, "kafka_topic": "orders"}
	}))
	// negate: topics matching audit.* are not given the field.
	audit := rec(nil, map[string]any{"a": 1})
	audit.Topic = "audit.log"
	out, err = c.Apply(audit)
	if err != nil {
		t.Fatal(err)
	}
	checkRecord(t, out, with(audit, func(r *connect.Record) { r.Topic = "audit.log-out" }))
	// tombstones are dropped, and the chain stops.
	if out, err := c.Apply(rec("k", nil)); err != nil || out != nil {
		t.Errorf("tombstone: %v, %v; want dropped", out, err)
	}
	// errors name the stage and keep Kafka's message.
	_, err = c.Apply(rec(nil, "text"))
	var se *StageError
	if !errors.As(err, &se) || se.Alias != "addTopic" || se.Class != transformsPkg+"InsertField$Value" || !errors.Is(err, ErrData) {
		t.Fatalf("error = %v, want a StageError for addTopic wrapping a DataException", err)
	}
	var te *Error
	if !errors.As(err, &te) || te.Msg != "Only Map objects supported in absence of schema for [field insertion], found: java.lang.String" {
		t.Errorf("cause = %v", te)
	}
}

func TestChainEmpty(t *testing.T) {
	for _, props := range []map[string]string{{}, {"transforms": ""}, {"transforms": " "}} {
		c, err := NewChain(Builtin(), props)
		if err != nil {
			t.Fatalf("%v: %v", props, err)
		}
		in := rec("k", "v")
		if out, err := c.Apply(in); err != nil || out != in {
			t.Errorf("empty chain changed the record: %v %v", out, err)
		}
	}
}

func TestChainConfigErrors(t *testing.T) {
	for _, c := range []struct {
		name  string
		props map[string]string
		key   string
		want  string
	}{
		{"duplicate alias", map[string]string{"transforms": "a,a", "transforms.a.type": "Filter"}, "transforms",
			"Invalid value [a, a] for configuration transforms: Duplicate alias provided."},
		{"duplicate predicate alias", map[string]string{"predicates": "p,p", "predicates.p.type": "RecordIsTombstone"}, "predicates",
			"Invalid value [p, p] for configuration predicates: Duplicate alias provided."},
		{"missing type", map[string]string{"transforms": "a"}, "transforms.a.type",
			`Missing required configuration "transforms.a.type" which has no default value.`},
		{"unknown class", map[string]string{"transforms": "a", "transforms.a.type": "com.example.Nope"}, "transforms.a.type",
			"Invalid value com.example.Nope for configuration transforms.a.type: Class com.example.Nope could not be found."},
		{"predicate as transformation", map[string]string{"transforms": "a", "transforms.a.type": "RecordIsTombstone"}, "transforms.a.type",
			"Invalid value class org.apache.kafka.connect.transforms.predicates.RecordIsTombstone for configuration transforms.a.type: Not a Transformation"},
		{"transformation as predicate", map[string]string{"predicates": "p", "predicates.p.type": "Filter"}, "predicates.p.type",
			"Invalid value class org.apache.kafka.connect.transforms.Filter for configuration predicates.p.type: Not a Predicate"},
		{"undefined predicate alias", map[string]string{"transforms": "a", "transforms.a.type": "Filter", "transforms.a.predicate": "p"},
			"transforms.a.predicate", "Unknown configuration 'predicates.p.type'"},
		{"negate without predicate", map[string]string{"transforms": "a", "transforms.a.type": "Filter", "transforms.a.negate": "true"},
			"transforms.a.type", "Config 'transforms.a.negate' was provided but there is no config 'transforms.a.predicate' defining a predicate to be negated."},
		{"bad negate", map[string]string{"transforms": "a", "transforms.a.type": "Filter", "predicates": "p", "predicates.p.type": "RecordIsTombstone",
			"transforms.a.predicate": "p", "transforms.a.negate": "maybe"},
			"transforms.a.negate", "Invalid value maybe for configuration transforms.a.negate: Expected value to be either true or false"},
		{"transform option missing", map[string]string{"transforms": "a", "transforms.a.type": "HoistField$Value"}, "transforms.a.field",
			`Missing required configuration "transforms.a.field" which has no default value.`},
		{"transform option invalid", map[string]string{"transforms": "a", "transforms.a.type": "Cast$Value", "transforms.a.spec": "x:bytes"}, "transforms.a.spec",
			"Cast transformation does not support casting to BYTES"},
		{"configure failure", map[string]string{"transforms": "a", "transforms.a.type": "InsertField$Value"}, "transforms.a.type",
			"No field insertion configured"},
		{"predicate option missing", map[string]string{"predicates": "p", "predicates.p.type": "TopicNameMatches"}, "predicates.p.pattern",
			`Missing required configuration "predicates.p.pattern" which has no default value.`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := NewChain(Builtin(), c.props)
			wantErr(t, err, ClassConfigException, c.want)
			if !errors.Is(err, ErrConfig) {
				t.Errorf("errors.Is(ErrConfig) = false for %v", err)
			}
			var found bool
			for _, v := range ValidateChain(Builtin(), c.props) {
				for _, e := range v.Errors {
					if strings.Contains(e, c.want) {
						if v.Name != c.key {
							t.Errorf("error %q reported on %s, want %s", e, v.Name, c.key)
						}
						found = true
					}
				}
			}
			if !found {
				t.Errorf("ValidateChain has no error %q", c.want)
			}
		})
	}
}

func TestValidateChainKeys(t *testing.T) {
	props := map[string]string{
		"transforms": "a", "transforms.a.type": "TimestampRouter",
		"predicates": "p", "predicates.p.type": "HasHeaderKey", "predicates.p.name": "h",
	}
	var names []string
	for _, v := range ValidateChain(Builtin(), props) {
		names = append(names, v.Name)
		if len(v.Errors) > 0 {
			t.Errorf("%s: unexpected errors %v", v.Name, v.Errors)
		}
	}
	for _, want := range []string{"transforms", "predicates", "transforms.a.type", "transforms.a.predicate", "transforms.a.negate",
		"transforms.a.topic.format", "transforms.a.timestamp.format", "predicates.p.type", "predicates.p.name"} {
		if !slices.Contains(names, want) {
			t.Errorf("no result for %s in %v", want, names)
		}
	}
	def := ChainConfigDef(Builtin(), props)
	k, ok := def.Key("transforms.a.topic.format")
	if !ok || k.Group != "Transforms: a" || k.Default != "${topic}-${timestamp}" {
		t.Errorf("embedded key = %+v, %v", k, ok)
	}
	infos := connect.GenerateConfigInfos("c", def, ValidateChain(Builtin(), props), def.Groups())
	if infos.ErrorCount != 0 || len(infos.Configs) != len(names) {
		t.Errorf("ConfigInfos: %d errors, %d configs, want 0 and %d", infos.ErrorCount, len(infos.Configs), len(names))
	}
}

// A panicking transformation must not take the task down.
type panicky struct{ Filter }

func (panicky) Apply(*connect.Record) (*connect.Record, error) { panic("boom") }

func TestChainRecoversPanics(t *testing.T) {
	c := &Chain{stages: []stage{{alias: "p", class: "x.Panicky", t: &panicky{}}}}
	_, err := c.Apply(rec("k", "v"))
	var se *StageError
	if !errors.As(err, &se) || se.Alias != "p" || !strings.Contains(err.Error(), "boom") {
		t.Errorf("error = %v, want a StageError with the panic", err)
	}
}
