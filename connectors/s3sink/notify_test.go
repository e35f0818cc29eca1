package s3sink

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/infra/devstack"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

const notifyTopic = "s3-objects"

// startNotifyKafka starts a kfake broker with the notification topic (one partition).
func startNotifyKafka(t *testing.T) *devstack.Kafka {
	t.Helper()
	return devstacktest.Kafka(t, devstack.KafkaOptions{Partitions: 1, Topics: []string{notifyTopic}})
}

// notifyProps are s.props with notifications to k and the keys stored in JSON files.
func notifyProps(s *testS3, k *devstack.Kafka, bucket string, extra map[string]string) map[string]string {
	p := s.props(bucket, map[string]string{
		"s3.compression.type":               "gzip",
		"store.kafka.keys":                  "true",
		"keys.format.class":                 JSONFormatClass,
		"s3.notification.topic":             notifyTopic,
		"s3.notification.bootstrap.servers": strings.Join(k.Brokers(), ","),
	})
	for key, v := range extra {
		p[key] = v
	}
	return p
}

// readNotifications reads every record of the notification topic up to its high watermark.
func readNotifications(t *testing.T, k *devstack.Kafka) []Notification {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := kafka.DialLeader(ctx, "tcp", k.Brokers()[0], notifyTopic, 0)
	if err != nil {
		t.Fatalf("dial leader: %v", err)
	}
	end, err := conn.ReadLastOffset()
	conn.Close()
	if err != nil {
		t.Fatalf("high watermark: %v", err)
	}
	r := kafka.NewReader(kafka.ReaderConfig{Brokers: k.Brokers(), Topic: notifyTopic, Partition: 0, MaxWait: 50 * time.Millisecond})
	defer r.Close()
	var out []Notification
	for off := int64(0); off < end; off++ {
		m, err := r.ReadMessage(ctx)
		if err != nil {
			t.Fatalf("read notification %d of %d: %v", off, end, err)
		}
		var n Notification
		if err := json.Unmarshal(m.Value, &n); err != nil {
			t.Fatalf("notification at %d: %v: %s", m.Offset, err, m.Value)
		}
		if string(m.Key) != n.Key {
			t.Errorf("notification at %d has record key %q, value key %q", m.Offset, m.Key, n.Key)
		}
		out = append(out, n)
	}
	return out
}

// objectOffsets reads a gzipped JSON value or keys file back: the offsets of its records
// (a value's offset field, or the number in a "k<offset>" key, which JsonFormat writes as
// base64 bytes).
func objectOffsets(t *testing.T, key string, body []byte) []int64 {
	t.Helper()
	var offs []int64
	sc := bufio.NewScanner(bytes.NewReader(gunzip(t, body)))
	for sc.Scan() {
		if strings.Contains(key, ".keys.") {
			var k []byte // JSON base64, as JsonFormat writes bytes
			if err := json.Unmarshal(sc.Bytes(), &k); err != nil {
				t.Fatalf("%s: %v", key, err)
			}
			off, err := strconv.ParseInt(strings.TrimPrefix(string(k), "k"), 10, 64)
			if err != nil {
				t.Fatalf("%s: key %q: %v", key, k, err)
			}
			offs = append(offs, off)
			continue
		}
		var v struct{ Offset int64 }
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		offs = append(offs, v.Offset)
	}
	return offs
}

// checkNotifications asserts that the notifications describe exactly the objects of the
// bucket (each at least once, all fields as read back) and returns how often each key came.
func checkNotifications(t *testing.T, s *testS3, bucket string, recs []connect.SinkRecord, got []Notification) map[string]int {
	t.Helper()
	objs := s.objects(t, bucket)
	ts := map[int64]int64{}
	for _, r := range recs {
		ts[r.KafkaOffset()] = r.Timestamp.UnixMilli()
	}
	seen := map[string]int{}
	for _, n := range got {
		seen[n.Key]++
		body, ok := objs[n.Key]
		if !ok {
			t.Errorf("notification for %q, which is not in the bucket", n.Key)
			continue
		}
		offs := objectOffsets(t, n.Key, body)
		want := Notification{Bucket: bucket, Key: n.Key, Topic: appLogs.Topic, Partition: appLogs.Partition,
			FirstOffset: offs[0], LastOffset: offs[len(offs)-1], RecordCount: len(offs), SizeBytes: int64(len(body)),
			Format: "json", Compression: "gzip"}
		lo, hi := ts[offs[0]], ts[offs[0]]
		for _, o := range offs {
			lo, hi = min(lo, ts[o]), max(hi, ts[o])
		}
		want.MinTimestamp, want.MaxTimestamp = &lo, &hi
		if n.MinTimestamp == nil || n.MaxTimestamp == nil {
			t.Errorf("%s: no timestamps in %+v", n.Key, n)
			continue
		}
		gotN := n
		gotN.MinTimestamp, gotN.MaxTimestamp = want.MinTimestamp, want.MaxTimestamp
		if gotN != want || *n.MinTimestamp != lo || *n.MaxTimestamp != hi {
			t.Errorf("notification %+v (timestamps %d..%d)\nwant %+v (timestamps %d..%d)", n, *n.MinTimestamp, *n.MaxTimestamp, want, lo, hi)
		}
	}
	for key := range objs {
		if seen[key] == 0 {
			t.Errorf("object %q has no notification", key)
		}
	}
	return seen
}

func TestIntegrationNotificationPerObject(t *testing.T) {
	s := startS3(t)
	k := startNotifyKafka(t)
	s.bucket(t, "archive")
	ctx := context.Background()
	rt := &stubRuntime{t: t, tps: []connect.TopicPartition{appLogs}}
	task := startTask(t, notifyProps(s, k, "archive", nil), rt)
	recs := logRecords(appLogs, 1200, 10)
	if err := rt.slice(ctx, task, []partitionLog{{tp: appLogs, records: recs}}, map[connect.TopicPartition]int64{appLogs: 1200}, 4, -1); err != nil {
		t.Fatal(err)
	}
	committed, err := task.PreCommit(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if committed[appLogs] != 1210 {
		t.Fatalf("committed %v, want 1210", committed)
	}
	got := readNotifications(t, k)
	seen := checkNotifications(t, s, "archive", recs, got)
	// flush.size 3 over 10 records: 4 value files and their 4 keys files, notified once each.
	if len(got) != 8 || len(seen) != 8 {
		t.Errorf("%d notifications for %d keys, want 8 for 8: %v", len(got), len(seen), seen)
	}
	for key, n := range seen {
		if n != 1 {
			t.Errorf("%s notified %d times in a run without failures", key, n)
		}
	}
}

// TestIntegrationNotificationFailedRun: a run fails (a tombstone under
// behavior.on.null.values=fail) after uploading some files, with one file still open, and is
// flushed without uploading (s3.flush.on.slice.end=false). The uploaded files are notified,
// the open file is not; the re-run finds the uploaded files in the bucket and notifies them
// again (at least once) before committing past them.
func TestIntegrationNotificationFailedRun(t *testing.T) {
	s := startS3(t)
	k := startNotifyKafka(t)
	s.bucket(t, "archive")
	ctx := context.Background()
	recs := logRecords(appLogs, 0, 10)
	recs[7].Value = nil
	logs := []partitionLog{{tp: appLogs, records: recs}}
	from := map[connect.TopicPartition]int64{appLogs: 0}

	rt := &stubRuntime{t: t, tps: []connect.TopicPartition{appLogs}}
	task := startTask(t, notifyProps(s, k, "archive", map[string]string{"s3.flush.on.slice.end": "false"}), rt)
	if err := rt.slice(ctx, task, logs, from, 4, -1); !errors.Is(err, ErrNullValue) {
		t.Fatalf("first run: %v, want ErrNullValue", err)
	}
	if err := task.Flush(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if err := task.Stop(); err != nil {
		t.Fatal(err)
	}
	// Files [0..2] and [3..5] were uploaded during Put; [6] was open and never uploaded.
	first := checkNotifications(t, s, "archive", recs, readNotifications(t, k))
	if len(first) != 4 {
		t.Errorf("failed run notified %v, want the value and keys files at 0 and 3", first)
	}
	for key := range first {
		if strings.Contains(key, "+0000000006.") {
			t.Errorf("notification for the open file of the failed run: %s", key)
		}
	}

	rt2 := &stubRuntime{t: t, tps: []connect.TopicPartition{appLogs}}
	task2 := startTask(t, notifyProps(s, k, "archive", map[string]string{"behavior.on.null.values": "ignore", "report.null.values.to.dlq": "false"}), rt2)
	if err := rt2.slice(ctx, task2, logs, from, 4, -1); err != nil {
		t.Fatal(err)
	}
	committed, err := task2.PreCommit(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if committed[appLogs] != 10 {
		t.Fatalf("committed %v, want 10", committed)
	}
	seen := checkNotifications(t, s, "archive", recs, readNotifications(t, k))
	// Value and keys files at 0, 3 and 6 (6, 8, 9: the tombstone is skipped); the failed
	// run's files were notified by both runs.
	if len(seen) != 6 {
		t.Errorf("notified keys %v, want 6", seen)
	}
	for key, n := range seen {
		want := 1
		if first[key] > 0 {
			want = 2
		}
		if n != want {
			t.Errorf("%s notified %d times, want %d", key, n, want)
		}
	}
	stored := map[int64]int{}
	for key, body := range s.objects(t, "archive") {
		if !strings.Contains(key, ".keys.") {
			for _, o := range objectOffsets(t, key, body) {
				stored[o]++
			}
		}
	}
	for off := int64(0); off < 10; off++ {
		want := 1
		if off == 7 {
			want = 0 // the tombstone, ignored
		}
		if stored[off] != want {
			t.Errorf("offset %d stored %d times, want %d", off, stored[off], want)
		}
	}
}

// TestIntegrationNotificationUnsent: with the broker gone, PreCommit fails with
// ErrNotification and reports no offset past an object whose notification was not sent; once
// the notifications can be sent, the offsets follow.
func TestIntegrationNotificationUnsent(t *testing.T) {
	s := startS3(t)
	k := startNotifyKafka(t)
	s.bucket(t, "archive")
	ctx := context.Background()
	rt := &stubRuntime{t: t, tps: []connect.TopicPartition{appLogs}}
	props := notifyProps(s, k, "archive", nil)
	task := startTask(t, props, rt)
	recs := logRecords(appLogs, 0, 6)
	if err := rt.slice(ctx, task, []partitionLog{{tp: appLogs, records: recs}}, map[connect.TopicPartition]int64{appLogs: 0}, 6, -1); err != nil {
		t.Fatal(err)
	}
	if err := k.Close(); err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	committed, err := task.PreCommit(cctx, nil)
	if !errors.Is(err, ErrNotification) || !connect.IsRetriable(err) {
		t.Fatalf("pre-commit with the broker gone: %v, want a retriable ErrNotification", err)
	}
	if off, ok := committed[appLogs]; ok && off > 0 {
		t.Errorf("pre-commit reported offset %d past objects without notification", off)
	}
	if n := len(s.objects(t, "archive")); n != 4 {
		t.Errorf("%d objects in the bucket, want 4 (two value and two keys files)", n)
	}

	// The queued notifications go to the broker of a restarted task's configuration too:
	// point the same task at a new broker and flush again.
	k2 := startNotifyKafka(t)
	task.notifier.Close()
	props["s3.notification.bootstrap.servers"] = strings.Join(k2.Brokers(), ",")
	cfg, err := ParseConfig(props)
	if err != nil {
		t.Fatal(err)
	}
	task.notifier = newNotifier(cfg)
	committed, err = task.PreCommit(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if committed[appLogs] != 6 {
		t.Errorf("committed %v after the notifications were sent, want 6", committed)
	}
	seen := checkNotifications(t, s, "archive", recs, readNotifications(t, k2))
	if len(seen) != 4 {
		t.Errorf("notified keys %v, want 4", seen)
	}
}

// TestIntegrationNotificationWallclockRecovery: with the Wallclock extractor a killed run's
// files are found by listing the recent time directories; the re-run notifies each of them
// (value and keys files) from the object metadata before committing past them.
func TestIntegrationNotificationWallclockRecovery(t *testing.T) {
	s := startS3(t)
	k := startNotifyKafka(t)
	s.bucket(t, "archive")
	ctx := context.Background()
	props := notifyProps(s, k, "archive", map[string]string{"partitioner.class": HourlyPartitionerClass, "locale": "en", "timezone": "UTC"})
	recs := logRecords(appLogs, 0, 6)
	logs := []partitionLog{{tp: appLogs, records: recs}}
	from := map[connect.TopicPartition]int64{appLogs: 0}

	rt := &stubRuntime{t: t, tps: []connect.TopicPartition{appLogs}}
	killed := startTask(t, props, rt)
	if err := rt.slice(ctx, killed, logs, from, 6, -1); err != nil {
		t.Fatal(err)
	}
	killed.Stop() // killed after two size rotations: uploaded, never flushed nor notified
	if got := readNotifications(t, k); len(got) != 0 {
		t.Fatalf("killed run sent %d notifications without a flush", len(got))
	}

	rt2 := &stubRuntime{t: t, tps: []connect.TopicPartition{appLogs}}
	task := startTask(t, props, rt2)
	if err := rt2.slice(ctx, task, logs, from, 6, -1); err != nil {
		t.Fatal(err)
	}
	committed, err := task.PreCommit(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if committed[appLogs] != 6 {
		t.Fatalf("committed %v, want 6", committed)
	}
	seen := checkNotifications(t, s, "archive", recs, readNotifications(t, k))
	if len(seen) != 4 {
		t.Errorf("notified keys %v, want the value and keys files at 0 and 3", seen)
	}
	for key, n := range seen {
		if n != 1 {
			t.Errorf("%s notified %d times, want 1", key, n)
		}
	}
}
