package migrate

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/core/store/kafkatopic"
	"github.com/connectless/connectless/core/store/memory"
	"github.com/connectless/connectless/infra/devstack"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden %s (run with -update to create it): %v", path, err)
	}
	if got != string(want) {
		t.Fatalf("%s:\n got:\n%s\nwant:\n%s", name, got, want)
	}
}

// startKafka starts a kfake broker through infra/devstack with a three-partition topic
// "orders" read by the sink connector and, with offsetsTopic, the offsets topic as Kafka
// Connect creates it: 25 partitions, compacted.
func startKafka(t *testing.T, offsetsTopic bool) Cluster {
	t.Helper()
	k := devstacktest.Kafka(t, devstack.KafkaOptions{Partitions: 3, Topics: []string{"orders"}})
	c := Cluster{Brokers: k.Brokers(), Timeout: 10 * time.Second}
	if offsetsTopic {
		res, err := client(c).CreateTopics(t.Context(), &kafka.CreateTopicsRequest{Topics: []kafka.TopicConfig{{
			Topic: "connect-offsets", NumPartitions: 25, ReplicationFactor: 1,
			ConfigEntries: []kafka.ConfigEntry{{ConfigName: "cleanup.policy", ConfigValue: "compact"}},
		}}})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range res.Errors {
			if e != nil {
				t.Fatal(e)
			}
		}
	}
	return c
}

func client(c Cluster) *kafka.Client {
	return &kafka.Client{Addr: kafka.TCP(c.Brokers...), Timeout: 10 * time.Second}
}

// javaRecords reads testdata/kafka-connect-offsets.txt: key TAB value per line.
func javaRecords(t *testing.T) []kafkatopic.Record {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "kafka-connect-offsets.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var recs []kafkatopic.Record
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "\t")
		if !ok {
			t.Fatalf("golden line without a tab: %q", line)
		}
		r := kafkatopic.Record{Key: []byte(k)}
		if v != "null" {
			r.Value = []byte(v)
		}
		recs = append(recs, r)
	}
	return recs
}

// seedKafkaConnect writes what a Kafka Connect cluster left behind: the golden offsets records
// and the sink connector's group offsets.
func seedKafkaConnect(t *testing.T, c Cluster) {
	t.Helper()
	if err := kafkatopic.WriteRecords(t.Context(), client(c), "connect-offsets", 25, javaRecords(t)); err != nil {
		t.Fatal(err)
	}
	if err := kafkatopic.CommitGroupOffsets(t.Context(), client(c), "connect-my-sink", map[connect.TopicPartition]int64{
		{Topic: "orders", Partition: 0}: 100, {Topic: "orders", Partition: 1}: 200, {Topic: "orders", Partition: 2}: 0,
	}); err != nil {
		t.Fatal(err)
	}
}

// render prints a store's offsets of the given connectors, sorted, one a line.
func render(t *testing.T, s store.OffsetStore, sources []string, sink string) string {
	t.Helper()
	var lines []string
	for _, c := range sources {
		offs, err := s.SourceOffsets(t.Context(), c)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range offs {
			p, _ := store.PartitionKey(o.Partition)
			v, _ := store.EncodeOffset(o.Offset)
			lines = append(lines, fmt.Sprintf("source %s %s %s", c, p, v))
		}
	}
	sk, err := s.SinkOffsets(t.Context(), sink)
	if err != nil {
		t.Fatal(err)
	}
	for tp, o := range sk {
		lines = append(lines, fmt.Sprintf("sink %s %s %d", sink, store.TopicPartitionKey(tp), o))
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n") + "\n"
}

// dumpOffsetsTopic renders every record of the offsets topic: partition@offset key value.
func dumpOffsetsTopic(t *testing.T, c Cluster) string {
	t.Helper()
	var lines []string
	_, err := kafkatopic.ReadTopic(t.Context(), client(c), "connect-offsets", func(r kafkatopic.Record) {
		v := "null"
		if r.Value != nil {
			v = string(r.Value)
		}
		lines = append(lines, fmt.Sprintf("%02d@%d %s\t%s", r.Partition, r.Offset, r.Key, v))
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n") + "\n"
}

// TestIntegrationImportGolden imports what Kafka Connect wrote into two different backends;
// both must hold the same offsets: testdata/import.golden.
func TestIntegrationImportGolden(t *testing.T) {
	kc := startKafka(t, true)
	seedKafkaConnect(t, kc)
	other := startKafka(t, false) // the kafkatopic store creates its topics
	kt, err := kafkatopic.Open(t.Context(), kafkatopic.Config{Brokers: other.Brokers, ReplicationFactor: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = kt.Close() })
	for _, dst := range []struct {
		name string
		s    store.Store
	}{{"memory", memory.New()}, {"kafkatopic", kt}} {
		t.Run(dst.name, func(t *testing.T) {
			want := map[string]Result{"my-connector": {SourceWritten: 1}, "spool": {SourceWritten: 2}, "my-sink": {SinkWritten: 3}}
			for _, c := range []string{"my-connector", "spool", "my-sink"} {
				res, err := Import(t.Context(), kc, dst.s, c, Options{Source: true, Sink: true})
				if err != nil {
					t.Fatalf("import %s: %v", c, err)
				}
				if res != want[c] {
					t.Errorf("import %s: %+v, want %+v", c, res, want[c])
				}
			}
			golden(t, "import.golden", render(t, dst.s, []string{"my-connector", "spool", "my-connector-2"}, "my-sink"))
		})
	}
}

// TestIntegrationExportGolden exports offsets back: to the cluster they came from (the Java
// key bytes are reused, so Kafka Connect finds them) and to an empty cluster, with Replace.
// testdata/export-back.golden and export-new.golden hold every record of the offsets topic.
func TestIntegrationExportGolden(t *testing.T) {
	kc := startKafka(t, true)
	seedKafkaConnect(t, kc)
	mem := memory.New()
	for _, c := range []string{"my-connector", "spool", "my-sink"} {
		if _, err := Import(t.Context(), kc, mem, c, Options{Source: true, Sink: true}); err != nil {
			t.Fatal(err)
		}
	}
	// connectless ran for a while.
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(mem.AlterSourceOffsets(t.Context(), "my-connector", []store.SourceOffset{
		{Partition: map[string]any{"filename": "/tmp/in.txt"}, Offset: map[string]any{"position": 100}},
		{Partition: map[string]any{"filename": "/tmp/new.txt"}, Offset: map[string]any{"position": 5}},
	}))
	must(mem.AlterSourceOffsets(t.Context(), "spool", []store.SourceOffset{
		{Partition: map[string]any{"dir": "/data", "file": "a.txt"}, Offset: map[string]any{"incrementing": 6, "timestamp": 1700000000002, "timestamp_nanos": 0}},
		{Partition: map[string]any{"dir": "/data", "file": "b.txt"}}, // deleted
	}))
	must(mem.AlterSinkOffsets(t.Context(), "my-sink", map[connect.TopicPartition]int64{{Topic: "orders", Partition: 0}: 150, {Topic: "orders", Partition: 2}: -1}))

	for _, dst := range []struct {
		name    string
		cluster Cluster
	}{{"export-back", kc}, {"export-new", startKafka(t, true)}} {
		t.Run(dst.name, func(t *testing.T) {
			for _, c := range []string{"my-connector", "spool", "my-sink"} {
				if _, err := Export(t.Context(), mem, dst.cluster, c, Options{Source: true, Sink: true, Replace: true}); err != nil {
					t.Fatalf("export %s: %v", c, err)
				}
			}
			golden(t, dst.name+".golden", dumpOffsetsTopic(t, dst.cluster))
			// Read back the Kafka Connect way, the cluster holds what the store holds.
			for _, c := range []string{"my-connector", "spool"} {
				got, err := ReadSourceOffsets(t.Context(), dst.cluster, c)
				if err != nil {
					t.Fatal(err)
				}
				want, _ := mem.SourceOffsets(t.Context(), c)
				if g, w := sourceLines(got), sourceLines(want); g != w {
					t.Errorf("%s after export:\n got %s\nwant %s", c, g, w)
				}
			}
			sink, err := ReadSinkOffsets(t.Context(), dst.cluster, "my-sink")
			if err != nil {
				t.Fatal(err)
			}
			if want := map[connect.TopicPartition]int64{{Topic: "orders", Partition: 0}: 150, {Topic: "orders", Partition: 1}: 200}; !mapsEqual(sink, want) {
				t.Errorf("sink offsets after export %v, want %v", sink, want)
			}
		})
	}
	// Exported back, the spool partitions keep Java's key bytes, on Java's partition.
	dump := dumpOffsetsTopic(t, kc)
	javaKey := `["spool",{"file":"a.txt","dir":"/data"}]`
	p := kafkatopic.PartitionFor([]byte(javaKey), 25)
	if n := strings.Count(dump, fmt.Sprintf("%02d@", p)); n < 2 || strings.Count(dump, javaKey) != 2 || strings.Contains(dump, `{"dir":"/data","file":"a.txt"}`) {
		t.Fatalf("export did not reuse the Java key %s on partition %d:\n%s", javaKey, p, dump)
	}
}

func sourceLines(offs []store.SourceOffset) string {
	var lines []string
	for _, o := range offs {
		p, _ := store.PartitionKey(o.Partition)
		v, _ := store.EncodeOffset(o.Offset)
		lines = append(lines, p+"="+v)
	}
	slices.Sort(lines)
	return strings.Join(lines, " ")
}

func mapsEqual(a, b map[connect.TopicPartition]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// Bad input gets a clear error and changes nothing in the destination.
func TestIntegrationImportErrors(t *testing.T) {
	kc := startKafka(t, true)
	seedKafkaConnect(t, kc)
	if err := kafkatopic.WriteRecords(t.Context(), client(kc), "connect-offsets", 25, []kafkatopic.Record{
		{Key: []byte(`["broken",{"filename":"a"}]`), Value: []byte(`{"position":1}`)},
		{Key: []byte(`["broken",{"filename":"b"}]`), Value: []byte(`[1,2]`)},
	}); err != nil {
		t.Fatal(err)
	}
	mem := memory.New()
	cases := []struct {
		what    string
		cluster Cluster
		conn    string
		opts    Options
		want    error
	}{
		{"no brokers", Cluster{}, "my-connector", Options{Source: true}, ErrNoBrokers},
		{"empty connector name", kc, "", Options{Source: true}, store.ErrInvalid},
		{"malformed offset value", kc, "broken", Options{Source: true}, kafkatopic.ErrBadRecord},
		{"missing offsets topic", Cluster{Brokers: kc.Brokers, OffsetsTopic: "no-such-topic"}, "my-connector", Options{Source: true}, kafka.UnknownTopicOrPartition},
	}
	for _, c := range cases {
		_, err := Import(t.Context(), c.cluster, mem, c.conn, c.opts)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: got %v, want %v", c.what, err, c.want)
		}
	}
	if got := render(t, mem, []string{"my-connector", "broken"}, "my-sink"); got != "\n" {
		t.Fatalf("refused imports wrote offsets:\n%s", got)
	}
	_, err := Export(t.Context(), mem, Cluster{}, "my-connector", Options{Source: true})
	if !errors.Is(err, ErrNoBrokers) {
		t.Fatalf("export without brokers: %v", err)
	}
}

// With Replace, an import also deletes what the destination has and Kafka Connect does not;
// without it, such offsets stay.
func TestIntegrationImportReplace(t *testing.T) {
	kc := startKafka(t, true)
	seedKafkaConnect(t, kc)
	for _, replace := range []bool{false, true} {
		t.Run(fmt.Sprintf("replace=%v", replace), func(t *testing.T) {
			mem := memory.New()
			if err := mem.AlterSourceOffsets(t.Context(), "my-connector", []store.SourceOffset{
				{Partition: map[string]any{"filename": "/tmp/only-here.txt"}, Offset: map[string]any{"position": 1}},
				{Partition: map[string]any{"filename": "/tmp/in.txt"}, Offset: map[string]any{"position": 1}},
			}); err != nil {
				t.Fatal(err)
			}
			if err := mem.AlterSinkOffsets(t.Context(), "my-sink", map[connect.TopicPartition]int64{{Topic: "gone", Partition: 0}: 3}); err != nil {
				t.Fatal(err)
			}
			for _, c := range []string{"my-connector", "my-sink"} {
				if _, err := Import(t.Context(), kc, mem, c, Options{Source: true, Sink: true, Replace: replace}); err != nil {
					t.Fatal(err)
				}
			}
			got := render(t, mem, []string{"my-connector"}, "my-sink")
			want := "sink my-sink orders/0 100\nsink my-sink orders/1 200\nsink my-sink orders/2 0\n" +
				"source my-connector {\"filename\":\"/tmp/in.txt\"} {\"position\":42}\n"
			if !replace {
				want = "sink my-sink gone/0 3\n" + want + "source my-connector {\"filename\":\"/tmp/only-here.txt\"} {\"position\":1}\n"
			}
			if got != want {
				t.Fatalf("after import:\n%s\nwant:\n%s", got, want)
			}
		})
	}
	// Exporting to a cluster without an offsets topic is refused (Kafka Connect creates it when
	// its workers start) and writes nothing.
	bare := startKafka(t, false)
	_, err := Export(t.Context(), memory.New(), bare, "my-connector", Options{Source: true})
	if !errors.Is(err, kafka.UnknownTopicOrPartition) {
		t.Fatalf("export without an offsets topic: %v", err)
	}
}
