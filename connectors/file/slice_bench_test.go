package file_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/connectless/connectless/connectors/file"
	"github.com/connectless/connectless/core/connect/connecttest"
	"github.com/connectless/connectless/core/convert"
	"github.com/connectless/connectless/core/kafka"
	"github.com/connectless/connectless/core/taskrun"
	"github.com/connectless/connectless/infra/devstack"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

// BenchmarkSourceSliceToKafka runs FileStreamSource (StringConverter) through a whole source
// slice, as P7's worker/source-file does: 100,000 log lines of about 200 bytes read from a
// file and produced with acks=all to a kfake broker in its own process (4 partitions). The
// slice ends once every line was polled (MaxRecords), so the idle polls at the end of the
// file are not part of it; records/s is end to end, per slice.
func BenchmarkSourceSliceToKafka(b *testing.B) {
	const n = 100_000
	path := filepath.Join(b.TempDir(), "logs.txt")
	var buf bytes.Buffer
	for i := range n {
		buf.WriteString(`{"ts":"2026-12-07T13:00:00.` + strconv.Itoa(100000+i%900000) + `Z","level":"info","msg":"request served","i":` + strconv.Itoa(i) + `,"pad":"`)
		buf.Write(bytes.Repeat([]byte("p"), 110))
		buf.WriteString("\"}\n")
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		b.Fatal(err)
	}
	c, conv := sliceSetup(b, devstack.KafkaOptions{OutOfProcess: true, Partitions: 4, Topics: []string{"logs"}})
	props := map[string]string{file.FileConfig: path, file.TopicConfig: "logs"}
	b.SetBytes(int64(buf.Len()))
	b.ReportAllocs()
	for b.Loop() {
		res, err := taskrun.RunSourceSlice(b.Context(), nil, taskrun.SourceSlice{
			Task: (&file.SourceConnector{}).NewTask(), TaskConfig: props, OffsetReader: &connecttest.Offsets{},
			Client: c, MaxRecords: n, Converters: conv,
		})
		if err != nil || res.Produced != n {
			b.Fatalf("slice produced %d of %d records: %v", res.Produced, n, err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "records/s")
}

// sliceSetup starts a kfake broker and returns a client on it and StringConverters, as a
// source slice of FileStreamSource runs with them.
func sliceSetup(t testing.TB, opts devstack.KafkaOptions) (*kafka.Client, taskrun.Converters) {
	t.Helper()
	k := devstacktest.Kafka(t, opts)
	c, err := kafka.NewClient(kafka.Options{Brokers: k.Brokers(), Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	key, err := convert.New("org.apache.kafka.connect.storage.StringConverter", nil, true)
	if err != nil {
		t.Fatal(err)
	}
	value, err := convert.New("org.apache.kafka.connect.storage.StringConverter", nil, false)
	if err != nil {
		t.Fatal(err)
	}
	return c, taskrun.Converters{Key: key, Value: value}
}
