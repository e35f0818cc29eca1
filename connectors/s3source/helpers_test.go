package s3source

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/connectless/connectless/connectors/s3sink"
	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/infra/devstack"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

// testS3 is a versitygw gateway with a client for setting up buckets.
type testS3 struct {
	*devstack.S3
	client *s3.Client
}

func startS3(t *testing.T) *testS3 {
	t.Helper()
	d := devstacktest.S3(t)
	c, err := d.NewClient(context.Background())
	if err != nil {
		t.Fatalf("s3 client: %v", err)
	}
	return &testS3{S3: d, client: c}
}

func (s *testS3) bucket(t *testing.T, name string) {
	t.Helper()
	if _, err := s.client.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: &name}); err != nil {
		t.Fatalf("create bucket: %v", err)
	}
}

func (s *testS3) put(t *testing.T, bucket, key string, body []byte) {
	t.Helper()
	if _, err := s.client.PutObject(context.Background(), &s3.PutObjectInput{Bucket: &bucket, Key: &key, Body: bytes.NewReader(body)}); err != nil {
		t.Fatalf("put %s: %v", key, err)
	}
}

// common returns the keys sink and source share for this gateway.
func (s *testS3) common(bucket string, extra map[string]string) map[string]string {
	p := map[string]string{
		"s3.bucket.name":        bucket,
		"s3.region":             "us-east-1",
		"store.url":             s.Endpoint,
		"aws.access.key.id":     s.AccessKey,
		"aws.secret.access.key": s.SecretKey,
		"s3.part.retries":       "1",
	}
	maps.Copy(p, extra)
	return p
}

// sinkCtx is the sink task's runtime context in these tests.
type sinkCtx struct{ tps []connect.TopicPartition }

func (c sinkCtx) Assignment() []connect.TopicPartition          { return c.tps }
func (c sinkCtx) ResetOffsets(map[connect.TopicPartition]int64) {}
func (c sinkCtx) Reporter() connect.ErrantRecordReporter        { return c }
func (c sinkCtx) Logger() *slog.Logger                          { return slog.New(slog.DiscardHandler) }
func (c sinkCtx) Report(context.Context, connect.SinkRecord, error) error {
	return errors.New("no errant records expected")
}

// archive writes records with the real S3 sink task (Start, Open, Put, Flush, PreCommit).
func archive(t *testing.T, props map[string]string, records []connect.SinkRecord) {
	t.Helper()
	ctx := context.Background()
	var tps []connect.TopicPartition
	for _, r := range records {
		tp := connect.TopicPartition{Topic: r.Topic, Partition: r.KafkaPartition()}
		if !slices.Contains(tps, tp) {
			tps = append(tps, tp)
		}
	}
	task := s3sink.NewTask(slog.New(slog.DiscardHandler))
	if err := task.Start(ctx, props, sinkCtx{tps: tps}); err != nil {
		t.Fatalf("sink start: %v", err)
	}
	defer task.Stop()
	if err := task.Open(ctx, tps); err != nil {
		t.Fatalf("sink open: %v", err)
	}
	for i := 0; i < len(records); i += 4 {
		if err := task.Put(ctx, slices.Clone(records[i:min(i+4, len(records))])); err != nil {
			t.Fatalf("sink put: %v", err)
		}
	}
	if err := task.Flush(ctx, nil); err != nil {
		t.Fatalf("sink flush: %v", err)
	}
	if _, err := task.PreCommit(ctx, nil); err != nil {
		t.Fatalf("sink precommit: %v", err)
	}
}

// offsets is an offset store for tests: committed offsets go through JSON as in a real store.
type offsets struct {
	mu sync.Mutex
	m  map[string][]byte
}

func newOffsets() *offsets { return &offsets{m: map[string][]byte{}} }

func canonical(p map[string]any) string { b, _ := json.Marshal(p); return string(b) }

func (o *offsets) commit(_ context.Context, offs []store.SourceOffset) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, so := range offs {
		b, err := json.Marshal(so.Offset)
		if err != nil {
			return err
		}
		o.m[canonical(so.Partition)] = b
	}
	return nil
}

func (o *offsets) Offset(_ context.Context, p map[string]any) (map[string]any, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	b, ok := o.m[canonical(p)]
	if !ok {
		return nil, nil
	}
	var out map[string]any
	return out, json.Unmarshal(b, &out)
}

func (o *offsets) OffsetReader() connect.OffsetReader { return o }
func (o *offsets) Logger() *slog.Logger               { return slog.New(slog.DiscardHandler) }

// restoreAll runs a source task until it is done and returns its records.
func restoreAll(t *testing.T, props map[string]string, tctx connect.SourceTaskContext) []connect.SourceRecord {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	task := NewTask(nil)
	if err := task.Start(ctx, props, tctx); err != nil {
		t.Fatalf("source start: %v", err)
	}
	defer task.Stop()
	var out []connect.SourceRecord
	for !task.Done() {
		recs, err := task.Poll(ctx)
		if err != nil {
			t.Fatalf("poll: %v", err)
		}
		out = append(out, recs...)
	}
	return out
}

// normal renders a Connect value in a comparable form: structs as maps of field values,
// integers as int64, time as epoch ms, bytes as strings.
func normal(v any) any {
	switch x := v.(type) {
	case *connect.Struct:
		m := map[string]any{}
		for _, f := range x.Schema().Fields {
			fv, _ := x.Get(f.Name)
			m[f.Name] = normal(fv)
		}
		return m
	case map[string]any:
		m := map[string]any{}
		for k, e := range x {
			m[k] = normal(e)
		}
		return m
	case map[any]any:
		m := map[string]any{}
		for k, e := range x {
			m[fmt.Sprint(k)] = normal(e)
		}
		return m
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normal(e)
		}
		return out
	case int8:
		return int64(x)
	case int16:
		return int64(x)
	case int32:
		return int64(x)
	case int:
		return int64(x)
	case time.Time:
		return x.UnixMilli()
	case []byte:
		return string(x)
	}
	return v
}

func headerPairs(h connect.Headers) []string {
	var out []string
	for _, e := range h {
		out = append(out, fmt.Sprintf("%s=%v", e.Key, e.Value))
	}
	return out
}
