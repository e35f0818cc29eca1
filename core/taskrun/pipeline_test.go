package taskrun

import (
	"bytes"
	"errors"
	"testing"

	"github.com/connectless/connectless/core/config"
	"github.com/connectless/connectless/core/connect"
)

func builtinRegistry(t *testing.T, extra ...connect.Plugin) *connect.Registry {
	t.Helper()
	reg, err := connect.NewRegistry(append(config.BuiltinPlugins(), extra...)...)
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

// upperConverter is a user's converter: it writes string values upper-cased.
type upperConverter struct{ isKey bool }

func (c *upperConverter) Configure(_ map[string]string, isKey bool) error {
	c.isKey = isKey
	return nil
}
func (c *upperConverter) FromConnect(_ string, _ *connect.Schema, v any) ([]byte, error) {
	s, _ := v.(string)
	return bytes.ToUpper([]byte(s)), nil
}
func (c *upperConverter) ToConnect(_ string, b []byte) (*connect.Schema, any, error) {
	return connect.StringSchema(), string(b), nil
}

// suffixTopic is a user's transformation: it appends its "suffix" option to the topic.
type suffixTopic struct{ suffix string }

func (s *suffixTopic) Config() *connect.ConfigDef {
	return connect.NewConfigDef().Define(connect.ConfigKey{Name: "suffix", Type: connect.ConfigString, Required: true,
		Importance: connect.High, Doc: "Appended to the topic."})
}
func (s *suffixTopic) Configure(props map[string]string) error {
	v, err := s.Config().Parse(props)
	if err != nil {
		return err
	}
	s.suffix = v.String("suffix")
	return nil
}
func (s *suffixTopic) Apply(r *connect.Record) (*connect.Record, error) {
	out := *r
	out.Topic += s.suffix
	return &out, nil
}
func (s *suffixTopic) Close() error { return nil }

// A converter and a transformation added to the registry like a connector are what the
// pipeline builds, by class name or alias; without them in the registry the same
// configuration is refused.
func TestDefaultPipelineUserPlugins(t *testing.T) {
	upper := connect.Plugin{Class: "com.example.UpperConverter", Type: connect.PluginConverter, Version: "1",
		NewConverter: func() connect.Converter { return &upperConverter{} }}
	suffix := connect.Plugin{Class: "com.example.SuffixTopic", Type: connect.PluginTransformation, Version: "1",
		NewTransformation: func() connect.Transformation { return &suffixTopic{} }}
	cfg := map[string]string{"value.converter": "Upper", "transforms": "s",
		"transforms.s.type": "com.example.SuffixTopic", "transforms.s.suffix": "-x"}

	p, err := DefaultPipeline(builtinRegistry(t, upper, suffix), nil)(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if p.Converters.ValueClass != "com.example.UpperConverter" {
		t.Errorf("value converter class = %q", p.Converters.ValueClass)
	}
	if b, err := p.Converters.Value.FromConnect("t", nil, "abc"); err != nil || string(b) != "ABC" {
		t.Errorf("user converter: %q, %v", b, err)
	}
	if out, err := p.Transform.Apply(&connect.Record{Topic: "logs"}); err != nil || out.Topic != "logs-x" {
		t.Errorf("user transformation: %+v, %v", out, err)
	}

	_, err = DefaultPipeline(builtinRegistry(t), nil)(cfg)
	if !errors.Is(err, connect.ErrUnknownPlugin) {
		t.Errorf("converter missing from the registry: %v, want ErrUnknownPlugin", err)
	}
}
