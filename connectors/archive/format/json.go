package format

import (
	"bytes"
	"fmt"
	"io"

	"github.com/connectless/connectless/core/connect"
)

// RawEncoder is a Format that can store a record's value as it was read from Kafka when that
// is exactly what it would write (JsonFormat).
type RawEncoder interface {
	// EncodeRaw returns raw itself (or, where the format is told to write values as read,
	// raw without the whitespace around it) and true when that is what the format writes
	// for value before the line terminator; otherwise the encoding, appended to dst, and
	// false.
	EncodeRaw(dst, raw []byte, schema *connect.Schema, value any) ([]byte, bool, error)
}

// TakesJSONBytes reports whether f writes *connect.JSONBytes values from their bytes
// (JsonFormat), so that a sink writing its values with f need not have them built.
func TakesJSONBytes(f Format) bool {
	_, ok := f.(jsonFormat)
	return ok
}

// jsonFormat is Confluent's JsonFormat: one JSON value per line, "\n" after every record.
type jsonFormat struct {
	w jsonWriter
	// asRead writes *connect.JSONBytes values as read (json.write.as.read).
	asRead      bool
	compression string
	comp        *compressors
}

// Extension is .json and the compression's extension.
func (f jsonFormat) Extension() string { return ".json" + compressionExt(f.compression) }

// jsonLineCap is the initial capacity of one encoded line: one allocation for a typical log
// line instead of a buffer grown from empty.
const jsonLineCap = 512

// Encode returns the record's JSON line.
func (f jsonFormat) Encode(_ *connect.Schema, value any) ([]byte, error) {
	if jb, ok := value.(*connect.JSONBytes); ok {
		v, err := jb.Build()
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrData, err)
		}
		value = v
	}
	b, err := f.w.appendRecord(make([]byte, 0, jsonLineCap), nil, value)
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// EncodeRaw returns raw itself and true when raw (a record's value as read from Kafka) is
// exactly what encode writes for value before the line terminator: the caller writes raw and
// the terminator. A schemaless object whose members are each written as encode would write
// them, in another order, is copied member by member in encode's order. Otherwise it returns
// encode's result and false.
//
// A reordered line is appended to dst (which may be nil).
//
// A *connect.JSONBytes value (raw checked as schemaless JSON, not parsed) is written from raw
// by one scan when raw is the encoding of the value it parses to but for the order of the
// top-level object's members; otherwise it is built and written as above. With
// json.write.as.read it is raw without the whitespace around it when that is one line.
func (f jsonFormat) EncodeRaw(dst, raw []byte, schema *connect.Schema, value any) ([]byte, bool, error) {
	if jb, ok := value.(*connect.JSONBytes); ok {
		if f.asRead {
			if line, ok := oneLine(raw); ok {
				return line, true, nil
			}
		}
		if len(raw) > 0 {
			if b, inOrder, ok := f.w.appendFromBytes(dst, raw); ok {
				if inOrder {
					return raw, true, nil
				}
				return append(b, '\n'), false, nil
			}
		}
		v, err := jb.Build()
		if err != nil {
			return nil, false, fmt.Errorf("%w: %w", ErrData, err)
		}
		value = v
	}
	if m, ok := value.(map[string]any); ok {
		if b, inOrder, ok := f.w.appendRawObject(dst, raw, m); ok {
			if inOrder {
				return raw, true, nil
			}
			return append(b, '\n'), false, nil
		}
	} else if len(raw) > 0 && f.w.rawMatches(raw, value) {
		return raw, true, nil
	}
	b, err := f.Encode(schema, value)
	return b, false, err
}

// oneLine returns raw (one JSON value, as a converter checked it) without the whitespace
// around it, and false when it is empty or a line break remains between its tokens (a JSON
// string holds none as it is).
func oneLine(raw []byte) ([]byte, bool) {
	line := bytes.Trim(raw, " \t\r\n")
	return line, len(line) > 0 && bytes.IndexByte(line, '\n') < 0 && bytes.IndexByte(line, '\r') < 0
}

// Finish compresses the spooled lines.
func (f jsonFormat) Finish(dst io.Writer, spool io.Reader, _ *connect.Schema, _ int) error {
	return f.comp.copyCompressed(dst, spool)
}
