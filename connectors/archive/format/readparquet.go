package format

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/avrodata"
)

// parquetReader reads a Parquet file as ParquetFormat writes it. Parquet needs random
// access, so the body is first copied to a local temporary file (disk, not memory).
type parquetReader struct {
	file   *os.File
	r      *parquet.GenericReader[any]
	row    []any
	schema *connect.Schema
}

func newParquetReader(body io.Reader) (*parquetReader, error) {
	f, err := os.CreateTemp("", "s3source-*.parquet")
	if err != nil {
		return nil, fmt.Errorf("create parquet temp file: %w", err)
	}
	os.Remove(f.Name())
	size, err := io.Copy(f, body)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%w: read parquet object: %w", ErrFormat, err)
	}
	pf, err := parquet.OpenFile(f, size)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%w: parquet: %w", ErrFormat, err)
	}
	s, err := connectSchemaOfParquet(pf.Schema())
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%w: parquet schema: %w", ErrFormat, err)
	}
	if name := pf.Schema().Name(); name != "ConnectDefault" && name != "" {
		s.Name = name
	}
	if text, ok := pf.Lookup(parquetAvroSchemaKey); ok {
		// The Avro schema the file was written from says what the columns were: maps with
		// non-string keys are lists of key/value groups in the file.
		as, err := avrodata.Parse(text)
		if err == nil {
			s, err = avrodata.ToConnectSchema(avrodata.DefaultConfig(), as)
		}
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("%w: parquet avro schema: %w", ErrFormat, err)
		}
	}
	return &parquetReader{file: f, r: parquet.NewGenericReader[any](f, pf.Schema()), row: make([]any, 1), schema: s}, nil
}

// Next returns the next row's value.
func (r *parquetReader) Next() (*connect.Schema, any, error) {
	r.row[0] = nil
	n, err := r.r.Read(r.row)
	if n == 0 {
		if err == nil || err == io.EOF {
			return nil, nil, io.EOF
		}
		return nil, nil, fmt.Errorf("%w: parquet row: %w", ErrFormat, err)
	}
	row, ok := r.row[0].(map[string]any)
	if !ok {
		return nil, nil, fmt.Errorf("%w: parquet row is %T", ErrFormat, r.row[0])
	}
	v, err := fromParquet(row, r.schema)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: parquet row: %w", ErrFormat, err)
	}
	return r.schema, v, nil
}

// Close releases the local copy of the file.
func (r *parquetReader) Close() error {
	r.r.Close()
	return r.file.Close()
}

// connectSchemaOfParquet maps a Parquet node back to the Connect schema parquetNode built it from.
func connectSchemaOfParquet(n parquet.Node) (*connect.Schema, error) {
	s := &connect.Schema{Optional: n.Optional()}
	lt := n.Type().LogicalType()
	var logical format.LogicalTypeValue
	if lt != nil {
		logical = lt.Value
	}
	switch l := logical.(type) {
	case *format.TimestampType:
		s.Type, s.Name = connect.TypeInt64, connect.TimestampName
		return s, nil
	case *format.DateType:
		s.Type, s.Name = connect.TypeInt32, connect.DateName
		return s, nil
	case *format.DecimalType:
		s.Type, s.Name = connect.TypeBytes, connect.DecimalName
		s.Parameters = map[string]string{connect.DecimalScaleParam: strconv.Itoa(int(l.Scale))}
		return s, nil
	case *format.StringType:
		s.Type = connect.TypeString
		return s, nil
	case *format.ListType:
		elem := n.Fields()[0]
		if !elem.Leaf() && len(elem.Fields()) == 1 {
			elem = elem.Fields()[0]
		}
		v, err := connectSchemaOfParquet(elem)
		if err != nil {
			return nil, err
		}
		s.Type, s.Value = connect.TypeArray, v
		return s, nil
	case *format.MapType:
		kv := n.Fields()[0].Fields()
		if len(kv) != 2 {
			return nil, fmt.Errorf("map without key and value")
		}
		k, err := connectSchemaOfParquet(kv[0])
		if err != nil {
			return nil, err
		}
		v, err := connectSchemaOfParquet(kv[1])
		if err != nil {
			return nil, err
		}
		s.Type, s.Key, s.Value = connect.TypeMap, k, v
		return s, nil
	}
	if !n.Leaf() {
		s.Type = connect.TypeStruct
		for i, f := range n.Fields() {
			fs, err := connectSchemaOfParquet(f)
			if err != nil {
				return nil, fmt.Errorf("field %q: %w", f.Name(), err)
			}
			s.Fields = append(s.Fields, connect.Field{Name: f.Name(), Index: i, Schema: fs})
		}
		return s, nil
	}
	switch n.Type().Kind() {
	case parquet.Boolean:
		s.Type = connect.TypeBoolean
	case parquet.Int32:
		s.Type = connect.TypeInt32
	case parquet.Int64:
		s.Type = connect.TypeInt64
	case parquet.Float:
		s.Type = connect.TypeFloat32
	case parquet.Double:
		s.Type = connect.TypeFloat64
	case parquet.ByteArray, parquet.FixedLenByteArray:
		s.Type = connect.TypeBytes
	default:
		return nil, fmt.Errorf("unsupported parquet column type %s", n.Type())
	}
	return s, nil
}

// fromParquet converts a value read by parquet-go into Connect's Go value for s.
func fromParquet(v any, s *connect.Schema) (any, error) {
	if v == nil {
		if !s.Optional {
			return nil, fmt.Errorf("null in a required %s column", s.Type)
		}
		return nil, nil
	}
	bad := func() (any, error) { return nil, fmt.Errorf("value %T does not match %s", v, s.Type) }
	toInt := func() (int64, bool) {
		switch x := v.(type) {
		case int32:
			return int64(x), true
		case int64:
			return x, true
		case int:
			return int64(x), true
		case uint32:
			return int64(x), true
		case uint64:
			return int64(x), true
		}
		return 0, false
	}
	switch s.Name {
	case connect.TimestampName:
		if t, ok := v.(time.Time); ok {
			return t.UTC(), nil
		}
		n, ok := toInt()
		if !ok {
			return bad()
		}
		return time.UnixMilli(n).UTC(), nil
	case connect.DateName:
		if t, ok := v.(time.Time); ok {
			return t.UTC(), nil
		}
		n, ok := toInt()
		if !ok {
			return bad()
		}
		return time.UnixMilli(n * 86400000).UTC(), nil
	case connect.DecimalName:
		b, ok := v.([]byte)
		if !ok {
			return bad()
		}
		scale, _ := connect.DecimalScale(s)
		return connect.DecimalFromBytes(b, scale), nil
	}
	switch s.Type {
	case connect.TypeInt8, connect.TypeInt16, connect.TypeInt32:
		n, ok := toInt()
		if !ok {
			return bad()
		}
		switch s.Type {
		case connect.TypeInt8:
			return int8(n), nil
		case connect.TypeInt16:
			return int16(n), nil
		}
		return int32(n), nil
	case connect.TypeInt64:
		n, ok := toInt()
		if !ok {
			return bad()
		}
		return n, nil
	case connect.TypeString:
		switch x := v.(type) {
		case string:
			return x, nil
		case []byte:
			return string(x), nil
		}
		return bad()
	case connect.TypeBytes:
		switch x := v.(type) {
		case []byte:
			return x, nil
		case string:
			return []byte(x), nil
		}
		return bad()
	case connect.TypeFloat32, connect.TypeFloat64, connect.TypeBoolean:
		return v, nil
	case connect.TypeArray:
		list, ok := v.([]any)
		if !ok {
			return bad()
		}
		out := make([]any, len(list))
		for i, e := range list {
			var err error
			if out[i], err = fromParquet(e, s.Value); err != nil {
				return nil, err
			}
		}
		return out, nil
	case connect.TypeMap:
		if entries, ok := v.([]any); ok {
			// A map with non-string keys: a list of key/value groups.
			out := make(map[any]any, len(entries))
			for _, e := range entries {
				kv, ok := e.(map[string]any)
				if !ok {
					return bad()
				}
				k, err := fromParquet(kv["key"], s.Key)
				if err != nil {
					return nil, err
				}
				ev, err := fromParquet(kv["value"], s.Value)
				if err != nil {
					return nil, err
				}
				out[k] = ev
			}
			return out, nil
		}
		m, ok := v.(map[string]any)
		if !ok {
			return bad()
		}
		out := make(map[any]any, len(m))
		for k, e := range m {
			ev, err := fromParquet(e, s.Value)
			if err != nil {
				return nil, err
			}
			out[k] = ev
		}
		return out, nil
	case connect.TypeStruct:
		m, ok := v.(map[string]any)
		if !ok {
			return bad()
		}
		st := connect.NewStruct(s)
		for _, f := range s.Fields {
			fv, err := fromParquet(m[f.Name], f.Schema)
			if err != nil {
				return nil, fmt.Errorf("field %q: %w", f.Name, err)
			}
			if err := st.Put(f.Name, fv); err != nil {
				return nil, fmt.Errorf("field %q: %w", f.Name, err)
			}
		}
		return st, nil
	}
	return bad()
}
