package config

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/convert"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

type testSink struct{ validateErr error }

func (testSink) Version() string { return "1.0" }
func (testSink) Config() *connect.ConfigDef {
	return connect.NewConfigDef().
		Define(connect.ConfigKey{Name: "file", Type: connect.ConfigString, Required: true, Importance: connect.High, Doc: "Destination file.", Group: "File", OrderInGroup: 1}).
		Define(connect.ConfigKey{Name: "api.key", Type: connect.ConfigPassword, Default: "", Importance: connect.High, Doc: "API key.", Group: "File", OrderInGroup: 2})
}
func (testSink) Start(context.Context, map[string]string) error { return nil }
func (testSink) TaskConfigs(int) ([]map[string]string, error)   { return nil, nil }
func (testSink) Stop() error                                    { return nil }
func (testSink) NewTask() connect.SinkTask                      { return nil }
func (s testSink) Validate(_ context.Context, props map[string]string, r *connect.ConfigInfos) error {
	if props["file"] == "/forbidden" {
		r.AddError("file", "file may not be /forbidden")
	}
	return s.validateErr
}

func sinkPlugin(validateErr error) connect.Plugin {
	return connect.Plugin{Class: "com.example.TestSinkConnector", Type: connect.PluginSink, Version: "1.0",
		New: func() connect.Connector { return testSink{validateErr: validateErr} }}
}

type catalog struct{}

func (catalog) TransformationConfig(class string) (*connect.ConfigDef, error) {
	if class != "org.apache.kafka.connect.transforms.InsertField$Value" {
		return nil, errors.New("unknown")
	}
	return connect.NewConfigDef().Define(connect.ConfigKey{Name: "static.field", Type: connect.ConfigString, Default: "", Importance: connect.Medium, Doc: "Field name."}), nil
}

func (catalog) PredicateConfig(class string) (*connect.ConfigDef, error) {
	if class != "org.apache.kafka.connect.transforms.predicates.TopicNameMatches" {
		return nil, errors.New("unknown")
	}
	return connect.NewConfigDef().Define(connect.ConfigKey{Name: "pattern", Type: connect.ConfigString, Required: true, Importance: connect.Medium, Doc: "Regex."}), nil
}

func TestFrameworkDefsMatchKafka(t *testing.T) {
	type want struct {
		group   string
		order   int
		def     *string
		typ     connect.ConfigType
		display string
	}
	s := func(v string) *string { return &v }
	wants := map[string]want{
		Name:                      {"Common", 1, nil, connect.ConfigString, "Connector name"},
		ConnectorClass:            {"Common", 2, nil, connect.ConfigString, "Connector class"},
		TasksMax:                  {"Common", 3, s("1"), connect.ConfigInt, "Tasks max"},
		TasksMaxEnforce:           {"Common", 4, s("true"), connect.ConfigBoolean, "Enforce tasks max"},
		KeyConverter:              {"Common", 5, nil, connect.ConfigClass, "Key converter class"},
		HeaderConverter:           {"Common", 7, nil, connect.ConfigClass, "Header converter class"},
		Transforms:                {"Transforms", 8, s(""), connect.ConfigList, "Transforms"},
		Predicates:                {"Predicates", 9, s(""), connect.ConfigList, "Predicates"},
		ConfigActionReload:        {"Common", 10, s("restart"), connect.ConfigString, "Reload Action"},
		ErrorsRetryTimeout:        {"Error Handling", 1, s("0"), connect.ConfigLong, "Retry Timeout for Errors"},
		ErrorsRetryDelayMax:       {"Error Handling", 2, s("60000"), connect.ConfigLong, "Maximum Delay Between Retries for Errors"},
		ErrorsTolerance:           {"Error Handling", 3, s("none"), connect.ConfigString, "Error Tolerance"},
		ErrorsLogIncludeMsgs:      {"Error Handling", 5, s("false"), connect.ConfigBoolean, "Log Error Details"},
		Topics:                    {"Common", 4, s(""), connect.ConfigList, "Topics"},
		TopicsRegex:               {"Common", 4, s(""), connect.ConfigString, "Topics regex"},
		DLQTopicReplicationFactor: {"Error Handling", 7, s("3"), connect.ConfigShort, "Dead Letter Queue Topic Replication Factor"},
	}
	infos := map[string]connect.ConfigKeyInfo{}
	for _, ki := range SinkDef().Infos() {
		infos[ki.Name] = ki
	}
	for name, w := range wants {
		ki, ok := infos[name]
		if !ok {
			t.Errorf("%s missing", name)
			continue
		}
		if *ki.Group != w.group || ki.Order != w.order || !reflect.DeepEqual(ki.DefaultValue, w.def) || ki.Type != w.typ || *ki.DisplayName != w.display || ki.Documentation == nil {
			t.Errorf("%s = %+v, want %+v", name, ki, w)
		}
	}
	if g := SinkDef().Groups(); !reflect.DeepEqual(g, []string{"Common", "Transforms", "Predicates", "Error Handling"}) {
		t.Errorf("sink groups = %v", g)
	}
	if g := SourceDef().Groups(); !reflect.DeepEqual(g, []string{"Common", "Transforms", "Predicates", "Error Handling", "Topic Creation", "Exactly Once Support", "offsets.topic"}) {
		t.Errorf("source groups = %v", g)
	}
}

func errorsOf(infos connect.ConfigInfos) map[string][]string {
	out := map[string][]string{}
	for _, ci := range infos.Configs {
		if ci.Value != nil && len(ci.Value.Errors) > 0 {
			out[ci.Value.Name] = ci.Value.Errors
		}
	}
	return out
}

func TestValidateConnectorRules(t *testing.T) {
	base := map[string]string{"name": "s", "connector.class": "TestSink", "file": "/tmp/x"}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	tests := []struct {
		name  string
		props map[string]string
		opts  []Option
		want  map[string][]string
	}{
		{"neither topics nor regex", with(), nil, map[string][]string{
			"topics": {"Must configure one of topics or topics.regex"}, "topics.regex": {"Must configure one of topics or topics.regex"}}},
		{"both topics and regex", with("topics", "a", "topics.regex", "a.*"), nil, map[string][]string{
			"topics":       {"topics and topics.regex are mutually exclusive options, but both are set."},
			"topics.regex": {"topics and topics.regex are mutually exclusive options, but both are set."}}},
		{"dlq in topics", with("topics", "a, dlq", "errors.deadletterqueue.topic.name", "dlq"), nil, map[string][]string{
			"topics": {"The DLQ topic 'dlq' may not be included in the list of topics ('topics=[a, dlq]') consumed by the connector"}}},
		{"dlq matched by regex", with("topics.regex", "d.*", "errors.deadletterqueue.topic.name", "dlq"), nil, map[string][]string{
			"topics.regex": {"The DLQ topic 'dlq' may not be included in the regex matching the topics ('topics.regex=d.*') consumed by the connector"}}},
		{"ok", with("topics", "a"), nil, map[string][]string{}},
		{"bad tasks.max and tolerance", with("topics", "a", "tasks.max", "0", "errors.tolerance", "ALL"), nil, map[string][]string{
			"tasks.max":        {"Invalid value 0 for configuration tasks.max: Value must be at least 1"},
			"errors.tolerance": {"Invalid value ALL for configuration errors.tolerance: String must be one of: none, all"}}},
		{"missing transform type", with("topics", "a", "transforms", "x"), nil, map[string][]string{
			"transforms.x.type": {`Missing required configuration "transforms.x.type" which has no default value.`}}},
		{"duplicate alias", with("topics", "a", "transforms", "x,x", "transforms.x.type", "org.apache.kafka.connect.transforms.InsertField$Value"), []Option{WithCatalog(catalog{})}, map[string][]string{
			"transforms": {"Invalid value [x, x] for configuration transforms: Duplicate alias provided."}}},
		{"unknown transform class", with("topics", "a", "transforms", "x", "transforms.x.type", "com.Nope"), []Option{WithCatalog(catalog{})}, map[string][]string{
			"transforms.x.type": {"Invalid value com.Nope for configuration transforms.x.type: Class com.Nope could not be found."}}},
		{"predicate missing pattern and undeclared alias", with("topics", "a", "transforms", "x", "transforms.x.type", "org.apache.kafka.connect.transforms.InsertField$Value",
			"transforms.x.predicate", "p", "predicates", "q", "predicates.q.type", "org.apache.kafka.connect.transforms.predicates.TopicNameMatches"), []Option{WithCatalog(catalog{})}, map[string][]string{
			"transforms.x.predicate": {"Invalid value p for configuration transforms.x.predicate: Unknown configuration 'predicates.p.type'"},
			"predicates.q.pattern":   {`Missing required configuration "predicates.q.pattern" which has no default value.`}}},
		{"null value", with("topics", "a"), []Option{WithNullKeys("foo")}, map[string][]string{
			"foo": {"Null value can not be supplied as the configuration value."}}},
		{"connector validator", with("topics", "a", "file", "/forbidden"), nil, map[string][]string{
			"file": {"file may not be /forbidden"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			infos := ValidateConnector(context.Background(), sinkPlugin(nil), tt.props, tt.opts...)
			got := errorsOf(infos)
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("errors = %q\nwant %q", got, tt.want)
			}
			n := 0
			for _, e := range got {
				n += len(e)
			}
			if infos.ErrorCount != n {
				t.Fatalf("error_count = %d, want %d", infos.ErrorCount, n)
			}
		})
	}
}

func TestValidateConnectorOrderAndGroups(t *testing.T) {
	props := map[string]string{"name": "s", "connector.class": "TestSink", "topics": "a", "file": "f",
		"transforms": "ins", "transforms.ins.type": "org.apache.kafka.connect.transforms.InsertField$Value", "unknown.key": "x"}
	infos := ValidateConnector(context.Background(), sinkPlugin(nil), props, WithCatalog(catalog{}), WithNullKeys("nullkey"))
	if infos.Name != "TestSink" {
		t.Errorf("name = %q", infos.Name)
	}
	if want := []string{"Common", "Transforms", "Predicates", "Error Handling", "Transforms: ins", "File"}; !reflect.DeepEqual(infos.Groups, want) {
		t.Errorf("groups = %v, want %v", infos.Groups, want)
	}
	var names []string
	for _, ci := range infos.Configs {
		if ci.Definition == nil {
			names = append(names, "!"+ci.Value.Name)
			continue
		}
		names = append(names, ci.Definition.Name)
	}
	if names[0] != "!nullkey" || names[1] != "name" || slices.Contains(names, "!unknown.key") {
		t.Errorf("order = %v", names)
	}
	i, j, k := slices.Index(names, "transforms.ins.type"), slices.Index(names, "transforms.ins.static.field"), slices.Index(names, "file")
	if !(slices.Index(names, "errors.deadletterqueue.context.headers.enable") < i && i < j && j < k) {
		t.Errorf("enriched keys out of order: %v", names)
	}
}

func TestValidateConnectorGolden(t *testing.T) {
	props := map[string]string{"name": "my-sink", "connector.class": "TestSink", "tasks.max": "abc", "topics": "a, b",
		"file": "/tmp/out", "api.key": "s3cr3t", "errors.tolerance": "all"}
	infos := ValidateConnector(context.Background(), sinkPlugin(nil), props)
	got, err := json.MarshalIndent(infos, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(got, []byte("s3cr3t")) {
		t.Fatal("password in validation output")
	}
	path := filepath.Join("testdata", "validate_sink.json")
	if *update {
		if err := os.WriteFile(path, append(got, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(bytes.TrimSpace(want)) != string(got) {
		t.Fatalf("validate output differs from %s (run with -update after checking):\n%s", path, got)
	}
}

func TestValidateConnectorErrorFromValidator(t *testing.T) {
	infos := ValidateConnector(context.Background(), sinkPlugin(errors.New("cannot reach bucket")), map[string]string{"name": "s", "connector.class": "TestSink", "topics": "a", "file": "f"})
	if got := errorsOf(infos)[ConnectorClass]; !reflect.DeepEqual(got, []string{"cannot reach bucket"}) || infos.ErrorCount != 1 {
		t.Fatalf("errors = %v", errorsOf(infos))
	}
}

func TestSourceTopicCreation(t *testing.T) {
	plugin := connect.Plugin{Class: "com.example.Src", Type: connect.PluginSource, New: func() connect.Connector { return nil }}
	infos := ValidateConnector(context.Background(), plugin, map[string]string{"name": "s", "connector.class": "Src",
		"topic.creation.default.partitions": "0", "exactly.once.support": "REQUIRED"})
	want := map[string][]string{
		"topic.creation.default.replication.factor": {`Missing required configuration "topic.creation.default.replication.factor" which has no default value.`},
		"topic.creation.default.partitions":         {"Invalid value 0 for configuration partitions: Number of partitions must be positive, or -1 to use the broker's default"},
	}
	if got := errorsOf(infos); !reflect.DeepEqual(got, want) {
		t.Fatalf("errors = %q", got)
	}
}

func TestRedact(t *testing.T) {
	def := SinkDef().Merge(testSink{}.Config())
	raw := map[string]string{"api.key": "k", "file": "${file:/s.properties:path}", "topics": "a", "producer.override.sasl.jaas.config": "x"}
	resolved := map[string]string{"api.key": "k", "file": "/secret/path", "topics": "a", "producer.override.sasl.jaas.config": "x"}
	got := RedactResolved(def, raw, resolved)
	want := map[string]string{"api.key": Hidden, "file": Hidden, "topics": "a", "producer.override.sasl.jaas.config": Hidden}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("RedactResolved = %v", got)
	}
	if r := Redact(def, raw); r["file"] != raw["file"] || r["api.key"] != Hidden || resolved["api.key"] != "k" {
		t.Fatalf("Redact = %v (input must be untouched)", r)
	}
	for _, k := range []string{"value.converter.basic.auth.user.info", "key.converter.bearer.auth.token", "value.converter.schema.registry.ssl.keystore.key"} {
		if r := Redact(def, map[string]string{k: "secret"}); r[k] != Hidden {
			t.Errorf("Redact(%s) = %q", k, r[k])
		}
	}
	for _, s := range []string{"a${env:X}b", "${vault:p:k}"} {
		if !HasReference(s) {
			t.Errorf("HasReference(%q) = false", s)
		}
	}
	if HasReference("$notref") || HasReference("${unterminated") {
		t.Error("HasReference accepted a non-reference")
	}
}

func TestDocsMentionDefaults(t *testing.T) {
	md := SinkDef().MarkdownDocs()
	if !strings.Contains(md, "### `errors.tolerance`") || !strings.Contains(md, "* Valid values: [none, all]") {
		t.Fatal(md)
	}
}

func TestValidateConnectorConverterEntries(t *testing.T) {
	props := map[string]string{"name": "s", "connector.class": "TestSink", "topics": "a", "file": "f",
		"value.converter": "JsonConverter", "value.converter.decimal.format": "HEX", "key.converter": "com.example.Nope"}
	infos := ValidateConnector(context.Background(), sinkPlugin(nil), props, WithRegistry(convert.Builtin()))
	errs := errorsOf(infos)
	if got := errs["value.converter.decimal.format"]; !reflect.DeepEqual(got, []string{"Invalid value HEX for configuration decimal.format: String must be one of (case insensitive): BASE64, NUMERIC"}) {
		t.Errorf("decimal.format errors = %q", got)
	}
	if got := errs["key.converter"]; len(got) != 1 || !strings.Contains(got[0], "Class com.example.Nope could not be found.") {
		t.Errorf("key.converter errors = %q", got)
	}
	last := infos.Configs[len(infos.Configs)-1]
	if last.Definition == nil || !strings.HasPrefix(last.Definition.Name, "value.converter.") {
		t.Errorf("converter entries must be appended last, got %+v", last.Definition)
	}
	if infos.ErrorCount != 2 {
		t.Errorf("error_count = %d", infos.ErrorCount)
	}
}

// TestValidateMatchesSpecExample reproduces the entries of the validation example of the
// REST spec (FileStreamSink with name, connector.class and tasks.max set, no topics).
func TestValidateMatchesSpecExample(t *testing.T) {
	plugin := connect.Plugin{Class: "org.apache.kafka.connect.file.FileStreamSinkConnector", Type: connect.PluginSink, Version: "3.9.0",
		New: func() connect.Connector { return nil }}
	infos := ValidateConnector(context.Background(), plugin, map[string]string{"name": "my-sink", "connector.class": "FileStreamSink", "tasks.max": "1"})
	want := map[string]string{
		"name":      `{"definition":{"name":"name","type":"STRING","required":true,"default_value":null,"importance":"HIGH","documentation":"Globally unique name to use for this connector.","group":"Common","width":"MEDIUM","display_name":"Connector name","dependents":[],"order":1},"value":{"name":"name","value":"my-sink","recommended_values":[],"errors":[],"visible":true}}`,
		"tasks.max": `{"definition":{"name":"tasks.max","type":"INT","required":false,"default_value":"1","importance":"HIGH","documentation":"Maximum number of tasks to use for this connector.","group":"Common","width":"SHORT","display_name":"Tasks max","dependents":[],"order":3},"value":{"name":"tasks.max","value":"1","recommended_values":[],"errors":[],"visible":true}}`,
		"topics":    `{"definition":{"name":"topics","type":"LIST","required":false,"default_value":"","importance":"HIGH","documentation":"List of topics to consume, separated by commas","group":"Common","width":"LONG","display_name":"Topics","dependents":[],"order":4},"value":{"name":"topics","value":"","recommended_values":[],"errors":["Must configure one of topics or topics.regex"],"visible":true}}`,
	}
	for _, ci := range infos.Configs {
		if ci.Definition == nil {
			continue
		}
		w, ok := want[ci.Definition.Name]
		if !ok {
			continue
		}
		got, _ := json.Marshal(ci)
		if string(got) != w {
			t.Errorf("%s:\n got %s\nwant %s", ci.Definition.Name, got, w)
		}
		delete(want, ci.Definition.Name)
	}
	if len(want) > 0 {
		t.Errorf("entries missing: %v", want)
	}
	if infos.Name != "FileStreamSink" || infos.ErrorCount != 2 || !reflect.DeepEqual(infos.Groups, []string{"Common", "Transforms", "Predicates", "Error Handling"}) {
		t.Errorf("top level = %q %d %v", infos.Name, infos.ErrorCount, infos.Groups)
	}
}

func TestValidateConnectorBuiltinTransforms(t *testing.T) {
	props := map[string]string{"name": "s", "connector.class": "TestSink", "topics": "a", "file": "f",
		"transforms": "ins,neg", "transforms.ins.type": "org.apache.kafka.connect.transforms.InsertField$Value",
		"transforms.ins.static.field": "src", "transforms.ins.static.value": "x",
		"transforms.neg.type": "org.apache.kafka.connect.transforms.Filter", "transforms.neg.negate": "true",
		"predicates": "isTomb", "predicates.isTomb.type": "org.apache.kafka.connect.transforms.predicates.RecordIsTombstone"}
	infos := ValidateConnector(context.Background(), sinkPlugin(nil), props)
	names := map[string]bool{}
	for _, ci := range infos.Configs {
		if ci.Definition != nil {
			names[ci.Definition.Name] = true
		}
	}
	for _, want := range []string{"transforms.ins.static.field", "transforms.ins.predicate", "transforms.ins.negate", "predicates.isTomb.type"} {
		if !names[want] {
			t.Errorf("no entry for %s", want)
		}
	}
	want := map[string][]string{"transforms.neg.type": {"Config 'transforms.neg.negate' was provided but there is no config 'transforms.neg.predicate' defining a predicate to be negated."}}
	if got := errorsOf(infos); !reflect.DeepEqual(got, want) {
		t.Errorf("errors = %q", got)
	}
}

func TestValidateConnectorSchedule(t *testing.T) {
	plugin := connect.Plugin{Class: "x.SinkConnector", Type: connect.PluginSink}
	base := map[string]string{"name": "a", "connector.class": "x.SinkConnector", "topics": "t"}
	for expr, wantErr := range map[string]bool{"rate(1 hour)": false, "cron(5 * * * ? *)": false, "continuous": false, "hourly": true, "rate(0 hours)": true} {
		props := maps.Clone(base)
		props["schedule"] = expr
		infos := ValidateConnector(context.Background(), plugin, props)
		err := infos.Err()
		if wantErr != (err != nil) {
			t.Errorf("schedule %q: err = %v, want error %v", expr, err, wantErr)
		}
		if wantErr && !strings.Contains(err.Error(), "invalid schedule expression") {
			t.Errorf("schedule %q: error %q does not say what is wrong", expr, err)
		}
	}
}

func TestValidateConnectorRetryPolicy(t *testing.T) {
	plugin := connect.Plugin{Class: "x.SinkConnector", Type: connect.PluginSink}
	base := map[string]string{"name": "a", "connector.class": "x.SinkConnector", "topics": "t"}
	tests := []struct {
		key, value string
		wantErr    bool
	}{
		{"task.retry.timeout.ms", "600000", false},
		{"task.retry.timeout.ms", "-1", false},
		{"task.retry.timeout.ms", "soon", true},
		{"task.restart.policy", "on-failure", false},
		{"task.restart.policy", "always", true},
		{"task.restart.max.per.hour", "0", true},
		{"task.restart.backoff.ms", "-5", true},
	}
	for _, tc := range tests {
		props := maps.Clone(base)
		props[tc.key] = tc.value
		err := ValidateConnector(context.Background(), plugin, props).Err()
		if tc.wantErr != (err != nil) {
			t.Errorf("%s=%s: err = %v, want error %v", tc.key, tc.value, err, tc.wantErr)
		}
		if tc.wantErr && !strings.Contains(err.Error(), tc.key) {
			t.Errorf("%s=%s: error %q does not name the key", tc.key, tc.value, err)
		}
	}
}
