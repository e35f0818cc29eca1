package convert

import (
	"fmt"
	"strings"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/convert/avroconv"
	"github.com/connectless/connectless/core/convert/jsonschemaconv"
	"github.com/connectless/connectless/core/convert/protoconv"
)

// Version is reported for the built-in converters.
const Version = "3.9.0"

// Plugins returns the built-in converters and header converters as registry entries.
// JsonConverter and StringConverter are both, as in Kafka.
func Plugins() []connect.Plugin {
	conv := func(class string, mk func() connect.Converter) connect.Plugin {
		return connect.Plugin{Class: class, Type: connect.PluginConverter, Version: Version, NewConverter: mk}
	}
	header := func(class string, mk func() connect.HeaderConverter) connect.Plugin {
		return connect.Plugin{Class: class, Type: connect.PluginHeaderConverter, Version: Version, NewHeaderConverter: mk}
	}
	return []connect.Plugin{
		conv(ByteArrayConverterClass, func() connect.Converter { return NewByteArrayConverter() }),
		conv(JSONConverterClass, func() connect.Converter { return NewJSONConverter() }),
		conv(StringConverterClass, func() connect.Converter { return NewStringConverter() }),
		conv(avroconv.Class, func() connect.Converter { return avroconv.New() }),
		conv(protoconv.Class, func() connect.Converter { return protoconv.New() }),
		conv(jsonschemaconv.Class, func() connect.Converter { return jsonschemaconv.New() }),
		header(JSONConverterClass, func() connect.HeaderConverter { return NewJSONHeaderConverter() }),
		header(SimpleHeaderConverterClass, func() connect.HeaderConverter { return NewSimpleHeaderConverter() }),
		header(StringConverterClass, func() connect.HeaderConverter { return &stringHeader{c: NewStringConverter()} }),
	}
}

// Builtin returns a registry of the built-in converters and header converters only, for
// code that converts without a worker (tests, the demo producer).
func Builtin() *connect.Registry {
	reg, err := connect.NewRegistry(Plugins()...)
	if err != nil {
		panic(fmt.Sprintf("built-in converters: %v", err)) // a name clash in the list above
	}
	return reg
}

// New returns a configured built-in converter for a class name or alias; see NewFrom.
func New(class string, props map[string]string, isKey bool) (connect.Converter, error) {
	return NewFrom(Builtin(), class, props, isKey)
}

// NewFrom returns a configured converter of the registry for a class name or alias (the
// simple class name, or it without the "Converter" suffix, as Kafka's plugin aliases); props
// are the converter's own keys (without the key.converter./value.converter. prefix).
// converter.type is set from isKey, as Kafka's worker does. An unknown class wraps
// connect.ErrUnknownPlugin.
func NewFrom(reg *connect.Registry, class string, props map[string]string, isKey bool) (connect.Converter, error) {
	p, err := reg.LookupType(connect.PluginConverter, class)
	if err != nil {
		return nil, err
	}
	c := p.NewConverter()
	cfg := withType(props, map[bool]string{true: "key", false: "value"}[isKey])
	if err := c.Configure(cfg, isKey); err != nil {
		return nil, err
	}
	return c, nil
}

// NewHeader returns a configured built-in header converter for a class name or alias; see
// NewHeaderFrom.
func NewHeader(class string, props map[string]string) (connect.HeaderConverter, error) {
	return NewHeaderFrom(Builtin(), class, props)
}

// NewHeaderFrom returns a configured header converter of the registry for a class name or
// alias. An unknown class wraps connect.ErrUnknownPlugin.
func NewHeaderFrom(reg *connect.Registry, class string, props map[string]string) (connect.HeaderConverter, error) {
	p, err := reg.LookupType(connect.PluginHeaderConverter, class)
	if err != nil {
		return nil, err
	}
	h := p.NewHeaderConverter()
	if err := h.Configure(withType(props, "header")); err != nil {
		return nil, err
	}
	return h, nil
}

func withType(props map[string]string, t string) map[string]string {
	out := make(map[string]string, len(props)+1)
	for k, v := range props {
		out[k] = v
	}
	out[ConverterType] = t
	return out
}

// stringHeader is StringConverter used as a header converter.
type stringHeader struct{ c *StringConverter }

func (s *stringHeader) Config() *connect.ConfigDef              { return StringConfig() }
func (s *stringHeader) Configure(props map[string]string) error { return s.c.Configure(props, false) }
func (s *stringHeader) FromConnectHeader(topic, _ string, schema *connect.Schema, v any) ([]byte, error) {
	return s.c.FromConnect(topic, schema, v)
}
func (s *stringHeader) ToConnectHeader(topic, _ string, data []byte) (*connect.Schema, any, error) {
	return s.c.ToConnect(topic, data)
}

// Prefixed returns the keys of props that start with prefix+".", without it:
// Prefixed(p, "key.converter") turns key.converter.schemas.enable into schemas.enable.
func Prefixed(props map[string]string, prefix string) map[string]string {
	out := map[string]string{}
	for k, v := range props {
		if s, ok := strings.CutPrefix(k, prefix+"."); ok {
			out[s] = v
		}
	}
	return out
}

// Default worker-level converter classes, used when neither the worker nor the connector
// names one.
const (
	DefaultKeyConverter    = JSONConverterClass
	DefaultValueConverter  = JSONConverterClass
	DefaultHeaderConverter = SimpleHeaderConverterClass
)

// Set is the converters of one connector.
type Set struct {
	Key    connect.Converter
	Value  connect.Converter
	Header connect.HeaderConverter
}

// ForConnector builds a connector's converters from the registry as Kafka's worker does: a
// converter class set in the connector config is configured from the connector's prefixed
// keys only (value.converter.schemas.enable=false); otherwise the worker's class and the
// worker's prefixed keys apply; otherwise JsonConverter (key, value) and
// SimpleHeaderConverter.
func ForConnector(reg *connect.Registry, worker, connector map[string]string) (Set, error) {
	pick := func(key, def string) (string, map[string]string) {
		if c, ok := connector[key]; ok && strings.TrimSpace(c) != "" {
			return c, Prefixed(connector, key)
		}
		if c, ok := worker[key]; ok && strings.TrimSpace(c) != "" {
			return c, Prefixed(worker, key)
		}
		return def, Prefixed(worker, key)
	}
	var s Set
	var err error
	class, props := pick("key.converter", DefaultKeyConverter)
	if s.Key, err = NewFrom(reg, class, props, true); err != nil {
		return Set{}, fmt.Errorf("key.converter: %w", err)
	}
	class, props = pick("value.converter", DefaultValueConverter)
	if s.Value, err = NewFrom(reg, class, props, false); err != nil {
		return Set{}, fmt.Errorf("value.converter: %w", err)
	}
	class, props = pick("header.converter", DefaultHeaderConverter)
	if s.Header, err = NewHeaderFrom(reg, class, props); err != nil {
		return Set{}, fmt.Errorf("header.converter: %w", err)
	}
	return s, nil
}
