package standalone

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"slices"

	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/core/store/kafkatopic"
)

// errJavaFormat reports a Java serialization stream that is not the HashMap<byte[], byte[]>
// FileOffsetBackingStore writes.
var errJavaFormat = errors.New("not a FileOffsetBackingStore map of byte arrays")

// javaOffset is one entry of a FileOffsetBackingStore file: the offsets topic's key and
// value bytes, value nil for a deleted offset.
type javaOffset struct {
	key, value []byte
}

// Java Object Serialization Stream Protocol constants (Java Object Serialization
// Specification, section 6.4.2).
const (
	tcNull          = 0x70
	tcReference     = 0x71
	tcClassDesc     = 0x72
	tcObject        = 0x73
	tcArray         = 0x75
	tcBlockData     = 0x77
	tcEndBlockData  = 0x78
	streamVersion   = 5
	hashMapClass    = "java.util.HashMap"
	byteArrayClass  = "[B"
	baseWireHandle  = 0x7E0000
	hashMapPrimSize = 8 // float loadFactor, int threshold
)

// javaReader reads the subset of the serialization stream protocol that a
// FileOffsetBackingStore file uses: one java.util.HashMap whose keys and values are byte
// arrays or null.
type javaReader struct {
	b       []byte
	pos     int
	handles int // handles assigned so far
	bytesCD int // handle of the "[B" class descriptor, -1 until seen
}

func (r *javaReader) need(n int) ([]byte, error) {
	if n < 0 || r.pos+n > len(r.b) {
		return nil, fmt.Errorf("%w: truncated at byte %d", errJavaFormat, r.pos)
	}
	out := r.b[r.pos : r.pos+n]
	r.pos += n
	return out, nil
}

func (r *javaReader) u8() (byte, error) {
	b, err := r.need(1)
	if err != nil {
		return 0, err
	}
	return b[0], nil
}

func (r *javaReader) u16() (int, error) {
	b, err := r.need(2)
	if err != nil {
		return 0, err
	}
	return int(binary.BigEndian.Uint16(b)), nil
}

func (r *javaReader) u32() (int, error) {
	b, err := r.need(4)
	if err != nil {
		return 0, err
	}
	return int(int32(binary.BigEndian.Uint32(b))), nil
}

func (r *javaReader) utf() (string, error) {
	n, err := r.u16()
	if err != nil {
		return "", err
	}
	b, err := r.need(n)
	return string(b), err
}

func (r *javaReader) expect(tc byte, what string) error {
	got, err := r.u8()
	if err != nil {
		return err
	}
	if got != tc {
		return fmt.Errorf("%w: byte %d is 0x%02x, want 0x%02x (%s)", errJavaFormat, r.pos-1, got, tc, what)
	}
	return nil
}

// classDesc reads a new class descriptor of class name with only primitive fields and no
// annotations, and a null superclass.
func (r *javaReader) classDesc(name string) error {
	got, err := r.utf()
	if err != nil {
		return err
	}
	if got != name {
		return fmt.Errorf("%w: class %q, want %s", errJavaFormat, got, name)
	}
	if _, err := r.need(8 + 1); err != nil { // serialVersionUID, flags
		return err
	}
	r.handles++
	fields, err := r.u16()
	if err != nil {
		return err
	}
	for range fields {
		tc, err := r.u8()
		if err != nil {
			return err
		}
		if tc == 'L' || tc == '[' {
			return fmt.Errorf("%w: class %s has an object field", errJavaFormat, name)
		}
		if _, err := r.utf(); err != nil {
			return err
		}
	}
	if err := r.expect(tcEndBlockData, "end of class annotation"); err != nil {
		return err
	}
	return r.expect(tcNull, "no serializable superclass")
}

// byteArray reads a byte array or null.
func (r *javaReader) byteArray() ([]byte, error) {
	tc, err := r.u8()
	if err != nil {
		return nil, err
	}
	switch tc {
	case tcNull:
		return nil, nil
	case tcArray:
	default:
		return nil, fmt.Errorf("%w: byte %d is 0x%02x, want a byte array or null", errJavaFormat, r.pos-1, tc)
	}
	desc, err := r.u8()
	if err != nil {
		return nil, err
	}
	switch desc {
	case tcClassDesc:
		r.bytesCD = baseWireHandle + r.handles
		if err := r.classDesc(byteArrayClass); err != nil {
			return nil, err
		}
	case tcReference:
		h, err := r.u32()
		if err != nil {
			return nil, err
		}
		if h != r.bytesCD {
			return nil, fmt.Errorf("%w: array of class handle 0x%x, want byte[]", errJavaFormat, h)
		}
	default:
		return nil, fmt.Errorf("%w: byte %d is 0x%02x, want an array class", errJavaFormat, r.pos-1, desc)
	}
	r.handles++ // the array itself
	n, err := r.u32()
	if err != nil {
		return nil, err
	}
	b, err := r.need(n)
	return slices.Clone(b), err
}

// parseJavaOffsets reads the entries of a FileOffsetBackingStore file's contents.
func parseJavaOffsets(b []byte) ([]javaOffset, error) {
	r := &javaReader{b: b, bytesCD: -1}
	if hdr, err := r.need(4); err != nil || hdr[0] != 0xAC || hdr[1] != 0xED || binary.BigEndian.Uint16(hdr[2:]) != streamVersion {
		return nil, fmt.Errorf("%w: no Java serialization header", errJavaFormat)
	}
	if err := r.expect(tcObject, "an object"); err != nil {
		return nil, err
	}
	if err := r.expect(tcClassDesc, "a class descriptor"); err != nil {
		return nil, err
	}
	if err := r.classDesc(hashMapClass); err != nil {
		return nil, err
	}
	r.handles++ // the map
	if _, err := r.need(hashMapPrimSize); err != nil {
		return nil, err
	}
	if err := r.expect(tcBlockData, "the map's buckets and size"); err != nil {
		return nil, err
	}
	if n, err := r.u8(); err != nil || n != 8 {
		return nil, fmt.Errorf("%w: map header of %d bytes", errJavaFormat, n)
	}
	if _, err := r.u32(); err != nil { // buckets
		return nil, err
	}
	size, err := r.u32()
	if err != nil || size < 0 {
		return nil, fmt.Errorf("%w: map size %d", errJavaFormat, size)
	}
	out := make([]javaOffset, 0, min(size, 1<<16))
	for range size {
		k, err := r.byteArray()
		if err != nil {
			return nil, err
		}
		v, err := r.byteArray()
		if err != nil {
			return nil, err
		}
		out = append(out, javaOffset{key: k, value: v})
	}
	if err := r.expect(tcEndBlockData, "end of the map"); err != nil {
		return nil, err
	}
	return out, nil
}

func readJavaOffsets(path string) ([]javaOffset, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return parseJavaOffsets(b)
}

// importOffsets writes the source offsets of the entries: keys and values are the offsets
// topic's JSON (["<connector>",{partition}] and {offset}); a null value deletes.
func (s *Store) importOffsets(ctx context.Context, entries []javaOffset) (int, error) {
	byConn := map[string][]store.SourceOffset{}
	var order []string
	for _, e := range entries {
		connector, partition, ok := kafkatopic.DecodeOffsetKey(e.key)
		if !ok {
			return 0, fmt.Errorf("offset key %q: %w", e.key, errJavaFormat)
		}
		so := store.SourceOffset{Partition: partition}
		if e.value != nil {
			off, err := kafkatopic.DecodeOffsetValue(e.value)
			if err != nil {
				return 0, fmt.Errorf("offset of %s: %w", e.key, err)
			}
			so.Offset = off
		}
		if _, seen := byConn[connector]; !seen {
			order = append(order, connector)
		}
		byConn[connector] = append(byConn[connector], so)
	}
	n := 0
	for _, c := range order {
		if err := s.offsets.AlterSourceOffsets(ctx, c, byConn[c]); err != nil {
			return n, err
		}
		n += len(byConn[c])
	}
	return n, nil
}
