package jsonschemaconv

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/jsontree"
	"github.com/connectless/connectless/core/convert/schemaregistry"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/twmb/franz-go/pkg/sr"
)

// Class is the converter's Java class name.
const Class = "io.confluent.connect.json.JsonSchemaConverter"

// FailInvalidSchemaKey turns validation of every value against its schema on.
const FailInvalidSchemaKey = "json.fail.invalid.schema"

// Config returns the converter's ConfigDef: the Schema Registry keys and
// json.fail.invalid.schema.
func Config() *connect.ConfigDef {
	return schemaregistry.ConfigDef().
		Define(connect.ConfigKey{Name: FailInvalidSchemaKey, Type: connect.ConfigBoolean, Default: false, Importance: connect.Medium,
			Group: "JSON Schema", OrderInGroup: 0, Width: connect.WidthShort,
			Doc: "Validate every value written and read against its JSON Schema and fail the record when it does not match. " +
				"Default false. Mirrors Confluent's json.fail.invalid.schema."})
}

// Converter is the JsonSchemaConverter. Safe for concurrent use after Configure.
type Converter struct {
	schemaregistry.Base
	validate bool
	writers  *schemaregistry.Writers[schemaInfo]
	readers  *schemaregistry.Readers[int, schemaInfo]
}

type schemaInfo struct {
	text      string
	cs        *connect.Schema
	validator *jsonschema.Schema // nil unless json.fail.invalid.schema
}

// New returns an unconfigured converter.
func New() *Converter { return &Converter{Base: schemaregistry.NewBase(Class, Config)} }

// Configure reads the converter's keys (without the key.converter./value.converter. prefix).
func (c *Converter) Configure(props map[string]string, isKey bool) error {
	v, err := c.ConfigureRegistry(props, isKey)
	if err != nil {
		return err
	}
	s := c.Registry().Settings()
	if err := s.RefuseStrictLatest(Class, "JSON Schema"); err != nil {
		return err
	}
	c.validate = v.Bool(FailInvalidSchemaKey)
	c.writers = schemaregistry.NewWriters[schemaInfo](s.CacheSize)
	c.readers = schemaregistry.NewReaders[int, schemaInfo](s.CacheSize)
	return nil
}

func (c *Converter) validator(text string) (*jsonschema.Schema, error) {
	if !c.validate {
		return nil, nil
	}
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(text))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrSchema, err)
	}
	comp := jsonschema.NewCompiler()
	if err := comp.AddResource("schema.json", doc); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrSchema, err)
	}
	sch, err := comp.Compile("schema.json")
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrSchema, err)
	}
	return sch, nil
}

func check(v *jsonschema.Schema, body []byte) error {
	if v == nil {
		return nil
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("%w: %w", ErrData, err)
	}
	if err := v.Validate(inst); err != nil {
		return fmt.Errorf("%w: the value does not match its JSON Schema (json.fail.invalid.schema=true): %w", ErrData, err)
	}
	return nil
}

// FromConnect writes value in the wire format; a nil value is a tombstone (nil bytes).
func (c *Converter) FromConnect(topic string, schema *connect.Schema, value any) ([]byte, error) {
	if value == nil {
		return nil, nil
	}
	w, err := c.writers.Get(schema,
		func() (string, error) {
			j, err := fromConnect(schema, -1)
			if err != nil {
				return "", err
			}
			text, err := json.Marshal(j)
			if err != nil {
				return "", fmt.Errorf("%w: %w", ErrSchema, err)
			}
			return string(text), nil
		},
		func(text string) (schemaInfo, error) {
			v, err := c.validator(text)
			return schemaInfo{text: text, cs: schema, validator: v}, err
		})
	if err != nil {
		return nil, fmt.Errorf("%s: topic %s: %w", Class, topic, err)
	}
	own := sr.Schema{Schema: w.text, Type: sr.TypeJSON}
	name := schema.Name
	if name == "" {
		name = "object"
	}
	subject := c.Registry().Subject(topic, name)
	id, latest, err := c.Registry().WriterID(subject, own)
	if err != nil {
		return nil, fmt.Errorf("%s: topic %s: %w", Class, topic, err)
	}
	if latest != nil && c.validate {
		if w.validator, err = c.validator(latest.Schema.Schema); err != nil {
			return nil, fmt.Errorf("%s: topic %s: %w", Class, topic, err)
		}
	}
	j, err := toJSON(schema, value)
	if err != nil {
		return nil, fmt.Errorf("%s: topic %s: %w", Class, topic, err)
	}
	body, err := json.Marshal(j)
	if err != nil {
		return nil, fmt.Errorf("%s: topic %s: %w: %w", Class, topic, ErrData, err)
	}
	if err := check(w.validator, body); err != nil {
		return nil, fmt.Errorf("%s: topic %s: %w", Class, topic, err)
	}
	out, err := schemaregistry.AppendHeader(make([]byte, 0, len(body)+5), id, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", Class, err)
	}
	return append(out, body...), nil
}

// maxSchemaDepth bounds how deep a registered schema's JSON may nest.
const maxSchemaDepth = 512

// ToConnect reads a record written in the wire format; nil or empty bytes are a tombstone.
func (c *Converter) ToConnect(topic string, data []byte) (*connect.Schema, any, error) {
	if len(data) == 0 {
		return nil, nil, nil
	}
	id, body, err := schemaregistry.DecodeID(topic, data)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", Class, err)
	}
	rd, err := c.readers.Get(c.Registry(), id, id, sr.TypeJSON, func(s sr.Schema) (schemaInfo, error) {
		n, err := jsontree.Parse([]byte(s.Schema), maxSchemaDepth)
		if err != nil {
			return schemaInfo{}, fmt.Errorf("%w: parse JSON schema: %w", ErrSchema, err)
		}
		cs, err := toConnect(&n, 0)
		if err != nil {
			return schemaInfo{}, err
		}
		rd := schemaInfo{text: s.Schema, cs: cs}
		rd.validator, err = c.validator(s.Schema)
		return rd, err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("%s: topic %s: %w", Class, topic, err)
	}
	if err := check(rd.validator, body); err != nil {
		return nil, nil, fmt.Errorf("%s: topic %s: schema id %d: %w", Class, topic, id, err)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var j any
	if err := dec.Decode(&j); err != nil {
		return nil, nil, fmt.Errorf("%s: topic %s: schema id %d: %w: %w", Class, topic, id, ErrData, err)
	}
	v, err := fromJSON(rd.cs, j)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: topic %s: schema id %d: %w", Class, topic, id, err)
	}
	return rd.cs, v, nil
}
