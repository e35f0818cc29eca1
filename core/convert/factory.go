package convert

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/convert/avroconv"
	"github.com/connectless/connectless/core/convert/jsonschemaconv"
	"github.com/connectless/connectless/core/convert/protoconv"
)

// ErrUnknownConverter is returned for a class name or alias no converter answers to.
var ErrUnknownConverter = errors.New("unknown converter class")

// Plugin kinds, spelled as /connector-plugins?connectorsOnly=false does.
const (
	KindConverter       = "converter"
	KindHeaderConverter = "header_converter"
)

// PluginInfo describes one converter for /connector-plugins.
type PluginInfo struct {
	Class string
	// Type is "converter" or "header_converter".
	Type    string
	Version string
	// Config returns the converter's ConfigDef.
	Config func() *connect.ConfigDef
}

// Version is reported for the built-in converters.
const Version = "3.9.0"

// Plugins lists the built-in converters and header converters, sorted by type then class, as
// /connector-plugins lists them. JsonConverter is both.
func Plugins() []PluginInfo {
	byteArray := func() *connect.ConfigDef { return NewByteArrayConverter().Config() }
	simpleHeader := func() *connect.ConfigDef { return NewSimpleHeaderConverter().Config() }
	return []PluginInfo{
		{Class: ByteArrayConverterClass, Type: KindConverter, Version: Version, Config: byteArray},
		{Class: JSONConverterClass, Type: KindConverter, Version: Version, Config: JSONConfig},
		{Class: StringConverterClass, Type: KindConverter, Version: Version, Config: StringConfig},
		{Class: avroconv.Class, Type: KindConverter, Version: Version, Config: avroconv.Config},
		{Class: protoconv.Class, Type: KindConverter, Version: Version, Config: protoconv.Config},
		{Class: jsonschemaconv.Class, Type: KindConverter, Version: Version, Config: jsonschemaconv.Config},
		{Class: JSONConverterClass, Type: KindHeaderConverter, Version: Version, Config: JSONConfig},
		{Class: SimpleHeaderConverterClass, Type: KindHeaderConverter, Version: Version, Config: simpleHeader},
		{Class: StringConverterClass, Type: KindHeaderConverter, Version: Version, Config: StringConfig},
	}
}

// ResolveClass maps a class name or alias (the simple class name, or it without the
// "Converter" suffix, as Kafka's plugin aliases) to the full class name.
func ResolveClass(name string) (string, error) {
	name = strings.TrimSpace(name)
	for _, p := range Plugins() {
		simple := p.Class[strings.LastIndex(p.Class, ".")+1:]
		pruned := strings.TrimSuffix(simple, "Converter")
		if name == p.Class || name == simple || name == pruned {
			return p.Class, nil
		}
	}
	return "", fmt.Errorf("%w: %q", ErrUnknownConverter, name)
}

// ConfigFor returns the ConfigDef of a converter class (or alias), e.g. for validating
// key.converter.* keys.
func ConfigFor(class string) (*connect.ConfigDef, error) {
	full, err := ResolveClass(class)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(Plugins(), func(p PluginInfo) bool { return p.Class == full })
	return Plugins()[i].Config(), nil
}

// New returns a configured converter for a class name or alias; props are the converter's
// own keys (without the key.converter./value.converter. prefix). converter.type is set from
// isKey, as Kafka's worker does.
func New(class string, props map[string]string, isKey bool) (connect.Converter, error) {
	full, err := ResolveClass(class)
	if err != nil {
		return nil, err
	}
	var c connect.Converter
	switch full {
	case JSONConverterClass:
		c = NewJSONConverter()
	case StringConverterClass:
		c = NewStringConverter()
	case ByteArrayConverterClass:
		c = NewByteArrayConverter()
	case avroconv.Class:
		c = avroconv.New()
	case protoconv.Class:
		c = protoconv.New()
	case jsonschemaconv.Class:
		c = jsonschemaconv.New()
	default:
		return nil, fmt.Errorf("%w: %s is a header converter only", ErrUnknownConverter, full)
	}
	cfg := withType(props, map[bool]string{true: "key", false: "value"}[isKey])
	if err := c.Configure(cfg, isKey); err != nil {
		return nil, err
	}
	return c, nil
}

// NewHeader returns a configured header converter for a class name or alias.
func NewHeader(class string, props map[string]string) (connect.HeaderConverter, error) {
	full, err := ResolveClass(class)
	if err != nil {
		return nil, err
	}
	var h connect.HeaderConverter
	switch full {
	case SimpleHeaderConverterClass:
		h = NewSimpleHeaderConverter()
	case JSONConverterClass:
		h = NewJSONHeaderConverter()
	case StringConverterClass:
		h = &stringHeader{c: NewStringConverter()}
	default:
		return nil, fmt.Errorf("%w: %s is not a header converter", ErrUnknownConverter, full)
	}
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

// ForConnector builds a connector's converters as Kafka's worker does: a converter class set
// in the connector config is configured from the connector's prefixed keys only
// (value.converter.schemas.enable=false); otherwise the worker's class and the worker's
// prefixed keys apply; otherwise JsonConverter (key, value) and SimpleHeaderConverter.
func ForConnector(worker, connector map[string]string) (Set, error) {
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
	if s.Key, err = New(class, props, true); err != nil {
		return Set{}, fmt.Errorf("key.converter: %w", err)
	}
	class, props = pick("value.converter", DefaultValueConverter)
	if s.Value, err = New(class, props, false); err != nil {
		return Set{}, fmt.Errorf("value.converter: %w", err)
	}
	class, props = pick("header.converter", DefaultHeaderConverter)
	if s.Header, err = NewHeader(class, props); err != nil {
		return Set{}, fmt.Errorf("header.converter: %w", err)
	}
	return s, nil
}
