package format

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"io"
	"strings"
	"testing"

	"github.com/hamba/avro/v2"

	"github.com/connectless/connectless/core/connect"
)

// A spooled datum that is cut or malformed fails Finish with an error instead of being read
// past its end.
func TestParquetFinishRefusesTruncatedDatums(t *testing.T) {
	s := &connect.Schema{Type: connect.TypeStruct, Fields: []connect.Field{
		{Name: "n", Index: 0, Schema: connect.Int64Schema()},
		{Name: "s", Index: 1, Schema: connect.StringSchema()},
		{Name: "a", Index: 2, Schema: connect.ArraySchema(connect.Int32Schema())},
	}}
	f, err := New(ParquetFormatClass, Options{ParquetCodec: "none"})
	if err != nil {
		t.Fatal(err)
	}
	long := func(v int64) []byte { return binary.AppendVarint(nil, v) }
	frame := func(d []byte) []byte { return append(binary.AppendUvarint(nil, uint64(len(d))), d...) }
	for name, datum := range map[string][]byte{
		"empty":                        nil,
		"unterminated varint":          {0x80},
		"string longer than the datum": append(long(1), append(long(5), "abc"...)...),
		"array block without items":    append(long(1), append(long(0), long(2)...)...),
	} {
		var out bytes.Buffer
		if err := f.Finish(&out, bytes.NewReader(frame(datum)), s, 1); err == nil {
			t.Errorf("%s: Finish accepted a truncated datum", name)
		}
	}
}

func TestReadFrame(t *testing.T) {
	s := connect.StringSchema()
	codecs := &avroCodecs{}
	var spool []byte
	for _, v := range []string{"a", "", "ccc"} {
		f, err := avroFrame(codecs, s, v)
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
		var v string
		if err := avro.Unmarshal(avro.MustParse(`"string"`), d, &v); err != nil {
			t.Fatalf("decode %x: %v", d, err)
		}
		got = append(got, v)
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
