package s3sink

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
)

var errTolerance = errors.New("tolerance exceeded in error handler")

// TestIntegrationBadInput checks each documented outcome for records the sink cannot write,
// and that nothing is committed past what is stored.
func TestIntegrationBadInput(t *testing.T) {
	s := startS3(t)
	s.bucket(t, "bad")
	withNull := func() []connect.SinkRecord {
		recs := logRecords(appLogs, 0, 4)
		recs[2].Value = nil
		return recs
	}
	noTimestamp := func() []connect.SinkRecord {
		recs := logRecords(appLogs, 0, 4)
		recs[1].Timestamp = time.Time{}
		return recs
	}
	badJSON := func() []connect.SinkRecord {
		recs := logRecords(appLogs, 0, 4)
		recs[1].Value = map[string]any{"ch": make(chan int)}
		recs[3].Value = []byte{0xff, 'n', 'o', 't', ' ', 'j', 's', 'o', 'n'}
		return recs
	}
	tests := []struct {
		name       string
		props      map[string]string
		recs       []connect.SinkRecord
		reportErr  error
		wantErr    error
		wantReport []int64
		wantKeys   []string
		wantCommit int64 // -1: nothing
		wantBody   string
	}{
		{name: "null fail", props: map[string]string{"behavior.on.null.values": "fail"}, recs: withNull(), wantErr: ErrNullValue,
			wantKeys: nil, wantCommit: 2},
		{name: "null ignore", props: map[string]string{"behavior.on.null.values": "ignore"}, recs: withNull(), wantReport: []int64{2},
			wantKeys: []string{"partition=3/app-logs+3+0000000000.json"}, wantCommit: 4},
		{name: "null ignore unreported", props: map[string]string{"behavior.on.null.values": "ignore", "report.null.values.to.dlq": "false"}, recs: withNull(),
			wantKeys: []string{"partition=3/app-logs+3+0000000000.json"}, wantCommit: 4},
		{name: "null write", props: map[string]string{"behavior.on.null.values": "write", "store.kafka.keys": "true", "keys.format.class": ByteArrayFormatClass}, recs: withNull(),
			wantKeys: []string{"partition=3/app-logs+3+0000000000.json", "partition=3/app-logs+3+0000000000.keys.bin", "tombstone/app-logs+3+0000000002.keys.bin"}, wantCommit: 4},
		{name: "no record timestamp", props: map[string]string{"partitioner.class": HourlyPartitionerClass, "locale": "en", "timezone": "UTC", "timestamp.extractor": "Record"}, recs: noTimestamp(), wantReport: []int64{1},
			wantKeys: []string{"year=2024/month=01/day=05/hour=07/app-logs+3+0000000000.json"}, wantCommit: 4},
		{name: "unencodable and raw bytes", recs: badJSON(), wantReport: []int64{1},
			wantKeys: []string{"partition=3/app-logs+3+0000000000.json"}, wantCommit: 4, wantBody: `"/25vdCBqc29u"`},
		{name: "tolerance none", recs: badJSON(), reportErr: errTolerance, wantErr: errTolerance, wantReport: []int64{1},
			wantKeys: nil, wantCommit: 1},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			dir := "case" + string(rune('a'+i))
			props := s.props("bad", map[string]string{"flush.size": "100", "topics.dir": dir})
			for k, v := range tt.props {
				props[k] = v
			}
			rt := &stubRuntime{t: t, tps: []connect.TopicPartition{appLogs}, reportErr: tt.reportErr}
			task := startTask(t, props, rt)
			err := task.Put(ctx, tt.recs)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("put: %v, want %v", err, tt.wantErr)
				}
			} else if err != nil {
				t.Fatalf("put: %v", err)
			}
			var reported []int64
			for i, r := range rt.reported {
				reported = append(reported, r.KafkaOffset())
				named, ok := rt.errs[i].(interface{ ExceptionClassName() string })
				if !ok || !strings.HasSuffix(named.ExceptionClassName(), "Exception") {
					t.Errorf("reported error %v names no Java exception class", rt.errs[i])
				}
			}
			if !slices.Equal(reported, tt.wantReport) {
				t.Errorf("reported offsets %v, want %v", reported, tt.wantReport)
			}
			if tt.wantErr != nil {
				// The runtime fails the task: it neither flushes nor commits more than PreCommit says.
				// Whatever it commits is stored: the offsets below the commit and nothing else.
				got, _ := task.PreCommit(ctx, nil)
				if off := got[appLogs]; off != tt.wantCommit {
					t.Errorf("committed %d after a failed put, want %d", off, tt.wantCommit)
				}
				seen := offsetsInBucket(t, s, "bad", dir+"/")
				assertExactlyOnce(t, seen, 0, tt.wantCommit)
				return
			}
			got, err := task.PreCommit(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got[appLogs] != tt.wantCommit {
				t.Errorf("committed %v, want %d", got, tt.wantCommit)
			}
			objs := s.objectsUnder(t, "bad", dir+"/")
			var keys []string
			for k := range objs {
				keys = append(keys, strings.TrimPrefix(k, dir+"/app-logs/"))
			}
			slices.Sort(keys)
			if !slices.Equal(keys, tt.wantKeys) {
				t.Errorf("keys %v, want %v", keys, tt.wantKeys)
			}
			if tt.wantBody != "" {
				body := string(objs[dir+"/app-logs/"+tt.wantKeys[0]])
				if !strings.Contains(body, tt.wantBody) {
					t.Errorf("body %q does not contain %s", body, tt.wantBody)
				}
			}
		})
	}
}

// An S3 outage during Put is a retriable error; the runtime redelivers the batch and the
// files come out as without the outage, each offset once, nothing committed past the upload.
func TestIntegrationStoreOutageRetried(t *testing.T) {
	s := startS3(t)
	s.bucket(t, "outage")
	ctx := context.Background()
	rt := &stubRuntime{t: t, tps: []connect.TopicPartition{appLogs}}
	task := startTask(t, s.props("outage", map[string]string{"flush.size": "3", "s3.part.retries": "0"}), rt)
	good := task.store.client
	task.store.client = startS3WithEndpoint(t, "http://127.0.0.1:1")
	batch := logRecords(appLogs, 0, 5)
	err := task.Put(ctx, slices.Clone(batch))
	if !connect.IsRetriable(err) {
		t.Fatalf("put during an outage: %v, want a retriable error", err)
	}
	got, _ := task.PreCommit(ctx, nil)
	if got[appLogs] != 0 {
		t.Errorf("committed %v during the outage, want 0", got)
	}
	task.store.client = good
	if err := task.Put(ctx, slices.Clone(batch)); err != nil {
		t.Fatalf("redelivered put: %v", err)
	}
	if got, err = task.PreCommit(ctx, nil); err != nil || got[appLogs] != 5 {
		t.Fatalf("committed %v (%v), want 5", got, err)
	}
	var keys []string
	for k := range s.objectsUnder(t, "outage", "") {
		keys = append(keys, k[strings.LastIndex(k, "/")+1:])
	}
	slices.Sort(keys)
	if want := []string{"app-logs+3+0000000000.json", "app-logs+3+0000000003.json"}; !slices.Equal(keys, want) {
		t.Errorf("keys %v, want %v", keys, want)
	}
	assertExactlyOnce(t, offsetsInBucket(t, s, "outage", ""), 0, 5)
}
