package format

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/connectless/connectless/core/connect"
)

// Both Avro decoders (avroRead for the reader, avroDecode for the Parquet spool) refuse a
// truncated or malformed datum with errShort instead of reading past it.
func TestAvroDecodersRefuseTruncatedDatums(t *testing.T) {
	long := func(v int64) []byte { return binary.AppendVarint(nil, v) }
	for _, tc := range []struct {
		name  string
		typ   connect.Type
		datum []byte
	}{
		{"empty long", connect.TypeInt64, nil},
		{"unterminated varint", connect.TypeInt32, []byte{0x80}},
		{"short float", connect.TypeFloat32, []byte{1, 2, 3}},
		{"short double", connect.TypeFloat64, []byte{1, 2, 3, 4, 5, 6, 7}},
		{"empty boolean", connect.TypeBoolean, nil},
		{"string longer than the datum", connect.TypeString, append(long(5), "abc"...)},
		{"negative bytes length", connect.TypeBytes, long(-1)},
		{"array block without its items", connect.TypeArray, long(2)},
	} {
		s := &connect.Schema{Type: tc.typ}
		if tc.typ == connect.TypeArray {
			s = connect.ArraySchema(connect.Int32Schema())
		}
		for name, decode := range map[string]func([]byte, *connect.Schema) (any, []byte, error){
			"avroRead": avroRead, "avroDecode": avroDecode,
		} {
			if v, _, err := decode(tc.datum, s); !errors.Is(err, errShort) {
				t.Errorf("%s: %s = %v, %v; want errShort", name, tc.name, v, err)
			}
		}
	}
}

func TestAvroCursorPrimitives(t *testing.T) {
	datum := binary.AppendVarint(nil, -7)
	datum = binary.LittleEndian.AppendUint32(datum, 0x3fc00000) // 1.5
	datum = binary.LittleEndian.AppendUint64(datum, 0x4004000000000000)
	datum = append(datum, 1)
	datum = append(binary.AppendVarint(datum, 2), "hi"...)
	datum = append(binary.AppendVarint(datum, 1), 0xff)
	c := &avroCursor{b: datum}
	for _, want := range []struct {
		typ connect.Type
		v   any
	}{
		{connect.TypeInt64, int64(-7)}, {connect.TypeFloat32, float32(1.5)}, {connect.TypeFloat64, 2.5},
		{connect.TypeBoolean, true}, {connect.TypeString, "hi"}, {connect.TypeBytes, []byte{0xff}},
	} {
		v, ok, err := c.primitive(want.typ)
		if !ok || err != nil {
			t.Fatalf("%s: ok %v, err %v", want.typ, ok, err)
		}
		if b, isBytes := v.([]byte); isBytes {
			if string(b) != string(want.v.([]byte)) {
				t.Errorf("%s = %v, want %v", want.typ, v, want.v)
			}
		} else if v != want.v {
			t.Errorf("%s = %#v, want %#v", want.typ, v, want.v)
		}
	}
	if len(c.b) != 0 {
		t.Errorf("%d bytes left over", len(c.b))
	}
	if _, ok, _ := c.primitive(connect.TypeStruct); ok {
		t.Error("primitive claimed a STRUCT")
	}
}

func TestReadFrame(t *testing.T) {
	s := connect.StringSchema()
	var spool []byte
	for _, v := range []string{"a", "", "ccc"} {
		f, err := avroFrame(s, v)
		if err != nil {
			t.Fatal(err)
		}
		spool = append(spool, f...)
	}
	br := bufio.NewReader(bytes.NewReader(spool))
	var got []string
	for {
		d, err := readFrame(br, nil)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		v, rest, err := avroRead(d, s)
		if err != nil || len(rest) != 0 {
			t.Fatalf("decode %x: %v, %d bytes left", d, err, len(rest))
		}
		got = append(got, v.(string))
	}
	if strings.Join(got, ",") != "a,,ccc" {
		t.Fatalf("frames %q", got)
	}
	// A spool cut inside a frame is an error, not a clean end.
	for _, cut := range [][]byte{spool[:len(spool)-1], {0x80}} {
		br := bufio.NewReader(bytes.NewReader(cut))
		var err error
		for err == nil {
			_, err = readFrame(br, nil)
		}
		if err == nil || err == io.EOF {
			t.Errorf("truncated spool %x: %v", cut, err)
		}
	}
}
