package connect

// ConfigInfos is the answer to a validation request, in Kafka's JSON shape
// (PUT /connector-plugins/{p}/config/validate).
type ConfigInfos struct {
	Name       string       `json:"name"`
	ErrorCount int          `json:"error_count"`
	Groups     []string     `json:"groups"`
	Configs    []ConfigInfo `json:"configs"`
}

// ConfigInfo is one entry of ConfigInfos: a definition (nil for undeclared keys) and a value.
type ConfigInfo struct {
	Definition *ConfigKeyInfo   `json:"definition"`
	Value      *ConfigValueInfo `json:"value"`
}

// ConfigKeyInfo is a key's definition in Kafka's JSON shape; it is also what
// GET /connector-plugins/{p}/config lists.
type ConfigKeyInfo struct {
	Name          string     `json:"name"`
	Type          ConfigType `json:"type"`
	Required      bool       `json:"required"`
	DefaultValue  *string    `json:"default_value"`
	Importance    Importance `json:"importance"`
	Documentation *string    `json:"documentation"`
	Group         *string    `json:"group"`
	Width         Width      `json:"width"`
	DisplayName   *string    `json:"display_name"`
	Dependents    []string   `json:"dependents"`
	Order         int        `json:"order"`
}

// ConfigValueInfo is a key's value and its validation errors in Kafka's JSON shape.
type ConfigValueInfo struct {
	Name              string   `json:"name"`
	Value             *string  `json:"value"`
	RecommendedValues []string `json:"recommended_values"`
	Errors            []string `json:"errors"`
	Visible           bool     `json:"visible"`
}
