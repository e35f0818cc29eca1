package connect

// ConfigType is a config value type, spelled as Kafka's ConfigDef.Type.
type ConfigType string

// Config value types.
const (
	ConfigString   ConfigType = "STRING"
	ConfigInt      ConfigType = "INT"
	ConfigShort    ConfigType = "SHORT"
	ConfigLong     ConfigType = "LONG"
	ConfigDouble   ConfigType = "DOUBLE"
	ConfigBoolean  ConfigType = "BOOLEAN"
	ConfigList     ConfigType = "LIST"
	ConfigClass    ConfigType = "CLASS"
	ConfigPassword ConfigType = "PASSWORD"
)

// Importance is a config key's importance, as Kafka's ConfigDef.Importance.
type Importance string

// Importances.
const (
	High   Importance = "HIGH"
	Medium Importance = "MEDIUM"
	Low    Importance = "LOW"
)

// Width is the display width of a config key, as Kafka's ConfigDef.Width.
type Width string

// Widths.
const (
	WidthNone   Width = "NONE"
	WidthShort  Width = "SHORT"
	WidthMedium Width = "MEDIUM"
	WidthLong   Width = "LONG"
)

// ConfigValidator checks one parsed value (Kafka's ConfigDef.Validator). The error message is
// shown as-is in validation results: "Invalid value X for configuration Y: <message>".
type ConfigValidator interface {
	Validate(name string, value any) error
	// String describes the valid values, shown in generated docs.
	String() string
}

// Recommender proposes valid values and tells whether a key applies, given the other
// parsed values (Kafka's ConfigDef.Recommender).
type Recommender interface {
	ValidValues(name string, parsed map[string]any) []any
	Visible(name string, parsed map[string]any) bool
}

// ConfigKey defines one configuration key.
type ConfigKey struct {
	Name string
	Type ConfigType
	// Default is the default value in its parsed Go type (string, int32, int16, int64,
	// float64, bool, []string, Password). Required keys set Required instead.
	Default      any
	Required     bool
	Importance   Importance
	Doc          string
	Group        string
	OrderInGroup int
	Width        Width
	DisplayName  string
	Dependents   []string
	Validator    ConfigValidator
	Recommender  Recommender
	// Internal keys are accepted but left out of docs and validation output.
	Internal bool
}

// Password is a PASSWORD value: it prints as "[hidden]" and its JSON form hides it too.
type Password string

// String hides the value.
func (Password) String() string { return "[hidden]" }

// MarshalJSON hides the value.
func (Password) MarshalJSON() ([]byte, error) { return []byte(`"[hidden]"`), nil }

// Value returns the secret itself, for the code that must use it.
func (p Password) Value() string { return string(p) }

// ConfigDef is an ordered set of config keys (Kafka's ConfigDef).
type ConfigDef struct {
	keys  []ConfigKey
	index map[string]int
}
