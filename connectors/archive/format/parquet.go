package format

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/parquet-go/parquet-go"
	pqcompress "github.com/parquet-go/parquet-go/compress"

	"github.com/connectless/connectless/core/connect"
)

// parquetFormat is Confluent's ParquetFormat. The spool holds length-prefixed Avro datums;
// finish decodes them one at a time and writes one Parquet file (page size 64 KiB,
// dictionary encoding on, as Confluent's AvroParquetWriter).
type parquetFormat struct {
	codec string
	dir   string // where compressed pages wait for the footer, so memory stays bounded
}

// Extension is the file extension.
func (f parquetFormat) Extension() string {
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
func (f parquetFormat) Encode(schema *connect.Schema, value any) ([]byte, error) {
	if schema == nil || schema.Type != connect.TypeStruct {
		return nil, fmt.Errorf("%w: ParquetFormat needs Struct values, got %T", ErrData, value)
	}
	return avroFrame(schema, value)
}

func (f parquetFormat) codecOf() pqcompress.Codec {
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
func (f parquetFormat) Finish(dst io.Writer, spool io.Reader, schema *connect.Schema, _ int) error {
	node, err := parquetNode(schema)
	if err != nil {
		return err
	}
	name := schema.Name
	if name == "" {
		name = "ConnectDefault"
	}
	ps := parquet.NewSchema(name, node)
	opts := []parquet.WriterOption{ps, parquet.Compression(f.codecOf()), parquet.PageBufferSize(64 << 10)}
	if f.dir != "" {
		opts = append(opts, parquet.ColumnPageBuffers(parquet.NewFileBufferPool(f.dir, "s3sink-pages-*")))
	}
	w := parquet.NewGenericWriter[any](dst, opts...)
	br := bufio.NewReader(spool)
	rows := make([]any, 0, 128)
	flush := func() error {
		if len(rows) == 0 {
			return nil
		}
		_, err := w.Write(rows)
		rows = rows[:0]
		return err
	}
	for {
		buf, err := readFrame(br, nil)
		if err == io.EOF {
			break
		} else if err != nil {
			return err
		}
		v, _, err := avroDecode(buf, schema)
		if err != nil {
			return fmt.Errorf("decode spooled record: %w", err)
		}
		rows = append(rows, v)
		if len(rows) == cap(rows) {
			if err := flush(); err != nil {
				return fmt.Errorf("write parquet rows: %w", err)
			}
		}
	}
	if err := flush(); err != nil {
		return fmt.Errorf("write parquet rows: %w", err)
	}
	return w.Close()
}

// parquetNode maps a Connect schema to a Parquet node (as parquet-avro maps the Avro schema).
func parquetNode(s *connect.Schema) (parquet.Node, error) {
	var n parquet.Node
	switch s.Name {
	case connect.DecimalName:
		scale, _ := strconv.Atoi(s.Parameters[connect.DecimalScaleParam])
		n = parquet.Decimal(scale, 38, parquet.ByteArrayType)
	case connect.DateName:
		n = parquet.Date()
	case connect.TimeName:
		n = parquet.Int(32)
	case connect.TimestampName:
		n = parquet.Timestamp(parquet.Millisecond)
	}
	if n == nil {
		switch s.Type {
		case connect.TypeInt8, connect.TypeInt16, connect.TypeInt32:
			n = parquet.Int(32)
		case connect.TypeInt64:
			n = parquet.Int(64)
		case connect.TypeFloat32:
			n = parquet.Leaf(parquet.FloatType)
		case connect.TypeFloat64:
			n = parquet.Leaf(parquet.DoubleType)
		case connect.TypeBoolean:
			n = parquet.Leaf(parquet.BooleanType)
		case connect.TypeString:
			n = parquet.String()
		case connect.TypeBytes:
			n = parquet.Leaf(parquet.ByteArrayType)
		case connect.TypeArray:
			e, err := parquetNode(s.Value)
			if err != nil {
				return nil, err
			}
			n = parquet.List(e)
		case connect.TypeMap:
			if s.Key == nil || s.Key.Type != connect.TypeString {
				return nil, fmt.Errorf("%w: ParquetFormat supports maps with string keys only", ErrData)
			}
			v, err := parquetNode(s.Value)
			if err != nil {
				return nil, err
			}
			n = parquet.Map(parquet.String(), v)
		case connect.TypeStruct:
			g := orderedGroup{Group: parquet.Group{}}
			for _, f := range s.Fields {
				fn, err := parquetNode(f.Schema)
				if err != nil {
					return nil, fmt.Errorf("field %q: %w", f.Name, err)
				}
				g.Group[f.Name] = fn
				g.order = append(g.order, f.Name)
			}
			n = g
		default:
			return nil, fmt.Errorf("%w: unsupported Connect type %q for Parquet", ErrData, s.Type)
		}
	}
	if s.Optional {
		n = parquet.Optional(n)
	}
	return n, nil
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

// avroDecode reads one value written by avroEncode into the Go shape the Parquet writer
// takes: structs as map[string]any, arrays as []any, maps as map[string]any, Timestamp as
// time.Time, Date as int32 days.
func avroDecode(b []byte, s *connect.Schema) (any, []byte, error) {
	c := &avroCursor{b: b}
	if s.Optional {
		if set, err := c.union(); err != nil || !set {
			return nil, c.b, err
		}
	}
	switch s.Name {
	case connect.DecimalName:
		v, err := c.bytes()
		return v, c.b, err
	case connect.DateName, connect.TimeName:
		v, err := c.long()
		return int32(v), c.b, err
	case connect.TimestampName:
		v, err := c.long()
		return time.UnixMilli(v).UTC(), c.b, err
	}
	switch s.Type {
	case connect.TypeInt8, connect.TypeInt16, connect.TypeInt32:
		v, err := c.long()
		return int32(v), c.b, err
	case connect.TypeArray, connect.TypeMap:
		var list []any
		m := map[string]any{}
		for {
			n, err := c.long()
			if err != nil {
				return nil, nil, err
			}
			if n == 0 {
				break
			}
			for range n {
				var k string
				if s.Type == connect.TypeMap {
					kb, err := c.bytes()
					if err != nil {
						return nil, nil, err
					}
					k = string(kb)
				}
				var v any
				if v, c.b, err = avroDecode(c.b, s.Value); err != nil {
					return nil, nil, err
				}
				if s.Type == connect.TypeMap {
					m[k] = v
				} else {
					list = append(list, v)
				}
			}
		}
		if s.Type == connect.TypeMap {
			return m, c.b, nil
		}
		return list, c.b, nil
	case connect.TypeStruct:
		m := make(map[string]any, len(s.Fields))
		for _, f := range s.Fields {
			var v any
			var err error
			if v, c.b, err = avroDecode(c.b, f.Schema); err != nil {
				return nil, nil, fmt.Errorf("field %q: %w", f.Name, err)
			}
			m[f.Name] = v
		}
		return m, c.b, nil
	}
	if v, ok, err := c.primitive(s.Type); ok {
		return v, c.b, err
	}
	return nil, nil, fmt.Errorf("unsupported type %q", s.Type)
}
