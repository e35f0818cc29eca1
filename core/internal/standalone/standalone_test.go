package standalone

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/core/store/bolt"
	"github.com/connectless/connectless/core/store/memory"
	"github.com/connectless/connectless/core/store/storetest"
)

func TestStore(t *testing.T) {
	storetest.Run(t, storetest.Harness{
		MaxValueSize: store.DefaultMaxValueSize,
		Open: func(t *testing.T, now func() time.Time) (store.Store, func(*testing.T) store.Store) {
			path := filepath.Join(t.TempDir(), "offsets")
			mem := memory.New(memory.WithClock(now))
			open := func(t *testing.T) store.Store {
				b, err := bolt.Open(path, bolt.WithClock(now))
				if err != nil {
					t.Fatal(err)
				}
				// A reopen within the run: the in-memory state is the run's, the file is reopened.
				return New(mem, b)
			}
			return open(t), open
		},
	})
}

// TestRestartKeepsOffsetsOnly: as Kafka's connect-standalone, a new run knows no connector
// from the last one, but its offsets are still there.
func TestRestartKeepsOffsetsOnly(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "connect.offsets")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CreateConnector(ctx, "src", map[string]string{"connector.class": "FileStreamSource"}, store.TargetRunning); err != nil {
		t.Fatal(err)
	}
	l, err := s.Acquire(ctx, "src", 0, "w", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CommitSourceOffsets(ctx, l, []store.SourceOffset{{Partition: map[string]any{"filename": "in.txt"}, Offset: map[string]any{"position": 7}}}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if names, err := s2.Connectors(ctx); err != nil || len(names) != 0 {
		t.Fatalf("connectors after restart: %v %v, want none", names, err)
	}
	offs, err := s2.SourceOffsets(ctx, "src")
	if err != nil || len(offs) != 1 || fmt.Sprint(offs[0].Offset["position"]) != "7" {
		t.Fatalf("offsets after restart: %+v %v", offs, err)
	}
}

// javaFile builds a FileOffsetBackingStore file as Java's ObjectOutputStream writes a
// HashMap<byte[], byte[]>, following the stream grammar of the Java Object Serialization
// Specification (section 6.4) with the JDK's serialVersionUIDs of java.util.HashMap
// (362498820763181265) and byte[] (-5984413125824719648).
func javaFile(entries [][2][]byte) []byte {
	var b bytes.Buffer
	u16 := func(n int) { _ = binary.Write(&b, binary.BigEndian, uint16(n)) }
	u32 := func(n int) { _ = binary.Write(&b, binary.BigEndian, int32(n)) }
	utf := func(s string) { u16(len(s)); b.WriteString(s) }
	b.Write([]byte{0xAC, 0xED, 0x00, 0x05, tcObject, tcClassDesc})
	utf("java.util.HashMap")
	_ = binary.Write(&b, binary.BigEndian, int64(362498820763181265))
	b.WriteByte(0x03) // SC_WRITE_METHOD | SC_SERIALIZABLE
	u16(2)
	b.WriteByte('F')
	utf("loadFactor")
	b.WriteByte('I')
	utf("threshold")
	b.Write([]byte{tcEndBlockData, tcNull})
	b.Write([]byte{0x3F, 0x40, 0x00, 0x00}) // 0.75f
	u32(12)
	b.Write([]byte{tcBlockData, 8})
	u32(16)
	u32(len(entries))
	first := true
	array := func(v []byte) {
		if v == nil {
			b.WriteByte(tcNull)
			return
		}
		b.WriteByte(tcArray)
		if first {
			b.WriteByte(tcClassDesc)
			utf("[B")
			_ = binary.Write(&b, binary.BigEndian, int64(-5984413125824719648))
			b.WriteByte(0x02) // SC_SERIALIZABLE
			u16(0)
			b.Write([]byte{tcEndBlockData, tcNull})
			first = false
		} else {
			b.WriteByte(tcReference)
			u32(0x7E0002) // HashMap's class, the map, then byte[]'s class
		}
		u32(len(v))
		b.Write(v)
	}
	for _, e := range entries {
		array(e[0])
		array(e[1])
	}
	b.WriteByte(tcEndBlockData)
	return b.Bytes()
}

func TestImportKafkaFileOffsetBackingStore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "connect.offsets") // Kafka's connect-standalone.properties default name
	data := javaFile([][2][]byte{
		{[]byte(`["local-file-source",{"filename":"test.txt"}]`), []byte(`{"position":1024}`)},
		{[]byte(`["local-file-source",{"filename":"old.txt"}]`), nil},
		{[]byte(`["other",{"table":"t"}]`), []byte(`{"id":5}`)},
	})
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	s, err := Open(path, Options{Logger: slogTo(&logs)})
	if err != nil {
		t.Fatal(err)
	}
	offs, err := s.SourceOffsets(ctx, "local-file-source")
	if err != nil || len(offs) != 1 || offs[0].Partition["filename"] != "test.txt" || fmt.Sprint(offs[0].Offset["position"]) != "1024" {
		t.Fatalf("imported offsets: %+v %v", offs, err)
	}
	if !strings.Contains(logs.String(), "imported") {
		t.Errorf("no import logged: %s", logs.String())
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, data) {
		t.Fatal("the Kafka Connect file was changed")
	}
	// The next run uses the imported file, and imports nothing again.
	s2, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if offs, err := s2.SourceOffsets(ctx, "other"); err != nil || len(offs) != 1 {
		t.Fatalf("offsets of other after restart: %+v %v", offs, err)
	}
	if _, err := os.Stat(path + ImportSuffix); err != nil {
		t.Fatal(err)
	}
}

func TestBadOffsetFiles(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"truncated java file", javaFile([][2][]byte{{[]byte(`["c",{"f":"x"}]`), []byte(`{"p":1}`)}})[:60], "FileOffsetBackingStore"},
		{"java file of something else", append([]byte{0xAC, 0xED, 0, 5, tcObject, tcClassDesc, 0, 3}, "Foo"...), "FileOffsetBackingStore"},
		{"text file", []byte("name=x\n"), "offsets file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-"))
			if err := os.WriteFile(path, tc.data, 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := Open(path, Options{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("open: %v, want an error mentioning %q", err, tc.want)
			}
			if got, _ := os.ReadFile(path); !bytes.Equal(got, tc.data) {
				t.Fatal("the file was changed")
			}
			if _, err := os.Stat(path + ImportSuffix); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("an import file was left: %v", err)
			}
		})
	}
}

func slogTo(w *bytes.Buffer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }
