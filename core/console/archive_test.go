package console_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/chromedp/chromedp"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/connectless/connectless/connectors/s3sink"
	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/infra/devstack"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

// archiveRecords is how many records the archive tests write: three objects of flush.size 3.
const archiveRecords = 9

// archived runs a worker whose S3 sink "archiver" has written archiveRecords records of topic
// orders (one partition) to a versitygw bucket, three objects of three, and returns the
// worker's URL, the broker and an S3 client.
func archived(t *testing.T) (string, *devstack.Kafka, *s3.Client) {
	t.Helper()
	k := devstacktest.Kafka(t, devstack.KafkaOptions{AutoCreateTopics: true, Partitions: 1})
	store := devstacktest.S3(t)
	client, err := store.NewClient(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	bucket := "archive"
	if _, err := client.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: &bucket}); err != nil {
		t.Fatalf("create bucket: %v", err)
	}
	base := startWorkerOn(t, k, nil)

	kc, err := kgo.NewClient(kgo.SeedBrokers(k.Addr()), kgo.AllowAutoTopicCreation())
	if err != nil {
		t.Fatal(err)
	}
	defer kc.Close()
	for i := range archiveRecords {
		r := &kgo.Record{Topic: "orders", Value: fmt.Appendf(nil, "order-%d", i)}
		if err := kc.ProduceSync(context.Background(), r).FirstErr(); err != nil {
			t.Fatalf("produce: %v", err)
		}
	}
	postJSON(t, base+"/connectors", map[string]any{"name": "archiver", "config": map[string]string{
		"connector.class":       s3sink.ConnectorClass,
		"topics":                "orders",
		"storage.class":         s3sink.StorageClass,
		"format.class":          s3sink.JSONFormatClass,
		"flush.size":            "3",
		"s3.bucket.name":        bucket,
		"s3.region":             "us-east-1",
		"store.url":             store.Endpoint,
		"aws.access.key.id":     store.AccessKey,
		"aws.secret.access.key": store.SecretKey,
		"s3.part.retries":       "1",
	}}, http.StatusCreated)
	return base, k, client
}

// listArchive polls the archive endpoint until it lists want objects.
func listArchive(t *testing.T, url string, want int) []connect.ArchiveObject {
	t.Helper()
	var objs []connect.ArchiveObject
	deadline := time.Now().Add(30 * time.Second)
	for {
		objs = nil
		code, body := getBody(t, url)
		if code != http.StatusOK {
			t.Fatalf("GET %s: %d %s", url, code, body)
		}
		if err := json.Unmarshal(body, &objs); err != nil {
			t.Fatalf("archive listing: %v: %s", err, body)
		}
		if len(objs) >= want || time.Now().After(deadline) {
			return objs
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// TestIntegrationArchiveEndpoint lists what the real S3 sink wrote to versitygw through
// GET /connectors/{c}/archive: one object per flush.size records, with the record count and
// first/last offsets of the object metadata; 404 for a connector that writes no archive.
func TestIntegrationArchiveEndpoint(t *testing.T) {
	base, _, client := archived(t)
	objs := listArchive(t, base+"/connectors/archiver/archive?topic=orders&partition=0", 3)
	if len(objs) != 3 {
		t.Fatalf("archive lists %d objects, want 3: %+v", len(objs), objs)
	}
	for i, o := range objs {
		first, last := int64(3*i), int64(3*i+2)
		if o.Topic != "orders" || o.Partition != 0 || o.Bucket != "partition=0" || o.Size <= 0 ||
			o.RecordCount == nil || *o.RecordCount != 3 || o.FirstOffset == nil || *o.FirstOffset != first ||
			o.LastOffset == nil || *o.LastOffset != last {
			t.Errorf("object %d = %+v (count %v, first %v, last %v), want orders/0 partition=0, 3 records, offsets %d..%d",
				i, o, deref(o.RecordCount), deref(o.FirstOffset), deref(o.LastOffset), first, last)
		}
		if want := fmt.Sprintf("topics/orders/partition=0/orders+0+%010d.json", first); o.Key != want {
			t.Errorf("object %d key = %q, want %q", i, o.Key, want)
		}
	}
	// An object of the layout written by another tool (no metadata) is listed with unknown
	// counts; keys that are not data objects of the layout are not listed.
	for _, key := range []string{"topics/orders/partition=0/orders+0+0000000100.json", "topics/orders/README.txt"} {
		if _, err := client.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String("archive"), Key: aws.String(key),
			Body: strings.NewReader("\"x\"\n")}); err != nil {
			t.Fatal(err)
		}
	}
	objs = listArchive(t, base+"/connectors/archiver/archive?topic=orders", 4)
	if len(objs) != 4 || objs[3].Key != "topics/orders/partition=0/orders+0+0000000100.json" ||
		objs[3].RecordCount != nil || objs[3].LastOffset != nil || deref(objs[3].FirstOffset) != int64(100) {
		t.Errorf("with a foreign object the archive lists %+v, want it last with first offset 100 from its key and no counts", objs)
	}
	if objs := listArchive(t, base+"/connectors/archiver/archive?partition=1", 0); len(objs) != 0 {
		t.Errorf("partition 1 lists %d objects, want none", len(objs))
	}
	if objs := listArchive(t, base+"/connectors/archiver/archive", 4); len(objs) != 4 {
		t.Errorf("the whole archive lists %d objects, want 4", len(objs))
	}
	for _, c := range []struct {
		path string
		code int
	}{
		{"/connectors/nope/archive", http.StatusNotFound},
		{"/connectors/archiver/archive?partition=x", http.StatusBadRequest},
	} {
		if code, body := getBody(t, base+c.path); code != c.code {
			t.Errorf("GET %s = %d %s, want %d", c.path, code, body, c.code)
		}
	}
	// A connector that writes no archive: a FileStream sink.
	postJSON(t, base+"/connectors", map[string]any{"name": "lines", "config": map[string]string{
		"connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector", "topics": "orders",
		"file": t.TempDir() + "/out.txt"}}, http.StatusCreated)
	if code, body := getBody(t, base+"/connectors/lines/archive"); code != http.StatusNotFound || !strings.Contains(string(body), "archive") {
		t.Errorf("archive of a FileStream sink = %d %s, want 404 naming the archive", code, body)
	}
}

// TestIntegrationArchiveBrowser opens the archive page from the S3 sink's connector page, sees
// its objects, and restores the topic through the "restore" form: the S3 source it creates
// produces every archived record to orders-restored.
func TestIntegrationArchiveBrowser(t *testing.T) {
	ctx := browser(t)
	base, k, _ := archived(t)
	listArchive(t, base+"/connectors/archiver/archive", 3)
	run(t, ctx, "open the archive from the connector page",
		chromedp.Navigate(base+"/ui/connectors/archiver"),
		waitText(`#archive-link`, "3 objects"),
		chromedp.Click(chromedp.CSS(`#archive-link`)),
		chromedp.WaitVisible(chromedp.CSS(`body[data-page=archive][data-ready]`)),
		waitText(`#archive-summary`, "3 objects"),
		waitText(`#archive-summary`, "9 records"))
	rows := eval[[]string](t, ctx, `[...document.querySelectorAll("#objects tr")].map(r => r.dataset.key + " " + r.querySelector(".records").textContent)`)
	want := []string{"topics/orders/partition=0/orders+0+0000000000.json 3", "topics/orders/partition=0/orders+0+0000000003.json 3",
		"topics/orders/partition=0/orders+0+0000000006.json 3"}
	if !slices.Equal(rows, want) {
		t.Errorf("archive rows = %q, want %q", rows, want)
	}
	shoot(t, ctx, screenshotDir(t), "archive", base+"/ui/archive/archiver", `#objects tr`)

	run(t, ctx, "restore the topic",
		chromedp.Click(chromedp.CSS(`.restore-topic[data-topic=orders]`)),
		waitText(`#restore-config`, `"restore.offset.end": "9"`),
		chromedp.Click(chromedp.CSS(`#restore-create`)),
		chromedp.WaitVisible(chromedp.CSS(`#restore-created`)))
	shown := eval[string](t, ctx, `JSON.parse(document.querySelector("#restore-config").value)["aws.secret.access.key"]`)
	if shown != "[hidden]" {
		t.Errorf("restore form shows aws.secret.access.key as %q, want [hidden]", shown)
	}

	// A sink whose archive the server does not list has no Archive link.
	postJSON(t, base+"/connectors", map[string]any{"name": "lines", "config": map[string]string{
		"connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector", "topics": "orders",
		"file": t.TempDir() + "/out.txt"}}, http.StatusCreated)
	run(t, ctx, "open a FileStream sink",
		chromedp.Navigate(base+"/ui/connectors/lines"),
		chromedp.WaitVisible(chromedp.CSS(`body[data-ready]`)),
		chromedp.WaitVisible(chromedp.CSS(`#topics p`)))
	if n := eval[int](t, ctx, `document.querySelectorAll("#archive-link").length`); n != 0 {
		t.Errorf("FileStream sink page shows %d archive links, want none", n)
	}

	kc, err := kgo.NewClient(kgo.SeedBrokers(k.Addr()), kgo.ConsumeTopics("orders-restored"), kgo.AllowAutoTopicCreation())
	if err != nil {
		t.Fatal(err)
	}
	defer kc.Close()
	var got []string
	pollCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for len(got) < archiveRecords && pollCtx.Err() == nil {
		kc.PollFetches(pollCtx).EachRecord(func(r *kgo.Record) { got = append(got, string(r.Value)) })
	}
	var wantValues []string
	for i := range archiveRecords {
		wantValues = append(wantValues, fmt.Sprintf("order-%d", i))
	}
	if !slices.Equal(got, wantValues) {
		t.Errorf("orders-restored holds %q, want %q", got, wantValues)
	}
}

func deref(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

func getBody(t *testing.T, url string) (int, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body
}

func postJSON(t *testing.T, url string, v any, want int) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(url, "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("POST %s = %d %s, want %d", url, resp.StatusCode, body, want)
	}
}
