package connect_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/connectless/connectless/core/connect"
)

type nopConverter struct{}

func (nopConverter) Configure(map[string]string, bool) error { return nil }
func (nopConverter) FromConnect(string, *connect.Schema, any) ([]byte, error) {
	return nil, nil
}
func (nopConverter) ToConnect(string, []byte) (*connect.Schema, any, error) { return nil, nil, nil }

type configuredConverter struct{ nopConverter }

func (configuredConverter) Config() *connect.ConfigDef {
	return connect.NewConfigDef().Define(connect.ConfigKey{Name: "k", Type: connect.ConfigString, Importance: connect.Low})
}

type nopHeader struct{}

func (nopHeader) Configure(map[string]string) error { return nil }
func (nopHeader) FromConnectHeader(string, string, *connect.Schema, any) ([]byte, error) {
	return nil, nil
}
func (nopHeader) ToConnectHeader(string, string, []byte) (*connect.Schema, any, error) {
	return nil, nil, nil
}

type nopTransform struct{}

func (nopTransform) Config() *connect.ConfigDef                       { return connect.NewConfigDef() }
func (nopTransform) Configure(map[string]string) error                { return nil }
func (nopTransform) Apply(r *connect.Record) (*connect.Record, error) { return r, nil }
func (nopTransform) Close() error                                     { return nil }

type nopPredicate struct{ nopTransform }

func (nopPredicate) Test(*connect.Record) bool { return true }

var (
	jsonConv = connect.Plugin{Class: "org.apache.kafka.connect.json.JsonConverter", Type: connect.PluginConverter,
		NewConverter: func() connect.Converter { return configuredConverter{} }}
	jsonHeader = connect.Plugin{Class: "org.apache.kafka.connect.json.JsonConverter", Type: connect.PluginHeaderConverter,
		NewHeaderConverter: func() connect.HeaderConverter { return nopHeader{} }}
	simpleHeader = connect.Plugin{Class: "org.apache.kafka.connect.storage.SimpleHeaderConverter", Type: connect.PluginHeaderConverter,
		NewHeaderConverter: func() connect.HeaderConverter { return nopHeader{} }}
	insertField = connect.Plugin{Class: "org.apache.kafka.connect.transforms.InsertField$Value", Type: connect.PluginTransformation,
		NewTransformation: func() connect.Transformation { return nopTransform{} }}
	tombstone = connect.Plugin{Class: "org.apache.kafka.connect.transforms.predicates.RecordIsTombstone", Type: connect.PluginPredicate,
		NewPredicate: func() connect.Predicate { return nopPredicate{} }}
	fileSink = connect.Plugin{Class: "org.apache.kafka.connect.file.FileStreamSinkConnector", Type: connect.PluginSink,
		New: func() connect.Connector { return nil }}
)

func TestRegistryLookupByType(t *testing.T) {
	reg, err := connect.NewRegistry(fileSink, jsonConv, jsonHeader, simpleHeader, insertField, tombstone)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		typ  connect.PluginType
		name string
		want string // class; "" when not found
	}{
		// Kafka's aliases (PluginUtils): the simple class name, and it without the type's suffix.
		{connect.PluginSource, "FileStreamSink", fileSink.Class},
		{connect.PluginSink, "FileStreamSinkConnector", fileSink.Class},
		{connect.PluginConverter, "Json", jsonConv.Class},
		{connect.PluginConverter, " JsonConverter ", jsonConv.Class},
		{connect.PluginHeaderConverter, "JsonConverter", jsonHeader.Class},
		{connect.PluginHeaderConverter, "Simple", simpleHeader.Class},
		{connect.PluginHeaderConverter, "SimpleHeader", simpleHeader.Class},
		{connect.PluginTransformation, "InsertField$Value", insertField.Class},
		{connect.PluginPredicate, "RecordIsTombstone", tombstone.Class},
		// Each type has its own name space.
		{connect.PluginConverter, "SimpleHeaderConverter", ""},
		{connect.PluginTransformation, "RecordIsTombstone", ""},
		{connect.PluginSource, "Json", ""},
		{connect.PluginPredicate, "InsertField$Value", ""},
	} {
		p, err := reg.LookupType(c.typ, c.name)
		if c.want == "" {
			if !errors.Is(err, connect.ErrUnknownPlugin) {
				t.Errorf("LookupType(%s, %q) = %s, %v; want ErrUnknownPlugin", c.typ, c.name, p.Class, err)
			}
			continue
		}
		if err != nil || p.Class != c.want {
			t.Errorf("LookupType(%s, %q) = %s, %v; want %s", c.typ, c.name, p.Class, err, c.want)
		}
	}
	if _, err := reg.LookupType(connect.PluginConverter, "Avro"); err == nil ||
		!strings.Contains(err.Error(), "failed to find any class that implements Converter and which name matches Avro") {
		t.Errorf("unknown converter error = %v", err)
	}
	if p, err := reg.Lookup("FileStreamSink"); err != nil || p.Type != connect.PluginSink {
		t.Errorf("Lookup = %+v, %v", p, err)
	}
	if p, err := reg.Find("RecordIsTombstone"); err != nil || p.Type != connect.PluginPredicate {
		t.Errorf("Find = %+v, %v", p, err)
	}
	if _, err := reg.Find("Nope"); !errors.Is(err, connect.ErrUnknownPlugin) {
		t.Errorf("Find unknown = %v", err)
	}
}

func TestRegistryListing(t *testing.T) {
	reg, err := connect.NewRegistry(tombstone, jsonHeader, fileSink, jsonConv)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range reg.Plugins() {
		got = append(got, string(p.Type)+" "+p.Class)
	}
	want := []string{
		"sink org.apache.kafka.connect.file.FileStreamSinkConnector",
		"converter org.apache.kafka.connect.json.JsonConverter",
		"header_converter org.apache.kafka.connect.json.JsonConverter",
		"predicate org.apache.kafka.connect.transforms.predicates.RecordIsTombstone",
	}
	if !slices.Equal(got, want) {
		t.Errorf("Plugins() = %q, want %q", got, want)
	}
	if c := reg.Connectors(); len(c) != 1 || c[0].Class != fileSink.Class {
		t.Errorf("Connectors() = %+v", c)
	}
	if c := reg.Plugins(connect.PluginHeaderConverter); len(c) != 1 || c[0].Type != connect.PluginHeaderConverter {
		t.Errorf("Plugins(header_converter) = %+v", c)
	}
}

func TestRegistryRefuses(t *testing.T) {
	for _, c := range []struct {
		name    string
		plugins []connect.Plugin
		want    string
	}{
		{"same alias twice in one type", []connect.Plugin{jsonConv, {Class: "com.example.Json", Type: connect.PluginConverter,
			NewConverter: func() connect.Converter { return nopConverter{} }}}, `plugin name "Json" claimed by both`},
		{"no class", []connect.Plugin{{Type: connect.PluginConverter, NewConverter: jsonConv.NewConverter}}, "class is required"},
		{"constructor of another type", []connect.Plugin{{Class: "com.example.X", Type: connect.PluginConverter,
			NewTransformation: insertField.NewTransformation}}, "a constructor for type converter"},
		{"two constructors", []connect.Plugin{{Class: "com.example.X", Type: connect.PluginConverter,
			NewConverter: jsonConv.NewConverter, NewTransformation: insertField.NewTransformation}}, "set only the constructor"},
		{"unknown type", []connect.Plugin{{Class: "com.example.X", Type: "config_provider",
			NewConverter: jsonConv.NewConverter}}, `unknown type "config_provider"`},
	} {
		if _, err := connect.NewRegistry(c.plugins...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", c.name, err, c.want)
		}
	}
}

func TestPluginConfigDef(t *testing.T) {
	if keys := jsonConv.ConfigDef().Keys(); len(keys) != 1 || keys[0].Name != "k" {
		t.Errorf("converter with Config: keys %+v", keys)
	}
	if keys := jsonHeader.ConfigDef().Keys(); len(keys) != 0 {
		t.Errorf("header converter without Config: keys %+v, want none", keys)
	}
}
