package format

import (
	"fmt"
	"io"
	"math/big"
	"time"

	"github.com/hamba/avro/v2"
	"github.com/parquet-go/parquet-go"
	pqcompress "github.com/parquet-go/parquet-go/compress"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/avrodata"
)

// parquetAvroSchemaKey is the footer key under which parquet-avro (Confluent's
// AvroParquetWriter) keeps the Avro schema of the file; readers map it back to Connect.
const parquetAvroSchemaKey = "parquet.avro.schema"

// parquetFormat is Confluent's ParquetFormat. The spool holds length-prefixed Avro datums;
// Finish decodes them one at a time with hamba/avro and writes one Parquet file whose columns
// follow the Avro schema as parquet-avro maps it (page size 64 KiB, dictionary encoding on, as
// Confluent's AvroParquetWriter).
type parquetFormat struct {
	codec  string
	dir    string // where compressed pages wait for the footer, so memory stays bounded
	codecs *avroCodecs
}

// Extension is the file extension.
func (f *parquetFormat) Extension() string {
	switch f.codec {
	case "none":
		return ".parquet"
	case "gzip":
		return ".gz.parquet"
	case "brotli":
		return ".br.parquet"
	case "lz4_raw":
		return ".lz4raw.parquet"
	}
	return "." + f.codec + ".parquet"
}

// Encode returns the record as a length-prefixed Avro datum.
func (f *parquetFormat) Encode(schema *connect.Schema, value any) ([]byte, error) {
	if schema == nil || schema.Type != connect.TypeStruct {
		return nil, fmt.Errorf("%w: ParquetFormat needs Struct values, got %T", ErrData, value)
	}
	return avroFrame(f.codecs, schema, value)
}

func (f *parquetFormat) codecOf() pqcompress.Codec {
	switch f.codec {
	case "none":
		return &parquet.Uncompressed
	case "gzip":
		return &parquet.Gzip
	case "zstd":
		return &parquet.Zstd
	case "brotli":
		return &parquet.Brotli
	case "lz4_raw":
		return &parquet.Lz4Raw
	}
	return &parquet.Snappy
}

// Finish writes the file from the spooled datums.
func (f *parquetFormat) Finish(dst io.Writer, spool io.Reader, schema *connect.Schema, _ int) error {
	ac, err := f.codecs.of(schema)
	if err != nil {
		return err
	}
	node, err := parquetNode(ac.schema)
	if err != nil {
		return err
	}
	name := schema.Name
	if name == "" {
		name = "ConnectDefault"
	}
	ps := parquet.NewSchema(name, node)
	opts := []parquet.WriterOption{ps, parquet.Compression(f.codecOf()), parquet.PageBufferSize(64 << 10),
		parquet.KeyValueMetadata(parquetAvroSchemaKey, string(ac.text))}
	if f.dir != "" {
		opts = append(opts, parquet.ColumnPageBuffers(parquet.NewFileBufferPool(f.dir, "s3sink-pages-*")))
	}
	w := parquet.NewGenericWriter[any](dst, opts...)
	r := avro.NewReader(nil, 0, avro.WithReaderConfig(avroAPI))
	rows := make([]any, 0, 128)
	flush := func() error {
		if len(rows) == 0 {
			return nil
		}
		_, err := w.Write(rows)
		rows = rows[:0]
		return err
	}
	err = eachFrame(spool, func(datum []byte) error {
		r.Reset(datum)
		g := r.ReadNext(ac.schema)
		if r.Error != nil {
			return fmt.Errorf("decode spooled record: %w", r.Error)
		}
		row, err := parquetValue(ac.schema, g)
		if err != nil {
			return fmt.Errorf("decode spooled record: %w", err)
		}
		rows = append(rows, row)
		if len(rows) == cap(rows) {
			if err := flush(); err != nil {
				return fmt.Errorf("write parquet rows: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := flush(); err != nil {
		return fmt.Errorf("write parquet rows: %w", err)
	}
	return w.Close()
}

// parquetNode maps an Avro schema to a Parquet node, as parquet-avro does: records are
// groups with the fields in order, unions with null are optional, arrays are lists (an array
// of key/value records, a map with non-string keys, a list of key/value groups), maps are
// maps with string keys.
func parquetNode(as avro.Schema) (parquet.Node, error) {
	as = avrodata.Deref(as)
	if u, ok := as.(*avro.UnionSchema); ok {
		if !u.Nullable() || len(u.Types()) != 2 {
			return nil, fmt.Errorf("%w: ParquetFormat supports unions with null only", ErrData)
		}
		m, _ := unwrapUnion(u, nil)
		n, err := parquetNode(m)
		if err != nil {
			return nil, err
		}
		return parquet.Optional(n), nil
	}
	if l, ok := as.(avro.LogicalTypeSchema); ok && l.Logical() != nil {
		switch lt := l.Logical().(type) {
		case *avro.DecimalLogicalSchema:
			return parquet.Decimal(lt.Scale(), 38, parquet.ByteArrayType), nil
		}
		switch l.Logical().Type() {
		case avro.Date:
			return parquet.Date(), nil
		case avro.TimeMillis:
			return parquet.Int(32), nil
		case avro.TimestampMillis:
			return parquet.Timestamp(parquet.Millisecond), nil
		}
	}
	switch s := as.(type) {
	case *avro.RecordSchema:
		g := orderedGroup{Group: parquet.Group{}}
		for _, f := range s.Fields() {
			fn, err := parquetNode(f.Type())
			if err != nil {
				return nil, fmt.Errorf("field %q: %w", f.Name(), err)
			}
			g.Group[f.Name()] = fn
			g.order = append(g.order, f.Name())
		}
		return g, nil
	case *avro.ArraySchema:
		e, err := parquetNode(s.Items())
		if err != nil {
			return nil, err
		}
		return parquet.List(e), nil
	case *avro.MapSchema:
		v, err := parquetNode(s.Values())
		if err != nil {
			return nil, err
		}
		return parquet.Map(parquet.String(), v), nil
	}
	switch as.Type() {
	case avro.Int:
		return parquet.Int(32), nil
	case avro.Long:
		return parquet.Int(64), nil
	case avro.Float:
		return parquet.Leaf(parquet.FloatType), nil
	case avro.Double:
		return parquet.Leaf(parquet.DoubleType), nil
	case avro.Boolean:
		return parquet.Leaf(parquet.BooleanType), nil
	case avro.String:
		return parquet.String(), nil
	case avro.Bytes:
		return parquet.Leaf(parquet.ByteArrayType), nil
	}
	return nil, fmt.Errorf("%w: unsupported Avro type %s for Parquet", ErrData, as.Type())
}

// orderedGroup is a Parquet group whose columns keep the struct's field order, as
// parquet-avro writes them (parquet.Group sorts them by name).
type orderedGroup struct {
	parquet.Group
	order []string
}

// Fields returns the group's fields in struct order.
func (g orderedGroup) Fields() []parquet.Field {
	byName := map[string]parquet.Field{}
	for _, f := range g.Group.Fields() {
		byName[f.Name()] = f
	}
	out := make([]parquet.Field, len(g.order))
	for i, name := range g.order {
		out[i] = byName[name]
	}
	return out
}

// String renders the group with its fields in order.
func (g orderedGroup) String() string { return parquet.NewSchema("", g).String() }

// parquetValue converts a value hamba/avro decoded with as to the Go shape the Parquet writer
// takes for parquetNode(as): records and maps as map[string]any, arrays as []any, optional
// values unwrapped, Date as int32 days, Time as int32 milliseconds, Timestamp as time.Time,
// Decimal as its unscaled two's complement bytes.
func parquetValue(as avro.Schema, g any) (any, error) {
	as = avrodata.Deref(as)
	if u, ok := as.(*avro.UnionSchema); ok {
		if g == nil {
			return nil, nil
		}
		var m avro.Schema
		m, g = unwrapUnion(u, g)
		return parquetValue(m, g)
	}
	bad := func() (any, error) { return nil, fmt.Errorf("%T is not a value of Avro %s", g, as.Type()) }
	if l, ok := as.(avro.LogicalTypeSchema); ok && l.Logical() != nil {
		switch lt := l.Logical().(type) {
		case *avro.DecimalLogicalSchema:
			r, ok := g.(*big.Rat)
			if !ok {
				return bad()
			}
			d, ok := connect.DecimalFromRat(r, int32(lt.Scale()))
			if !ok {
				return nil, fmt.Errorf("decimal %s does not have scale %d", r, lt.Scale())
			}
			return d.Bytes(), nil
		}
		switch l.Logical().Type() {
		case avro.Date:
			t, ok := g.(time.Time)
			if !ok {
				return bad()
			}
			return int32(t.Unix() / 86400), nil
		case avro.TimeMillis:
			d, ok := g.(time.Duration)
			if !ok {
				return bad()
			}
			return int32(d.Milliseconds()), nil
		case avro.TimestampMillis:
			t, ok := g.(time.Time)
			if !ok {
				return bad()
			}
			return t.UTC(), nil
		}
	}
	switch s := as.(type) {
	case *avro.RecordSchema:
		m, ok := g.(map[string]any)
		if !ok {
			return bad()
		}
		for _, f := range s.Fields() {
			v, err := parquetValue(f.Type(), m[f.Name()])
			if err != nil {
				return nil, fmt.Errorf("field %q: %w", f.Name(), err)
			}
			m[f.Name()] = v
		}
		return m, nil
	case *avro.ArraySchema:
		arr, ok := g.([]any)
		if !ok {
			return bad()
		}
		for i, e := range arr {
			v, err := parquetValue(s.Items(), e)
			if err != nil {
				return nil, err
			}
			arr[i] = v
		}
		return arr, nil
	case *avro.MapSchema:
		m, ok := g.(map[string]any)
		if !ok {
			return bad()
		}
		for k, e := range m {
			v, err := parquetValue(s.Values(), e)
			if err != nil {
				return nil, err
			}
			m[k] = v
		}
		return m, nil
	}
	switch as.Type() {
	case avro.Int:
		n, ok := g.(int)
		if !ok {
			return bad()
		}
		return int32(n), nil
	}
	return g, nil
}
