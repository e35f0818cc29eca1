package connect

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"reflect"
	"strings"
	"testing"
)

func TestParseConfigValue(t *testing.T) {
	tests := []struct {
		raw     string
		typ     ConfigType
		want    any
		wantErr string
	}{
		{"  hello ", ConfigString, "hello", ""},
		{" TRUE ", ConfigBoolean, true, ""},
		{"False", ConfigBoolean, false, ""},
		{"yes", ConfigBoolean, nil, "Invalid value yes for configuration k: Expected value to be either true or false"},
		{" 42 ", ConfigInt, int32(42), ""},
		{"+7", ConfigInt, int32(7), ""},
		{"abc", ConfigInt, nil, "Invalid value abc for configuration k: Not a number of type INT"},
		{"2147483648", ConfigInt, nil, "Invalid value 2147483648 for configuration k: Not a number of type INT"},
		{"1_000", ConfigInt, nil, "Invalid value 1_000 for configuration k: Not a number of type INT"},
		{"0x10", ConfigLong, nil, "Invalid value 0x10 for configuration k: Not a number of type LONG"},
		{"32768", ConfigShort, nil, "Invalid value 32768 for configuration k: Not a number of type SHORT"},
		{"-32768", ConfigShort, int16(-32768), ""},
		{"9223372036854775807", ConfigLong, int64(math.MaxInt64), ""},
		{"1.5", ConfigDouble, 1.5, ""},
		{"1e3", ConfigDouble, 1000.0, ""},
		{"2d", ConfigDouble, 2.0, ""},
		{"-Infinity", ConfigDouble, math.Inf(-1), ""},
		{"inf", ConfigDouble, nil, "Invalid value inf for configuration k: Not a number of type DOUBLE"},
		{"", ConfigList, []string{}, ""},
		{"a, b", ConfigList, []string{"a", "b"}, ""},
		{"a,", ConfigList, []string{"a", ""}, ""},
		{" a ,, b ", ConfigList, []string{"a", "", "b"}, ""},
		{" s3cret ", ConfigPassword, Password("s3cret"), ""},
		{" com.x.Y ", ConfigClass, "com.x.Y", ""},
	}
	for _, tt := range tests {
		t.Run(string(tt.typ)+"/"+tt.raw, func(t *testing.T) {
			got, err := ParseConfigValue("k", tt.raw, tt.typ)
			if tt.wantErr != "" {
				var ce *ConfigError
				if !errors.As(err, &ce) || err.Error() != tt.wantErr {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %#v, %v; want %#v", got, err, tt.want)
			}
		})
	}
}

func testDef() *ConfigDef {
	return NewConfigDef().
		Define(ConfigKey{Name: "name", Type: ConfigString, Required: true, Importance: High, Doc: "Name.", Group: "Common", OrderInGroup: 1, Validator: NonEmptyStringWithoutControlChars()}).
		Define(ConfigKey{Name: "tasks.max", Type: ConfigInt, Default: 1, Importance: High, Doc: "Tasks.", Group: "Common", OrderInGroup: 2, Width: WidthShort, DisplayName: "Tasks max", Validator: AtLeast(1)}).
		Define(ConfigKey{Name: "topics", Type: ConfigList, Default: []string{}, Importance: High, Doc: "Topics.", Group: "Common", OrderInGroup: 3}).
		Define(ConfigKey{Name: "mode", Type: ConfigString, Default: "none", Doc: "Mode.", Validator: ValidString("none", "all")}).
		Define(ConfigKey{Name: "format", Type: ConfigString, Default: "BASE64", Doc: "Format.", Validator: ValidStringIgnoreCase("base64", "numeric")}).
		Define(ConfigKey{Name: "secret", Type: ConfigPassword, Default: "", Doc: "Secret.", Group: "Auth", OrderInGroup: 1}).
		Define(ConfigKey{Name: "ratio", Type: ConfigDouble, Default: 0.5, Doc: "Ratio.", Validator: Range(0.0, 1.0)}).
		Define(ConfigKey{Name: "enabled", Type: ConfigBoolean, Default: "true", Doc: "Enabled."}).
		Define(ConfigKey{Name: "size", Type: ConfigLong, Default: int64(10), Doc: "Size."}).
		Define(ConfigKey{Name: "rf", Type: ConfigShort, Default: 3, Doc: "RF."}).
		Define(ConfigKey{Name: "cls", Type: ConfigClass, Doc: "Class."})
}

func TestConfigDefParseValues(t *testing.T) {
	v, err := testDef().Parse(map[string]string{"name": " c1 ", "tasks.max": "4", "topics": "a, b", "secret": "pw", "enabled": "FALSE", "format": "numeric", "cls": "x.Y"})
	if err != nil {
		t.Fatal(err)
	}
	if v.String("name") != "c1" || v.Int("tasks.max") != 4 || !reflect.DeepEqual(v.List("topics"), []string{"a", "b"}) ||
		v.Password("secret").Value() != "pw" || v.Bool("enabled") || v.Long("size") != 10 || v.Short("rf") != 3 ||
		v.Double("ratio") != 0.5 || v.Class("cls") != "x.Y" || v.String("mode") != "none" {
		t.Fatalf("unexpected values %#v", v.parsed)
	}
	if !v.IsSet("name") || v.IsSet("mode") {
		t.Fatal("IsSet wrong")
	}
	if r := v.Redacted(); r["secret"] != "[hidden]" || r["name"] != " c1 " {
		t.Fatalf("redacted = %v", r)
	}
	var logged strings.Builder
	slog.New(slog.NewTextHandler(&logged, nil)).Info("cfg", "values", v)
	if s := fmt.Sprintf("%v %+v %s", v, v, v) + logged.String(); strings.Contains(s, "pw") || !strings.Contains(s, "[hidden]") {
		t.Fatalf("secret printed: %s", s)
	}
	if v.Raw()["secret"] != "pw" {
		t.Fatal("raw lost the secret")
	}
}

func TestConfigDefParseErrors(t *testing.T) {
	tests := []struct {
		props map[string]string
		want  []string
	}{
		{map[string]string{}, []string{`Missing required configuration "name" which has no default value.`}},
		{map[string]string{"name": "x", "tasks.max": "abc"}, []string{"Invalid value abc for configuration tasks.max: Not a number of type INT"}},
		{map[string]string{"name": "x", "tasks.max": "0"}, []string{"Invalid value 0 for configuration tasks.max: Value must be at least 1"}},
		{map[string]string{"name": "x", "mode": "ALL"}, []string{"Invalid value ALL for configuration mode: String must be one of: none, all"}},
		{map[string]string{"name": "x", "format": "hex"}, []string{"Invalid value hex for configuration format: String must be one of (case insensitive): BASE64, NUMERIC"}},
		{map[string]string{"name": "x", "ratio": "1.5"}, []string{"Invalid value 1.5 for configuration ratio: Value must be no more than 1.0"}},
		{map[string]string{"name": " ", "tasks.max": "-1"}, []string{"Invalid value  for configuration name: String may not be empty", "Invalid value -1 for configuration tasks.max: Value must be at least 1"}},
		{map[string]string{"name": "a\x01b"}, []string{"Invalid value a\x01b for configuration name: String may not contain control sequences but had the following ASCII chars: 1"}},
	}
	for _, tt := range tests {
		_, err := testDef().Parse(tt.props)
		if err == nil {
			t.Fatalf("%v: no error", tt.props)
		}
		var ce *ConfigError
		if !errors.As(err, &ce) {
			t.Fatalf("%v: not a ConfigError: %T", tt.props, err)
		}
		if got := strings.Split(err.Error(), "\n"); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%v:\n got %q\nwant %q", tt.props, got, tt.want)
		}
	}
}

func TestConfigDefDefinePanics(t *testing.T) {
	for name, f := range map[string]func(){
		"duplicate":   func() { testDef().Define(ConfigKey{Name: "name", Type: ConfigString}) },
		"bad default": func() { NewConfigDef().Define(ConfigKey{Name: "n", Type: ConfigInt, Default: "x"}) },
		"invalid": func() {
			NewConfigDef().Define(ConfigKey{Name: "n", Type: ConfigInt, Default: 0, Validator: AtLeast(1)})
		},
		"wrong type": func() { NewConfigDef().Define(ConfigKey{Name: "n", Type: ConfigBoolean, Default: 1}) },
		"bad read":   func() { v, _ := testDef().Parse(map[string]string{"name": "x"}); v.Int("name") },
		"unknown":    func() { v, _ := testDef().Parse(map[string]string{"name": "x"}); v.String("nope") },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Fatal("no panic")
				}
			}()
			f()
		})
	}
}

func TestConfigDefMergeAndGroups(t *testing.T) {
	a := NewConfigDef().
		Define(ConfigKey{Name: "x", Type: ConfigString, Default: "a", Group: "G1", OrderInGroup: 1}).
		Define(ConfigKey{Name: "y", Type: ConfigString, Default: "a", Group: "G2", OrderInGroup: 1})
	b := NewConfigDef().
		Define(ConfigKey{Name: "z", Type: ConfigString, Default: "b", Group: "G3", OrderInGroup: 1}).
		Define(ConfigKey{Name: "x", Type: ConfigInt, Default: 2, Group: "G1", OrderInGroup: 1})
	m := a.Merge(b)
	if got := m.Names(); !reflect.DeepEqual(got, []string{"x", "y", "z"}) {
		t.Fatalf("names = %v", got)
	}
	if k, _ := m.Key("x"); k.Type != ConfigInt {
		t.Fatalf("merged x = %v, want the later definition", k.Type)
	}
	if k, _ := a.Key("x"); k.Type != ConfigString {
		t.Fatal("merge changed its receiver")
	}
	if got := m.Groups(); !reflect.DeepEqual(got, []string{"G1", "G2", "G3"}) {
		t.Fatalf("groups = %v", got)
	}
	if k, _ := NewConfigDef().Define(ConfigKey{Name: "n"}).Key("n"); k.OrderInGroup != -1 || k.DisplayName != "n" || k.Width != WidthNone {
		t.Fatalf("defaults not normalised: %+v", k)
	}
}

func TestValidateAllJSON(t *testing.T) {
	props := map[string]string{"tasks.max": "abc", "secret": "hunter2", "topics": "a, b"}
	infos := ValidateAll("MyConn", props, testDef())
	js, err := json.Marshal(infos)
	if err != nil {
		t.Fatal(err)
	}
	s := string(js)
	if strings.Contains(s, "hunter2") {
		t.Fatal("password leaked into validation output")
	}
	// Kafka also runs the validator on the null left by a missing or unparsable value, so
	// tasks.max carries two errors; name's validator (NonEmptyStringWithoutControlChars)
	// accepts null, so a missing name is one error, as in Kafka.
	want := map[string][]string{
		"name":      {`Missing required configuration "name" which has no default value.`},
		"tasks.max": {"Invalid value abc for configuration tasks.max: Not a number of type INT", "Invalid value null for configuration tasks.max: Value must be non-null"},
	}
	total := 0
	for _, ci := range infos.Configs {
		if ci.Definition == nil {
			t.Fatalf("unexpected undefined entry %+v", ci.Value)
		}
		total += len(ci.Value.Errors)
		if w, ok := want[ci.Definition.Name]; ok && !reflect.DeepEqual(ci.Value.Errors, w) {
			t.Errorf("%s errors = %q, want %q", ci.Definition.Name, ci.Value.Errors, w)
		}
		switch ci.Definition.Name {
		case "secret":
			if *ci.Value.Value != "[hidden]" || *ci.Definition.DefaultValue != "[hidden]" {
				t.Errorf("secret value = %v", *ci.Value.Value)
			}
		case "topics":
			if *ci.Value.Value != "a,b" || *ci.Definition.DefaultValue != "" {
				t.Errorf("topics value = %q", *ci.Value.Value)
			}
		case "name":
			if ci.Definition.DefaultValue != nil || !ci.Definition.Required || ci.Value.Value != nil {
				t.Errorf("name entry = %+v %+v", ci.Definition, ci.Value)
			}
		case "ratio":
			if *ci.Definition.DefaultValue != "0.5" || ci.Definition.Group != nil || ci.Definition.Order != -1 {
				t.Errorf("ratio definition = %+v", ci.Definition)
			}
		}
	}
	if total != infos.ErrorCount || total != 3 {
		t.Fatalf("error_count = %d, summed = %d, want 3", infos.ErrorCount, total)
	}
	if !reflect.DeepEqual(infos.Groups, []string{"Common", "Auth"}) {
		t.Fatalf("groups = %v", infos.Groups)
	}
	if !strings.Contains(s, `"order":2`) || strings.Contains(s, "order_in_group") {
		t.Fatal("order must serialise as \"order\"")
	}
	if err := infos.Err(); !errors.Is(err, ErrInvalidConfig) || !strings.HasPrefix(err.Error(), "Connector configuration is invalid and contains the following 3 error(s):\n") {
		t.Fatalf("Err() = %v", err)
	}
}

func TestConfigInfosAddErrorOrdersOrphansFirst(t *testing.T) {
	infos := ValidateAll("c", map[string]string{"name": "n"}, testDef())
	infos.AddError("unknown.a", "bad a")
	infos.AddError("unknown.b", "bad b")
	infos.AddError("mode", "bad mode")
	if infos.ErrorCount != 3 || infos.Configs[0].Value.Name != "unknown.a" || infos.Configs[1].Value.Name != "unknown.b" || infos.Configs[2].Definition == nil {
		t.Fatalf("configs = %+v", infos.Configs[:3])
	}
}

func TestJavaDoubleFormat(t *testing.T) {
	tests := map[float64]string{
		100: "100.0", 0.001: "0.001", 1234567: "1234567.0", 1e7: "1.0E7", 12345678.9: "1.23456789E7",
		1e-4: "1.0E-4", 4.9e-324: "4.9E-324", math.Copysign(0, -1): "-0.0", 1e10: "1.0E10", -1.5: "-1.5",
		0.1: "0.1", 1e21: "1.0E21", math.Inf(1): "Infinity", 123.456: "123.456",
	}
	for f, want := range tests {
		if got := formatDouble(f); got != want {
			t.Errorf("formatDouble(%v) = %q, want %q", f, got, want)
		}
	}
	if got := formatFloat(1.1); got != "1.1" {
		t.Errorf("formatFloat(1.1) = %q", got)
	}
	if got := formatFloat(1e10); got != "1.0E10" {
		t.Errorf("formatFloat(1e10) = %q", got)
	}
}

func TestMarkdownDocs(t *testing.T) {
	md := testDef().MarkdownDocs()
	for _, want := range []string{"## Common", "### `tasks.max`", "* Default: `1`", "* Valid values: [1,...]", "* Default: (required)", "* Default: `[hidden]`", "## Auth"} {
		if !strings.Contains(md, want) {
			t.Errorf("docs lack %q:\n%s", want, md)
		}
	}
	if strings.Index(md, "### `mode`") > strings.Index(md, "## Common") {
		t.Error("ungrouped keys should come first")
	}
}

type modeRecommender struct{}

func (modeRecommender) ValidValues(string, map[string]any) []any { return []any{"none", "all"} }
func (modeRecommender) Visible(_ string, parsed map[string]any) bool {
	return parsed["enabled"] == true
}

func TestValidateRecommendersAndDependents(t *testing.T) {
	def := NewConfigDef().
		Define(ConfigKey{Name: "enabled", Type: ConfigBoolean, Default: false, Doc: "On.", Dependents: []string{"mode", "ghost"}}).
		Define(ConfigKey{Name: "mode", Type: ConfigString, Default: "none", Doc: "Mode.", Recommender: modeRecommender{}}).
		Define(ConfigKey{Name: "internal.x", Type: ConfigString, Default: "", Internal: true})
	infos := ValidateAll("c", map[string]string{"enabled": "true"}, def)
	if infos.Configs[0].Definition != nil || infos.Configs[0].Value.Name != "ghost" ||
		infos.Configs[0].Value.Errors[0] != "ghost is referred in the dependents, but not defined." {
		t.Fatalf("first entry = %+v", infos.Configs[0].Value)
	}
	mode := infos.Configs[2]
	if mode.Definition.Name != "mode" || !mode.Value.Visible || !reflect.DeepEqual(mode.Value.RecommendedValues, []string{"none", "all"}) {
		t.Fatalf("mode = %+v", mode.Value)
	}
	if len(infos.Configs) != 3 || infos.ErrorCount != 1 {
		t.Fatalf("internal key shown or wrong count: %d entries, %d errors", len(infos.Configs), infos.ErrorCount)
	}
	hidden := ValidateAll("c", map[string]string{}, def)
	if hidden.Configs[2].Value.Visible {
		t.Fatal("mode should be invisible when disabled")
	}
}
