package format

import (
	"bufio"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/klauspost/compress/snappy"

	"github.com/connectless/connectless/core/connect"
)

// avroReader reads an Avro object container file as AvroFormat writes it, turning records
// back into Connect values (the inverse of AvroData.fromConnectSchema for its output).
type avroReader struct {
	br     *bufio.Reader
	codec  string
	sync   [16]byte
	schema *connect.Schema
	block  []byte // undecoded rest of the current block
	left   int64  // records left in the current block
}

func newAvroReader(body io.Reader) (*avroReader, error) {
	r := &avroReader{br: bufio.NewReaderSize(body, 64<<10)}
	var magic [4]byte
	if _, err := io.ReadFull(r.br, magic[:]); err != nil || string(magic[:]) != "Obj\x01" {
		return nil, fmt.Errorf("%w: not an Avro object container file", ErrFormat)
	}
	meta := map[string][]byte{}
	for {
		n, err := binary.ReadVarint(r.br)
		if err != nil {
			return nil, fmt.Errorf("%w: avro header: %w", ErrFormat, err)
		}
		if n == 0 {
			break
		}
		if n < 0 {
			n = -n
			if _, err := binary.ReadVarint(r.br); err != nil {
				return nil, fmt.Errorf("%w: avro header: %w", ErrFormat, err)
			}
		}
		for range n {
			k, err := r.readBytes()
			if err != nil {
				return nil, err
			}
			v, err := r.readBytes()
			if err != nil {
				return nil, err
			}
			meta[string(k)] = v
		}
	}
	if _, err := io.ReadFull(r.br, r.sync[:]); err != nil {
		return nil, fmt.Errorf("%w: avro header: %w", ErrFormat, err)
	}
	r.codec = string(meta["avro.codec"])
	switch r.codec {
	case "", "null", "deflate", "snappy":
	default:
		return nil, fmt.Errorf("%w: unsupported avro codec %q", ErrFormat, r.codec)
	}
	var sj any
	if err := json.Unmarshal(meta["avro.schema"], &sj); err != nil {
		return nil, fmt.Errorf("%w: avro schema: %w", ErrFormat, err)
	}
	s, err := connectSchemaOf(sj, map[string]*connect.Schema{})
	if err != nil {
		return nil, fmt.Errorf("%w: avro schema: %w", ErrFormat, err)
	}
	r.schema = s
	return r, nil
}

func (r *avroReader) readBytes() ([]byte, error) {
	l, err := binary.ReadVarint(r.br)
	if err != nil || l < 0 || l > 1<<30 {
		return nil, fmt.Errorf("%w: avro: bad length", ErrFormat)
	}
	b := make([]byte, l)
	if _, err := io.ReadFull(r.br, b); err != nil {
		return nil, fmt.Errorf("%w: avro: %w", ErrFormat, err)
	}
	return b, nil
}

func (r *avroReader) Next() (*connect.Schema, any, error) {
	for r.left == 0 {
		count, err := binary.ReadVarint(r.br)
		if err == io.EOF {
			return nil, nil, io.EOF
		}
		if err != nil || count < 0 {
			return nil, nil, fmt.Errorf("%w: avro block header", ErrFormat)
		}
		data, err := r.readBytes()
		if err != nil {
			return nil, nil, err
		}
		var sync [16]byte
		if _, err := io.ReadFull(r.br, sync[:]); err != nil || sync != r.sync {
			return nil, nil, fmt.Errorf("%w: avro block sync marker mismatch", ErrFormat)
		}
		if r.block, err = r.decompress(data); err != nil {
			return nil, nil, err
		}
		r.left = count
	}
	v, rest, err := avroRead(r.block, r.schema)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: avro record: %w", ErrFormat, err)
	}
	r.block = rest
	r.left--
	return r.schema, v, nil
}

func (r *avroReader) decompress(b []byte) ([]byte, error) {
	switch r.codec {
	case "deflate":
		out, err := io.ReadAll(flate.NewReader(bytes.NewReader(b)))
		if err != nil {
			return nil, fmt.Errorf("%w: avro deflate block: %w", ErrFormat, err)
		}
		return out, nil
	case "snappy":
		if len(b) < 4 {
			return nil, fmt.Errorf("%w: avro snappy block too short", ErrFormat)
		}
		out, err := snappy.Decode(nil, b[:len(b)-4])
		if err != nil || crc32.ChecksumIEEE(out) != binary.BigEndian.Uint32(b[len(b)-4:]) {
			return nil, fmt.Errorf("%w: avro snappy block corrupt", ErrFormat)
		}
		return out, nil
	}
	return b, nil
}

func (r *avroReader) Close() error { return nil }

// connectSchemaOf converts an Avro schema (as AvroFormat writes it) to a Connect schema.
func connectSchemaOf(sj any, named map[string]*connect.Schema) (*connect.Schema, error) {
	switch x := sj.(type) {
	case string:
		if s, ok := named[x]; ok {
			return s, nil
		}
		return connectSchemaOf(map[string]any{"type": x}, named)
	case []any:
		var inner any
		nulls := 0
		for _, b := range x {
			if b == "null" {
				nulls++
			} else {
				inner = b
			}
		}
		if nulls != 1 || len(x) != 2 {
			return nil, fmt.Errorf("unsupported union %v", x)
		}
		s, err := connectSchemaOf(inner, named)
		if err != nil {
			return nil, err
		}
		c := *s
		c.Optional = true
		return &c, nil
	case map[string]any:
		t, _ := x["type"].(string)
		if t == "" {
			return connectSchemaOf(x["type"], named)
		}
		s := &connect.Schema{}
		if n, ok := x["connect.name"].(string); ok {
			s.Name = n
		}
		if v, ok := x["connect.version"].(float64); ok {
			s.Version = int(v)
		}
		if d, ok := x["connect.doc"].(string); ok {
			s.Doc = d
		}
		switch x["logicalType"] {
		case "decimal":
			scale, _ := x["scale"].(float64)
			s.Type, s.Name = connect.TypeBytes, connect.DecimalName
			s.Parameters = map[string]string{connect.DecimalScaleParam: strconv.Itoa(int(scale))}
			return s, nil
		case "date":
			s.Type, s.Name = connect.TypeInt32, connect.DateName
			return s, nil
		case "time-millis":
			s.Type, s.Name = connect.TypeInt32, connect.TimeName
			return s, nil
		case "timestamp-millis":
			s.Type, s.Name = connect.TypeInt64, connect.TimestampName
			return s, nil
		}
		switch t {
		case "int":
			s.Type = connect.TypeInt32
			if ct, ok := x["connect.type"].(string); ok && (ct == "int8" || ct == "int16") {
				s.Type = connect.Type(ct)
			}
		case "long":
			s.Type = connect.TypeInt64
		case "float":
			s.Type = connect.TypeFloat32
		case "double":
			s.Type = connect.TypeFloat64
		case "boolean":
			s.Type = connect.TypeBoolean
		case "string":
			s.Type = connect.TypeString
		case "bytes":
			s.Type = connect.TypeBytes
		case "array":
			if rec, ok := x["items"].(map[string]any); ok && strings.HasSuffix(fmt.Sprint(rec["name"]), "MapEntry") {
				fields, _ := rec["fields"].([]any)
				if len(fields) == 2 {
					k, err := connectSchemaOf(fields[0].(map[string]any)["type"], named)
					if err != nil {
						return nil, err
					}
					v, err := connectSchemaOf(fields[1].(map[string]any)["type"], named)
					if err != nil {
						return nil, err
					}
					return &connect.Schema{Type: connect.TypeMap, Key: k, Value: v}, nil
				}
			}
			v, err := connectSchemaOf(x["items"], named)
			if err != nil {
				return nil, err
			}
			s.Type, s.Value = connect.TypeArray, v
		case "map":
			v, err := connectSchemaOf(x["values"], named)
			if err != nil {
				return nil, err
			}
			s.Type, s.Key, s.Value = connect.TypeMap, connect.StringSchema(), v
		case "record":
			s.Type = connect.TypeStruct
			name, _ := x["name"].(string)
			if s.Name == "" && !strings.HasPrefix(name, "io.confluent.connect.avro.ConnectDefault") {
				s.Name = name
			}
			named[name] = s
			fields, _ := x["fields"].([]any)
			for i, f := range fields {
				fm, _ := f.(map[string]any)
				fname, _ := fm["name"].(string)
				fs, err := connectSchemaOf(fm["type"], named)
				if err != nil {
					return nil, fmt.Errorf("field %q: %w", fname, err)
				}
				s.Fields = append(s.Fields, connect.Field{Name: fname, Index: i, Schema: fs})
			}
		default:
			return nil, fmt.Errorf("unsupported avro type %q", t)
		}
		return s, nil
	}
	return nil, fmt.Errorf("unsupported avro schema %v", sj)
}

var errShort = errors.New("truncated datum")

// avroCursor reads Avro binary primitives off the front of b.
type avroCursor struct{ b []byte }

// long reads a zig-zag varint (Avro int and long).
func (c *avroCursor) long() (int64, error) {
	v, n := binary.Varint(c.b)
	if n <= 0 {
		return 0, errShort
	}
	c.b = c.b[n:]
	return v, nil
}

// bytes reads a length-prefixed byte string; the result shares c's memory.
func (c *avroCursor) bytes() ([]byte, error) {
	l, err := c.long()
	if err != nil || l < 0 || int64(len(c.b)) < l {
		return nil, errShort
	}
	v := c.b[:l]
	c.b = c.b[l:]
	return v, nil
}

// union reads the branch index of an optional schema's ["null", T] union: false for null.
func (c *avroCursor) union() (bool, error) {
	idx, err := c.long()
	return idx != 0, err
}

// primitive reads a datum of an INT64, FLOAT32, FLOAT64, BOOLEAN, STRING or BYTES schema
// (bytes sharing c's memory); ok is false for any other type, which reads nothing.
func (c *avroCursor) primitive(t connect.Type) (v any, ok bool, err error) {
	switch t {
	case connect.TypeInt64:
		v, err := c.long()
		return v, true, err
	case connect.TypeFloat32:
		if len(c.b) < 4 {
			return nil, true, errShort
		}
		v := math.Float32frombits(binary.LittleEndian.Uint32(c.b))
		c.b = c.b[4:]
		return v, true, nil
	case connect.TypeFloat64:
		if len(c.b) < 8 {
			return nil, true, errShort
		}
		v := math.Float64frombits(binary.LittleEndian.Uint64(c.b))
		c.b = c.b[8:]
		return v, true, nil
	case connect.TypeBoolean:
		if len(c.b) < 1 {
			return nil, true, errShort
		}
		v := c.b[0] == 1
		c.b = c.b[1:]
		return v, true, nil
	case connect.TypeString:
		v, err := c.bytes()
		return string(v), true, err
	case connect.TypeBytes:
		v, err := c.bytes()
		return v, true, err
	}
	return nil, false, nil
}

// avroRead decodes one datum of schema s into Connect's Go values.
func avroRead(b []byte, s *connect.Schema) (any, []byte, error) {
	c := &avroCursor{b: b}
	if s.Optional {
		if set, err := c.union(); err != nil || !set {
			return nil, c.b, err
		}
	}
	switch s.Name {
	case connect.DecimalName:
		v, err := c.bytes()
		if err != nil {
			return nil, nil, err
		}
		n := new(big.Int).SetBytes(v)
		if len(v) > 0 && v[0]&0x80 != 0 {
			n.Sub(n, new(big.Int).Lsh(big.NewInt(1), uint(8*len(v))))
		}
		scale, _ := strconv.Atoi(s.Parameters[connect.DecimalScaleParam])
		return connect.Decimal{Unscaled: n, Scale: int32(scale)}, c.b, nil
	case connect.DateName:
		v, err := c.long()
		return time.UnixMilli(v * 86400000).UTC(), c.b, err
	case connect.TimeName, connect.TimestampName:
		v, err := c.long()
		return time.UnixMilli(v).UTC(), c.b, err
	}
	switch s.Type {
	case connect.TypeInt8:
		v, err := c.long()
		return int8(v), c.b, err
	case connect.TypeInt16:
		v, err := c.long()
		return int16(v), c.b, err
	case connect.TypeInt32:
		v, err := c.long()
		return int32(v), c.b, err
	case connect.TypeBytes:
		v, err := c.bytes()
		return bytes.Clone(v), c.b, err
	case connect.TypeArray, connect.TypeMap:
		var list []any
		var m map[any]any
		if s.Type == connect.TypeMap {
			m = map[any]any{}
		} else {
			list = []any{}
		}
		for {
			n, err := c.long()
			if err != nil {
				return nil, nil, err
			}
			if n == 0 {
				break
			}
			if n < 0 {
				n = -n
				if _, err := c.long(); err != nil {
					return nil, nil, err
				}
			}
			for range n {
				if s.Type == connect.TypeArray {
					var v any
					if v, c.b, err = avroRead(c.b, s.Value); err != nil {
						return nil, nil, err
					}
					list = append(list, v)
					continue
				}
				var k, v any
				if k, c.b, err = avroRead(c.b, s.Key); err != nil {
					return nil, nil, err
				}
				if v, c.b, err = avroRead(c.b, s.Value); err != nil {
					return nil, nil, err
				}
				m[k] = v
			}
		}
		if s.Type == connect.TypeMap {
			return m, c.b, nil
		}
		return list, c.b, nil
	case connect.TypeStruct:
		st := connect.NewStruct(s)
		for _, f := range s.Fields {
			var v any
			var err error
			if v, c.b, err = avroRead(c.b, f.Schema); err != nil {
				return nil, nil, fmt.Errorf("field %q: %w", f.Name, err)
			}
			if err := st.Put(f.Name, v); err != nil {
				return nil, nil, fmt.Errorf("field %q: %w", f.Name, err)
			}
		}
		return st, c.b, nil
	}
	if v, ok, err := c.primitive(s.Type); ok {
		return v, c.b, err
	}
	return nil, nil, fmt.Errorf("unsupported type %q", s.Type)
}
