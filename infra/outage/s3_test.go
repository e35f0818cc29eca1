package outage

import (
	"bufio"
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/connectless/connectless/core/schedule"
	"github.com/connectless/connectless/core/worker"
	"github.com/connectless/connectless/infra/devstack"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

// TestIntegrationS3OutageDuringArchive archives 30,000 records with the S3 sink on a worker
// while versitygw is stopped twice (and started again on the same port and directory). The
// tasks stay RUNNING, say "retrying since" while S3 is away, and every record ends in
// exactly one object.
func TestIntegrationS3OutageDuringArchive(t *testing.T) {
	const records, topic, bucket = 30000, "orders", "archive"
	k := devstacktest.Kafka(t, devstack.KafkaOptions{Topics: []string{topic}, Partitions: 4})
	gw := devstacktest.S3(t)
	ctx := context.Background()
	if err := gw.CreateBucket(ctx, bucket); err != nil {
		t.Fatal(err)
	}
	values := numbered(`{"n":%d}`, records)
	produce(t, k.Brokers(), topic, values[:records/2])

	base := startWorker(t, map[string]string{
		"bootstrap.servers":        strings.Join(k.Brokers(), ","),
		"state.backend":            "memory",
		"offset.flush.interval.ms": "2000",
		"task.lease.timeout.ms":    "3000",
	}, worker.Options{})
	var created map[string]any
	code := restJSON(t, "POST", base+"/connectors", map[string]any{"name": "arch", "config": map[string]string{
		"connector.class": "io.confluent.connect.s3.S3SinkConnector", "topics": topic, "tasks.max": "2",
		"s3.bucket.name": bucket, "s3.region": gw.Region, "store.url": gw.Endpoint,
		"aws.access.key.id": gw.AccessKey, "aws.secret.access.key": gw.SecretKey,
		"storage.class": "io.confluent.connect.s3.storage.S3Storage",
		"format.class":  "io.confluent.connect.s3.format.json.JsonFormat", "flush.size": "500",
		"value.converter": "org.apache.kafka.connect.json.JsonConverter", "value.converter.schemas.enable": "false",
		// One SDK attempt per call and short waits between slices keep the test short.
		"s3.part.retries": "0", "errors.retry.delay.max.ms": "500",
	}}, &created)
	if code != 201 {
		t.Fatalf("create connector: %d %v", code, created)
	}
	client, err := gw.NewClient(ctx)
	if err != nil {
		t.Fatal(err)
	}
	recovered := func() bool {
		tasks := tasksStatus(t, base, "arch")
		for _, ts := range tasks {
			if ts.State != "RUNNING" || ts.Trace != "" {
				return false
			}
		}
		return len(tasks) == 2
	}
	for outage, after := range []int{10, 40} {
		eventually(t, 60*time.Second, "objects before the outage", func() bool { return len(listKeys(t, client, bucket)) >= after })
		if err := gw.Stop(); err != nil {
			t.Fatal(err)
		}
		stopped := time.Now().Truncate(time.Second)
		var seen string
		eventually(t, 20*time.Second, "a task retrying during the outage", func() bool {
			for _, ts := range tasksStatus(t, base, "arch") {
				note := schedule.ParseNote(ts.Trace)
				if ts.State == "RUNNING" && note.Retrying() && !note.RetryingSince.Before(stopped) {
					seen = ts.Trace
					return true
				}
				if ts.State == "FAILED" {
					t.Fatalf("outage %d: task %d FAILED: %s", outage+1, ts.ID, ts.Trace)
				}
			}
			return false
		})
		t.Logf("outage %d: status shows %q", outage+1, firstLine(seen))
		if !strings.Contains(seen, "attempt ") || !strings.Contains(seen, "connection refused") {
			t.Errorf("retry trace %q does not give the attempt and the cause", seen)
		}
		time.Sleep(time.Until(stopped.Add(2 * time.Second)))
		if err := gw.Start(ctx); err != nil {
			t.Fatal(err)
		}
		eventually(t, 30*time.Second, "tasks recovered after the outage", recovered)
		if outage == 0 {
			produce(t, k.Brokers(), topic, values[records/2:])
		}
	}
	var counts map[string]int
	eventually(t, 90*time.Second, "every record archived", func() bool {
		counts = archived(t, client, bucket)
		return len(counts) >= records
	})
	for n, c := range counts {
		if c != 1 {
			t.Errorf("record %s archived %d times", n, c)
		}
	}
	if len(counts) != records {
		t.Errorf("%d distinct records archived, want %d", len(counts), records)
	}
	eventually(t, 20*time.Second, "tasks RUNNING without trace", recovered)
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func listKeys(t *testing.T, c *s3.Client, bucket string) []string {
	t.Helper()
	var keys []string
	p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			return keys // the gateway may be restarting
		}
		for _, o := range page.Contents {
			keys = append(keys, aws.ToString(o.Key))
		}
	}
	return keys
}

// archived counts each JSON line (a record's value) over every object of the bucket.
func archived(t *testing.T, c *s3.Client, bucket string) map[string]int {
	t.Helper()
	counts := map[string]int{}
	for _, key := range listKeys(t, c, bucket) {
		out, err := c.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
		if err != nil {
			t.Fatalf("get %s: %v", key, err)
		}
		var buf bytes.Buffer
		_, err = buf.ReadFrom(out.Body)
		out.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(&buf)
		for sc.Scan() {
			if line := strings.TrimSpace(sc.Text()); line != "" {
				counts[line]++
			}
		}
	}
	return counts
}
