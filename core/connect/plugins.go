package connect

// Converter turns record keys and values to and from bytes (Kafka's Converter). Configure is
// called once before use; calls may then be concurrent.
type Converter interface {
	Configure(props map[string]string, isKey bool) error
	FromConnect(topic string, schema *Schema, value any) ([]byte, error)
	ToConnect(topic string, data []byte) (*Schema, any, error)
}

// ConverterTypeConfig is the key every converter accepts saying how it is used: key, value
// or header (Kafka's ConverterConfig converter.type). The worker sets it from isKey.
const ConverterTypeConfig = "converter.type"

// ConverterTypeKey returns the definition of converter.type, for a converter's ConfigDef.
func ConverterTypeKey() ConfigKey {
	return ConfigKey{Name: ConverterTypeConfig, Type: ConfigString, Default: "value",
		Validator: ValidString("key", "value", "header"), Importance: Low,
		Doc: "How this converter will be used. Default value. Mirrors Kafka Connect's converter.type."}
}

// HeaderConverter turns header values to and from bytes (Kafka's HeaderConverter).
type HeaderConverter interface {
	Configure(props map[string]string) error
	FromConnectHeader(topic, key string, schema *Schema, value any) ([]byte, error)
	ToConnectHeader(topic, key string, data []byte) (*Schema, any, error)
}

// Transformation is a single message transform (Kafka's Transformation). Apply may change
// the record in place or return another; it returns nil to drop the record. Apply must not
// change maps, slices or structs it did not create: copy before changing a value.
type Transformation interface {
	Config() *ConfigDef
	Configure(props map[string]string) error
	Apply(r *Record) (*Record, error)
	Close() error
}

// Predicate decides whether a transformation applies to a record (Kafka's Predicate).
type Predicate interface {
	Config() *ConfigDef
	Configure(props map[string]string) error
	Test(r *Record) bool
	Close() error
}
