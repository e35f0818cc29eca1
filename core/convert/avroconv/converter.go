package avroconv

import (
	"errors"
	"fmt"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/avrodata"
	"github.com/connectless/connectless/core/convert/schemaregistry"
	"github.com/hamba/avro/v2"
	"github.com/twmb/franz-go/pkg/sr"
)

// Class is the converter's Java class name.
const Class = "io.confluent.connect.avro.AvroConverter"

// AvroData keys of the converter (Confluent's AvroDataConfig).
const (
	ConnectMetaDataKey       = "connect.meta.data"
	EnhancedSchemaSupportKey = "enhanced.avro.schema.support"
	ScrubInvalidNamesKey     = "scrub.invalid.names"
)

// ErrData is returned (wrapped) for a record the converter cannot convert.
var ErrData = errors.New("AvroConverter")

// Config returns the converter's ConfigDef: the Schema Registry keys and AvroData's.
func Config() *connect.ConfigDef {
	const g = "Avro"
	return schemaregistry.ConfigDef().
		Define(connect.ConfigKey{Name: ConnectMetaDataKey, Type: connect.ConfigBoolean, Default: true, Importance: connect.Low,
			Group: g, OrderInGroup: 0, Width: connect.WidthShort,
			Doc: "Write and read the connect.* properties (Connect schema name, version, doc, parameters, defaults) in Avro schemas. " +
				"Default true. Mirrors Confluent's connect.meta.data."}).
		Define(connect.ConfigKey{Name: EnhancedSchemaSupportKey, Type: connect.ConfigBoolean, Default: false, Importance: connect.Low,
			Group: g, OrderInGroup: 1, Width: connect.WidthShort,
			Doc: "Keep Avro enums as enums when writing, and name union members by full record name. Default false. " +
				"Mirrors Confluent's enhanced.avro.schema.support."}).
		Define(connect.ConfigKey{Name: ScrubInvalidNamesKey, Type: connect.ConfigBoolean, Default: false, Importance: connect.Low,
			Group: g, OrderInGroup: 2, Width: connect.WidthShort,
			Doc: "Replace characters Avro names may not hold in record and field names. Default false. Mirrors Confluent's scrub.invalid.names."})
}

// Converter is the AvroConverter. Safe for concurrent use after Configure.
type Converter struct {
	schemaregistry.Base
	data    avrodata.Config
	api     avro.API
	writers *schemaregistry.Writers[*avrodata.Schema]
	readers *schemaregistry.Readers[int, reader]
	latest  *schemaregistry.Cache[int, avro.Schema]
	compat  *avro.SchemaCompatibility
}

type reader struct {
	as avro.Schema
	cs *connect.Schema
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
	c.data = avrodata.Config{
		ConnectMetaData:       v.Bool(ConnectMetaDataKey),
		EnhancedSchemaSupport: v.Bool(EnhancedSchemaSupportKey),
		ScrubInvalidNames:     v.Bool(ScrubInvalidNamesKey),
	}
	c.api = avro.Config{}.Freeze()
	c.writers = schemaregistry.NewWriters[*avrodata.Schema](s.CacheSize)
	c.readers = schemaregistry.NewReaders[int, reader](s.CacheSize)
	c.latest = schemaregistry.NewCache[int, avro.Schema](s.CacheSize)
	c.compat = avro.NewSchemaCompatibility()
	return nil
}

// recordName is the name RecordNameStrategy uses: the full name of a named schema, else
// the type's name.
func recordName(as avro.Schema) string {
	if u, ok := as.(*avro.UnionSchema); ok {
		for _, t := range u.Types() {
			if t.Type() != avro.Null {
				return recordName(t)
			}
		}
	}
	if n, ok := as.(avro.NamedSchema); ok {
		return n.FullName()
	}
	return string(as.Type())
}

// FromConnect writes value in the wire format; a nil value is a tombstone (nil bytes).
func (c *Converter) FromConnect(topic string, schema *connect.Schema, value any) ([]byte, error) {
	if value == nil {
		return nil, nil
	}
	w, err := c.writers.Get(schema,
		func() (string, error) { return avrodata.SchemaText(c.data, schema) },
		func(text string) (*avrodata.Schema, error) {
			as, err := avrodata.Parse(text)
			if err != nil {
				return nil, err
			}
			return &avrodata.Schema{Text: text, Avro: as}, nil
		})
	if err != nil {
		return nil, fmt.Errorf("%w: topic %s: %w", ErrData, topic, err)
	}
	own := sr.Schema{Schema: w.Text, Type: sr.TypeAvro}
	subject := c.Registry().Subject(topic, recordName(w.Avro))
	writeWith := w.Avro
	id, latest, err := c.Registry().WriterID(subject, own)
	if err != nil {
		return nil, fmt.Errorf("%s: topic %s: %w", Class, topic, err)
	}
	if latest != nil {
		if writeWith, err = c.latestSchema(*latest); err != nil {
			return nil, fmt.Errorf("%w: topic %s: %w", ErrData, topic, err)
		}
		// latest.compatibility.strict, as Confluent's serializer checks it on its side: the
		// latest schema must read what the record's own schema writes.
		if c.Registry().Settings().LatestCompatible {
			if err := c.compat.Compatible(writeWith, w.Avro); err != nil {
				return nil, fmt.Errorf("%w: topic %s: %w: the latest schema of subject %s (id %d) cannot read the record's schema "+
					"(latest.compatibility.strict=true): %w", ErrData, topic, schemaregistry.ErrIncompatible, subject, id, err)
			}
		}
	}
	g, err := avrodata.FromConnectData(schema, w.Avro, value)
	if err != nil {
		return nil, fmt.Errorf("%w: topic %s: %w", ErrData, topic, err)
	}
	out, err := schemaregistry.AppendHeader(make([]byte, 0, 64), id, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrData, err)
	}
	body, err := c.api.Marshal(writeWith, g)
	if err != nil {
		return nil, fmt.Errorf("%w: topic %s: schema id %d: %w", ErrData, topic, id, err)
	}
	return append(out, body...), nil
}

func (c *Converter) latestSchema(ss sr.SubjectSchema) (avro.Schema, error) {
	if as, ok := c.latest.Get(ss.ID); ok {
		return as, nil
	}
	as, err := c.parse(ss.Schema)
	if err != nil {
		return nil, err
	}
	c.latest.Put(ss.ID, as)
	return as, nil
}

// parse parses a registered Avro schema, with the named types of its references.
func (c *Converter) parse(s sr.Schema) (avro.Schema, error) {
	cache := &avro.SchemaCache{}
	if err := c.parseRefs(s.References, cache, 0); err != nil {
		return nil, err
	}
	as, err := avro.ParseWithCache(s.Schema, "", cache)
	if err != nil {
		return nil, fmt.Errorf("parse registered schema: %w", err)
	}
	return as, nil
}

func (c *Converter) parseRefs(refs []sr.SchemaReference, cache *avro.SchemaCache, depth int) error {
	if depth > 32 {
		return errors.New("schema references nest too deep")
	}
	for _, ref := range refs {
		ss, err := c.Registry().SchemaBySubjectVersion(ref.Subject, ref.Version)
		if err != nil {
			return err
		}
		if err := c.parseRefs(ss.References, cache, depth+1); err != nil {
			return err
		}
		if _, err := avro.ParseWithCache(ss.Schema.Schema, "", cache); err != nil {
			return fmt.Errorf("parse referenced schema %s version %d: %w", ref.Subject, ref.Version, err)
		}
	}
	return nil
}

// ToConnect reads a record written in the wire format; nil or empty bytes are a tombstone.
func (c *Converter) ToConnect(topic string, data []byte) (*connect.Schema, any, error) {
	if len(data) == 0 {
		return nil, nil, nil
	}
	id, body, err := schemaregistry.DecodeID(topic, data)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrData, err)
	}
	rd, err := c.readers.Get(c.Registry(), id, id, sr.TypeAvro, func(s sr.Schema) (reader, error) {
		as, err := c.parse(s)
		if err != nil {
			return reader{}, fmt.Errorf("%w: %w", ErrData, err)
		}
		cs, err := avrodata.ToConnectSchema(c.data, as)
		if err != nil {
			return reader{}, fmt.Errorf("%w: %w", ErrData, err)
		}
		return reader{as: as, cs: cs}, nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("%s: topic %s: %w", Class, topic, err)
	}
	v, err := avrodata.Decode(c.api, rd.as, rd.cs, body)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: topic %s: schema id %d: %w", ErrData, topic, id, err)
	}
	return rd.cs, v, nil
}
