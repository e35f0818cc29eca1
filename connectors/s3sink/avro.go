package s3sink

import (
	"bufio"
	"bytes"
	"compress/flate"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"strconv"
	"time"

	"github.com/connectless/connectless/core/connect"
	"github.com/klauspost/compress/snappy"
)

// avroNames hands out record names as Confluent's AvroData does for unnamed structs.
type avroNames struct{ n int }

func (a *avroNames) next() string {
	a.n++
	if a.n == 1 {
		return "io.confluent.connect.avro.ConnectDefault"
	}
	return "io.confluent.connect.avro.ConnectDefault" + strconv.Itoa(a.n)
}

// avroSchemaJSON converts a Connect schema to an Avro schema (AvroData.fromConnectSchema).
func avroSchemaJSON(s *connect.Schema, names *avroNames, meta bool) (any, error) {
	if s == nil {
		return nil, fmt.Errorf("%w: Avro and Parquet formats need schema'd data; got a schemaless value", ErrData)
	}
	var t any
	withProps := func(m map[string]any) map[string]any {
		if !meta {
			return m
		}
		if s.Name != "" {
			m["connect.name"] = s.Name
		}
		if s.Version != 0 {
			m["connect.version"] = s.Version
		}
		if s.Doc != "" {
			m["connect.doc"] = s.Doc
		}
		return m
	}
	switch s.Name {
	case connect.DecimalName:
		scale, _ := strconv.Atoi(s.Parameters[connect.DecimalScaleParam])
		prec := 64
		if p, err := strconv.Atoi(s.Parameters["connect.decimal.precision"]); err == nil {
			prec = p
		}
		t = withProps(map[string]any{"type": "bytes", "logicalType": "decimal", "precision": prec, "scale": scale})
	case connect.DateName:
		t = withProps(map[string]any{"type": "int", "logicalType": "date"})
	case connect.TimeName:
		t = withProps(map[string]any{"type": "int", "logicalType": "time-millis"})
	case connect.TimestampName:
		t = withProps(map[string]any{"type": "long", "logicalType": "timestamp-millis"})
	}
	if t == nil {
		switch s.Type {
		case connect.TypeInt8, connect.TypeInt16:
			m := map[string]any{"type": "int"}
			if meta {
				m["connect.type"] = string(s.Type)
			}
			t = withProps(m)
		case connect.TypeInt32:
			t = withProps(map[string]any{"type": "int"})
		case connect.TypeInt64:
			t = withProps(map[string]any{"type": "long"})
		case connect.TypeFloat32:
			t = withProps(map[string]any{"type": "float"})
		case connect.TypeFloat64:
			t = withProps(map[string]any{"type": "double"})
		case connect.TypeBoolean:
			t = withProps(map[string]any{"type": "boolean"})
		case connect.TypeString:
			t = withProps(map[string]any{"type": "string"})
		case connect.TypeBytes:
			t = withProps(map[string]any{"type": "bytes"})
		case connect.TypeArray:
			items, err := avroSchemaJSON(s.Value, names, meta)
			if err != nil {
				return nil, err
			}
			t = map[string]any{"type": "array", "items": items}
		case connect.TypeMap:
			vals, err := avroSchemaJSON(s.Value, names, meta)
			if err != nil {
				return nil, err
			}
			if s.Key != nil && s.Key.Type == connect.TypeString && !s.Key.Optional {
				t = map[string]any{"type": "map", "values": vals}
			} else {
				keys, err := avroSchemaJSON(s.Key, names, meta)
				if err != nil {
					return nil, err
				}
				t = map[string]any{"type": "array", "items": map[string]any{
					"type": "record", "name": names.next() + "MapEntry",
					"fields": []any{map[string]any{"name": "key", "type": keys}, map[string]any{"name": "value", "type": vals}},
				}}
			}
		case connect.TypeStruct:
			name := s.Name
			if name == "" {
				name = names.next()
			}
			fields := make([]any, 0, len(s.Fields))
			for _, f := range s.Fields {
				ft, err := avroSchemaJSON(f.Schema, names, meta)
				if err != nil {
					return nil, err
				}
				fm := map[string]any{"name": f.Name, "type": ft}
				if f.Schema.Optional {
					fm["default"] = nil
				}
				fields = append(fields, fm)
			}
			t = withProps(map[string]any{"type": "record", "name": name, "fields": fields})
		default:
			return nil, fmt.Errorf("%w: unsupported Connect type %q for Avro", ErrData, s.Type)
		}
	}
	if s.Optional {
		return []any{"null", t}, nil
	}
	return t, nil
}

// avroEncode appends v in Avro binary encoding for the schema avroSchemaJSON built from s.
func avroEncode(b []byte, s *connect.Schema, v any) ([]byte, error) {
	if v == nil && s.Default != nil {
		v = s.Default
	}
	if s.Optional {
		if v == nil {
			return binary.AppendVarint(b, 0), nil
		}
		b = binary.AppendVarint(b, 1)
	} else if v == nil {
		return nil, fmt.Errorf("%w: null value for required %s field", ErrData, s.Type)
	}
	bad := func() ([]byte, error) {
		return nil, fmt.Errorf("%w: value of type %T does not match schema type %s", ErrData, v, s.Type)
	}
	switch s.Name {
	case connect.DecimalName:
		d, ok := v.(connect.Decimal)
		if !ok {
			return bad()
		}
		raw := d.Bytes()
		return append(binary.AppendVarint(b, int64(len(raw))), raw...), nil
	case connect.DateName, connect.TimeName, connect.TimestampName:
		t, ok := v.(time.Time)
		if !ok {
			return bad()
		}
		ms := t.UnixMilli()
		switch s.Name {
		case connect.DateName:
			ms = int64(math.Floor(float64(ms) / 86400000))
		case connect.TimeName:
			ms = ((ms % 86400000) + 86400000) % 86400000
		}
		return binary.AppendVarint(b, ms), nil
	}
	switch s.Type {
	case connect.TypeInt8, connect.TypeInt16, connect.TypeInt32, connect.TypeInt64:
		var n int64
		switch x := v.(type) {
		case int8:
			n = int64(x)
		case int16:
			n = int64(x)
		case int32:
			n = int64(x)
		case int64:
			n = x
		case int:
			n = int64(x)
		default:
			return bad()
		}
		return binary.AppendVarint(b, n), nil
	case connect.TypeFloat32:
		f, ok := v.(float32)
		if !ok {
			return bad()
		}
		return binary.LittleEndian.AppendUint32(b, math.Float32bits(f)), nil
	case connect.TypeFloat64:
		f, ok := v.(float64)
		if !ok {
			return bad()
		}
		return binary.LittleEndian.AppendUint64(b, math.Float64bits(f)), nil
	case connect.TypeBoolean:
		x, ok := v.(bool)
		if !ok {
			return bad()
		}
		if x {
			return append(b, 1), nil
		}
		return append(b, 0), nil
	case connect.TypeString:
		x, ok := v.(string)
		if !ok {
			return bad()
		}
		return append(binary.AppendVarint(b, int64(len(x))), x...), nil
	case connect.TypeBytes:
		x, ok := v.([]byte)
		if !ok {
			return bad()
		}
		return append(binary.AppendVarint(b, int64(len(x))), x...), nil
	case connect.TypeArray:
		arr, ok := v.([]any)
		if !ok {
			return bad()
		}
		if len(arr) > 0 {
			b = binary.AppendVarint(b, int64(len(arr)))
			for _, e := range arr {
				var err error
				if b, err = avroEncode(b, s.Value, e); err != nil {
					return nil, err
				}
			}
		}
		return binary.AppendVarint(b, 0), nil
	case connect.TypeMap:
		m, ok := v.(map[any]any)
		if !ok {
			return bad()
		}
		if len(m) > 0 {
			b = binary.AppendVarint(b, int64(len(m)))
			asMap := s.Key != nil && s.Key.Type == connect.TypeString && !s.Key.Optional
			for k, e := range m {
				var err error
				if asMap {
					ks, _ := k.(string)
					b = append(binary.AppendVarint(b, int64(len(ks))), ks...)
				} else if b, err = avroEncode(b, s.Key, k); err != nil {
					return nil, err
				}
				if b, err = avroEncode(b, s.Value, e); err != nil {
					return nil, err
				}
			}
		}
		return binary.AppendVarint(b, 0), nil
	case connect.TypeStruct:
		st, ok := v.(*connect.Struct)
		if !ok {
			return bad()
		}
		for _, f := range s.Fields {
			fv, _ := st.Get(f.Name)
			var err error
			if b, err = avroEncode(b, f.Schema, fv); err != nil {
				return nil, fmt.Errorf("field %q: %w", f.Name, err)
			}
		}
		return b, nil
	}
	return bad()
}

// avroFormat is Confluent's AvroFormat: an Avro object container file. The spool holds
// length-prefixed Avro datums; finish frames them into container blocks.
type avroFormat struct {
	codec    string // null, deflate, snappy
	metaData bool
}

func (avroFormat) extension() string { return ".avro" }

func (f avroFormat) encode(schema *connect.Schema, value any) ([]byte, error) {
	return avroFrame(schema, value)
}

// avroFrame encodes one datum prefixed by its length, as the Avro and Parquet spools hold them.
func avroFrame(schema *connect.Schema, value any) ([]byte, error) {
	if schema == nil {
		return nil, fmt.Errorf("%w: Avro and Parquet formats need schema'd data; got a schemaless %T", ErrData, value)
	}
	d, err := avroEncode(nil, schema, value)
	if err != nil {
		return nil, err
	}
	return append(binary.AppendUvarint(nil, uint64(len(d))), d...), nil
}

// readFrame reads the next avroFrame datum from a spool and appends it to dst; it returns
// io.EOF (unwrapped) when the spool ends between frames.
func readFrame(br *bufio.Reader, dst []byte) ([]byte, error) {
	l, err := binary.ReadUvarint(br)
	if err == io.EOF {
		return dst, io.EOF
	}
	if err != nil {
		return dst, fmt.Errorf("read spool: %w", err)
	}
	start := len(dst)
	dst = append(dst, make([]byte, l)...)
	if _, err := io.ReadFull(br, dst[start:]); err != nil {
		return dst, fmt.Errorf("read spool: %w", err)
	}
	return dst, nil
}

// avroSchemaString renders the container's schema.
func (f avroFormat) avroSchemaString(schema *connect.Schema) ([]byte, error) {
	sj, err := avroSchemaJSON(schema, &avroNames{}, f.metaData)
	if err != nil {
		return nil, err
	}
	return json.Marshal(sj)
}

const avroBlockBytes = 64 << 10

func (f avroFormat) finish(dst io.Writer, spool io.Reader, schema *connect.Schema, _ int) error {
	sch, err := f.avroSchemaString(schema)
	if err != nil {
		return err
	}
	var sync [16]byte
	rand.Read(sync[:])
	hdr := []byte("Obj\x01")
	hdr = binary.AppendVarint(hdr, 2)
	for _, kv := range [][2][]byte{{[]byte("avro.codec"), []byte(f.codec)}, {[]byte("avro.schema"), sch}} {
		hdr = append(binary.AppendVarint(hdr, int64(len(kv[0]))), kv[0]...)
		hdr = append(binary.AppendVarint(hdr, int64(len(kv[1]))), kv[1]...)
	}
	hdr = binary.AppendVarint(hdr, 0)
	hdr = append(hdr, sync[:]...)
	if _, err := dst.Write(hdr); err != nil {
		return err
	}
	br := bufio.NewReader(spool)
	var block []byte
	n := 0
	flush := func() error {
		if n == 0 {
			return nil
		}
		data, err := f.compressBlock(block)
		if err != nil {
			return err
		}
		out := binary.AppendVarint(nil, int64(n))
		out = binary.AppendVarint(out, int64(len(data)))
		if _, err := dst.Write(append(append(out, data...), sync[:]...)); err != nil {
			return err
		}
		block, n = block[:0], 0
		return nil
	}
	for {
		var err error
		if block, err = readFrame(br, block); err == io.EOF {
			break
		} else if err != nil {
			return err
		}
		n++
		if len(block) >= avroBlockBytes {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

func (f avroFormat) compressBlock(b []byte) ([]byte, error) {
	switch f.codec {
	case "deflate":
		var buf bytes.Buffer
		w, _ := flate.NewWriter(&buf, flate.DefaultCompression)
		w.Write(b)
		if err := w.Close(); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	case "snappy":
		out := snappy.Encode(nil, b)
		return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(b)), nil
	}
	return b, nil
}
