package protoconv

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/bufbuild/protocompile"
	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/convert/schemaregistry"
	"github.com/twmb/franz-go/pkg/sr"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"
)

// Class is the converter's Java class name.
const Class = "io.confluent.connect.protobuf.ProtobufConverter"

// mainFile is the name the registered schema text is compiled under.
const mainFile = "schema.proto"

// Config returns the converter's ConfigDef: the Schema Registry keys.
func Config() *connect.ConfigDef { return schemaregistry.ConfigDef() }

// Converter is the ProtobufConverter. Safe for concurrent use after Configure.
type Converter struct {
	schemaregistry.Base
	writers *schemaregistry.Writers[writer]
	readers *schemaregistry.Readers[string, reader]
	latest  *schemaregistry.Cache[int, writer]
}

type writer struct {
	text  string
	md    protoreflect.MessageDescriptor
	index []int
}

type reader struct {
	md protoreflect.MessageDescriptor
	cs *connect.Schema
}

// New returns an unconfigured converter.
func New() *Converter { return &Converter{Base: schemaregistry.NewBase(Class, Config)} }

// Configure reads the converter's keys (without the key.converter./value.converter. prefix).
func (c *Converter) Configure(props map[string]string, isKey bool) error {
	if _, err := c.ConfigureRegistry(props, isKey); err != nil {
		return err
	}
	s := c.Registry().Settings()
	if err := s.RefuseStrictLatest(Class, "Protobuf"); err != nil {
		return err
	}
	c.writers = schemaregistry.NewWriters[writer](s.CacheSize)
	c.readers = schemaregistry.NewReaders[string, reader](s.CacheSize)
	c.latest = schemaregistry.NewCache[int, writer](s.CacheSize)
	return nil
}

// compile compiles schema text with its references (fetched from the registry) and the
// built-in imports.
func (c *Converter) compile(s sr.Schema) (protoreflect.FileDescriptor, error) {
	srcs := map[string]string{mainFile: s.Schema}
	if err := c.fetchRefs(s.References, srcs, 0); err != nil {
		return nil, err
	}
	resolver := protocompile.WithStandardImports(protocompile.ResolverFunc(func(name string) (protocompile.SearchResult, error) {
		src, ok := srcs[name]
		if !ok {
			if src, ok = wellKnown(name); !ok {
				return protocompile.SearchResult{}, fmt.Errorf("import %q is neither a schema reference nor a known file", name)
			}
		}
		return protocompile.SearchResult{Source: io.NopCloser(strings.NewReader(src))}, nil
	}))
	files, err := (&protocompile.Compiler{Resolver: resolver}).Compile(context.Background(), mainFile)
	if err != nil {
		return nil, fmt.Errorf("compile Protobuf schema: %w", err)
	}
	return files[0], nil
}

func (c *Converter) fetchRefs(refs []sr.SchemaReference, srcs map[string]string, depth int) error {
	if depth > 32 {
		return fmt.Errorf("%w: schema references nest too deep", ErrSchema)
	}
	for _, ref := range refs {
		if _, ok := srcs[ref.Name]; ok {
			continue
		}
		ss, err := c.Registry().SchemaBySubjectVersion(ref.Subject, ref.Version)
		if err != nil {
			return err
		}
		srcs[ref.Name] = ss.Schema.Schema
		if err := c.fetchRefs(ss.Schema.References, srcs, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// FromConnect writes value in the wire format; a nil value is a tombstone (nil bytes).
func (c *Converter) FromConnect(topic string, schema *connect.Schema, value any) ([]byte, error) {
	if value == nil {
		return nil, nil
	}
	w, err := c.writers.Get(schema,
		func() (string, error) { return schemaText(schema) },
		func(text string) (writer, error) {
			fd, err := c.compile(sr.Schema{Schema: text})
			if err != nil {
				return writer{}, err
			}
			return writer{text: text, md: fd.Messages().Get(0), index: []int{0}}, nil
		})
	if err != nil {
		return nil, fmt.Errorf("%s: topic %s: %w", Class, topic, err)
	}
	own := sr.Schema{Schema: w.text, Type: sr.TypeProtobuf}
	subject := c.Registry().Subject(topic, string(w.md.FullName()))
	id, latest, err := c.Registry().WriterID(subject, own)
	if err != nil {
		return nil, fmt.Errorf("%s: topic %s: %w", Class, topic, err)
	}
	if latest != nil {
		if w, err = c.latestWriter(*latest, w.md.FullName()); err != nil {
			return nil, fmt.Errorf("%s: topic %s: %w", Class, topic, err)
		}
	}
	msg, err := fromConnect(w.md, schema, value)
	if err != nil {
		return nil, fmt.Errorf("%s: topic %s: %w", Class, topic, err)
	}
	out, err := schemaregistry.AppendHeader(make([]byte, 0, 64), id, w.index)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", Class, err)
	}
	out, err = proto.MarshalOptions{}.MarshalAppend(out, msg)
	if err != nil {
		return nil, fmt.Errorf("%s: topic %s: %w: %w", Class, topic, ErrData, err)
	}
	return out, nil
}

// latestWriter compiles the latest registered schema and finds the top-level message with
// the record's name (else the first).
func (c *Converter) latestWriter(ss sr.SubjectSchema, name protoreflect.FullName) (writer, error) {
	if w, ok := c.latest.Get(ss.ID); ok {
		return w, nil
	}
	fd, err := c.compile(ss.Schema)
	if err != nil {
		return writer{}, err
	}
	w := writer{text: ss.Schema.Schema, md: fd.Messages().Get(0), index: []int{0}}
	for i := 0; i < fd.Messages().Len(); i++ {
		if fd.Messages().Get(i).FullName() == name {
			w.md, w.index = fd.Messages().Get(i), []int{i}
		}
	}
	c.latest.Put(ss.ID, w)
	return w, nil
}

// ToConnect reads a record written in the wire format; nil or empty bytes are a tombstone.
func (c *Converter) ToConnect(topic string, data []byte) (*connect.Schema, any, error) {
	if len(data) == 0 {
		return nil, nil, nil
	}
	id, rest, err := schemaregistry.DecodeID(topic, data)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", Class, err)
	}
	index, body, err := schemaregistry.DecodeIndex(topic, rest)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", Class, err)
	}
	key := strconv.Itoa(id) + fmt.Sprint(index)
	rd, err := c.readers.Get(c.Registry(), key, id, sr.TypeProtobuf, func(s sr.Schema) (reader, error) {
		fd, err := c.compile(s)
		if err != nil {
			return reader{}, err
		}
		md, err := messageAt(fd, index)
		if err != nil {
			return reader{}, err
		}
		cs, err := toConnect(md, map[protoreflect.FullName]bool{})
		return reader{md: md, cs: cs}, err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("%s: topic %s: %w", Class, topic, err)
	}
	msg := dynamicpb.NewMessage(rd.md)
	if err := proto.Unmarshal(body, msg); err != nil {
		return nil, nil, fmt.Errorf("%s: topic %s: schema id %d: %w: %w", Class, topic, id, ErrData, err)
	}
	v, err := toConnectValue(rd.cs, msg)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: topic %s: schema id %d: %w", Class, topic, id, err)
	}
	return rd.cs, v, nil
}

// messageAt follows Confluent's message indexes: the first picks a top-level message, each
// next one a message nested in the previous.
func messageAt(fd protoreflect.FileDescriptor, index []int) (protoreflect.MessageDescriptor, error) {
	if len(index) == 0 {
		index = []int{0}
	}
	msgs := fd.Messages()
	var md protoreflect.MessageDescriptor
	for _, i := range index {
		if i < 0 || i >= msgs.Len() {
			return nil, fmt.Errorf("%w: message index %v not in the schema", ErrData, index)
		}
		md = msgs.Get(i)
		msgs = md.Messages()
	}
	return md, nil
}
