package format

import (
	"bytes"
	"errors"
	"testing"

	"github.com/connectless/connectless/core/connect"
)

// TestByteArrayEncodeRawMatchesEncode: a value written as read plus the spool's newline is
// byte for byte what Encode writes; every other case is Encode's own result.
func TestByteArrayEncodeRawMatchesEncode(t *testing.T) {
	optBytes := &connect.Schema{Type: connect.TypeBytes, Optional: true}
	tests := []struct {
		name         string
		separator    string
		raw          []byte
		schema       *connect.Schema
		value        any
		wantVerbatim bool
		wantErr      error
	}{
		{"ByteArrayConverter value", "\n", []byte(`{"a":1}`), optBytes, []byte(`{"a":1}`), true, nil},
		{"empty value", "\n", []byte{}, optBytes, []byte{}, true, nil},
		{"bytes without schema", "\n", []byte("x"), nil, []byte("x"), true, nil},
		{"another separator", "\r\n", []byte("x"), optBytes, []byte("x"), false, nil},
		{"empty separator", "", []byte("x"), optBytes, []byte("x"), false, nil},
		{"value is not the bytes read", "\n", []byte("raw"), optBytes, []byte("other"), false, nil},
		{"string value", "\n", []byte("x"), &connect.Schema{Type: connect.TypeString}, "x", false, ErrData},
		{"map value", "\n", []byte(`{}`), nil, map[string]any{}, false, ErrData},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := New(ByteArrayFormatClass, Options{ByteArraySeparator: tt.separator, ByteArrayExtension: ".bin"})
			if err != nil {
				t.Fatal(err)
			}
			raw := f.(RawEncoder)
			got, verbatim, err := raw.EncodeRaw(nil, tt.raw, tt.schema, tt.value)
			want, wantErr := f.Encode(tt.schema, tt.value)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) || !errors.Is(wantErr, tt.wantErr) {
					t.Fatalf("errors %v and %v, want %v", err, wantErr, tt.wantErr)
				}
				return
			}
			if err != nil || wantErr != nil {
				t.Fatalf("errors %v, %v", err, wantErr)
			}
			if verbatim != tt.wantVerbatim {
				t.Fatalf("verbatim = %v, want %v", verbatim, tt.wantVerbatim)
			}
			if verbatim {
				got = append(bytes.Clone(got), '\n') // the spool's terminator
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("EncodeRaw wrote %q, Encode %q", got, want)
			}
		})
	}
}

// FuzzByteArrayEncodeRaw checks the verbatim path against Encode for any value.
func FuzzByteArrayEncodeRaw(f *testing.F) {
	f.Add([]byte("line"), "\n")
	f.Add([]byte{}, "\n")
	f.Add([]byte("a\nb"), "|")
	f.Fuzz(func(t *testing.T, v []byte, sep string) {
		fm, err := New(ByteArrayFormatClass, Options{ByteArraySeparator: sep})
		if err != nil {
			t.Fatal(err)
		}
		got, verbatim, err := fm.(RawEncoder).EncodeRaw(nil, v, nil, bytes.Clone(v))
		if err != nil {
			t.Fatal(err)
		}
		if verbatim {
			got = append(bytes.Clone(got), '\n')
		}
		want, _ := fm.Encode(nil, v)
		if !bytes.Equal(got, want) {
			t.Fatalf("EncodeRaw %q (verbatim %v), Encode %q", got, verbatim, want)
		}
	})
}

func BenchmarkByteArrayFormatEncode(b *testing.B) {
	f, _ := New(ByteArrayFormatClass, Options{ByteArraySeparator: "\n"})
	v := bytes.Repeat([]byte("x"), 200)
	s := &connect.Schema{Type: connect.TypeBytes, Optional: true}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.Encode(s, v); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkByteArrayFormatEncodeRaw(b *testing.B) {
	f, _ := New(ByteArrayFormatClass, Options{ByteArraySeparator: "\n"})
	v := bytes.Repeat([]byte("x"), 200)
	s := &connect.Schema{Type: connect.TypeBytes, Optional: true}
	raw := f.(RawEncoder)
	b.ReportAllocs()
	for b.Loop() {
		if _, ok, err := raw.EncodeRaw(nil, v, s, v); err != nil || !ok {
			b.Fatal(err)
		}
	}
}
