package schemaregistry

import (
	"fmt"

	"github.com/connectless/connectless/core/connect"
	"github.com/twmb/franz-go/pkg/sr"
)

// Base is what every Schema Registry converter shares: its Java class name, its ConfigDef
// and, once configured, its registry client. A converter embeds it (made by NewBase) and
// calls ConfigureRegistry from its own Configure.
type Base struct {
	class string
	def   func() *connect.ConfigDef
	reg   *Registry
}

// NewBase returns the Base of the converter with the given Java class name and ConfigDef
// (the Schema Registry keys and the converter's own).
func NewBase(class string, def func() *connect.ConfigDef) Base {
	return Base{class: class, def: def}
}

// ClassName names the converter in dead-letter headers and logs.
func (b *Base) ClassName() string { return b.class }

// Config returns the converter's ConfigDef.
func (b *Base) Config() *connect.ConfigDef { return b.def() }

// Registry returns the converter's registry client (nil before Configure).
func (b *Base) Registry() *Registry { return b.reg }

// ConfigureRegistry parses the converter's props (without the key.converter./value.converter.
// prefix) as Configure does, keeps the registry client and returns the values for the
// converter's own keys.
func (b *Base) ConfigureRegistry(props map[string]string, isKey bool) (connect.Values, error) {
	v, reg, err := Configure(b.class, b.def(), props, isKey)
	if err != nil {
		return v, err
	}
	b.reg = reg
	return v, nil
}

// WriterID returns the id a record whose schema is own is written with under subject. With
// use.latest.version it is the latest registered schema's id, and that schema is returned
// too when its text differs from own's (the record is then written with it); otherwise it
// is own's id (see Registry.ID) and the schema returned is nil.
func (r *Registry) WriterID(subject string, own sr.Schema) (int, *sr.SubjectSchema, error) {
	if !r.settings.UseLatest {
		id, err := r.ID(subject, own)
		return id, nil, err
	}
	ss, err := r.Latest(subject, own)
	if err != nil {
		return 0, nil, err
	}
	if ss.Schema.Schema == own.Schema {
		return ss.ID, nil, nil
	}
	return ss.ID, &ss, nil
}

// RefuseStrictLatest refuses use.latest.version=true with latest.compatibility.strict=true
// for a converter (class, writing format) that cannot check whether the latest schema reads
// the record's: the key would otherwise be ignored.
func (s Settings) RefuseStrictLatest(class, format string) error {
	if s.UseLatest && s.LatestCompatible {
		return fmt.Errorf("%w: %s: %s=true with %s=true: checking that the latest schema can read a record's %s schema "+
			"is not supported; set %s=false to write with the latest schema unchecked", ErrConfig, class,
			LatestCompatStrictKey, UseLatestVersionKey, format, LatestCompatStrictKey)
	}
	return nil
}
