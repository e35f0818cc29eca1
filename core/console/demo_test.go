package console_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/kafka"
	"github.com/connectless/connectless/infra/demo"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

// demoRecords is how many log records the demo run of the test writes.
const demoRecords = 3000

// runDemo runs `connectless demo --wait` (demo.Run) until the test ends and returns the URL
// of its REST API (which serves the console) and its Kafka bootstrap server, once it holds.
func runDemo(t *testing.T) (string, string) {
	t.Helper()
	devstacktest.Binary(t, "versitygw")
	// The demo writes its lines to a file the test reads while it runs.
	out, err := os.Create(filepath.Join(t.TempDir(), "demo.out"))
	if err != nil {
		t.Fatal(err)
	}
	printed := func() string {
		b, _ := os.ReadFile(out.Name())
		return string(b)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := demo.Run(ctx, demo.Options{Out: out, Records: demoRecords, Partitions: 2, Span: 3 * time.Hour, Wait: true})
		done <- err
	}()
	t.Cleanup(func() {
		cancel()
		defer out.Close()
		if err := <-done; err != nil {
			t.Errorf("demo: %v\n%s", err, printed())
		}
	})
	holding := regexp.MustCompile(`(?s)web console: (http://\S+)/ui/.*Kafka bootstrap server: (\S+)`)
	deadline := time.Now().Add(2 * time.Minute)
	for {
		if m := holding.FindStringSubmatch(printed()); m != nil {
			return m[1], m[2]
		}
		select {
		case err := <-done:
			done <- err
			t.Fatalf("demo ended before holding: %v\n%s", err, printed())
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("demo not holding after 2 minutes:\n%s", printed())
		}
	}
}

// restoredRecords sums the end offsets of the demo's restore topic.
func restoredRecords(t *testing.T, kc *kafka.Client) int64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	tps, err := kc.Partitions(ctx, demo.RestoredTopic)
	if err != nil {
		t.Fatal(err)
	}
	ends, err := kc.EndOffsets(ctx, tps)
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, off := range ends {
		n += off
	}
	return n
}

// TestIntegrationArchiveDemo opens the archive page on the objects of a real demo run (its
// hourly S3 sink, TimeBasedPartitioner on the records' ts field), restores the first time
// bucket through "Restore this time range", and checks that the S3 source it creates
// produces exactly the records the archive lists for that hour.
func TestIntegrationArchiveDemo(t *testing.T) {
	ctx := browser(t)
	base, bootstrap := runDemo(t)

	// Every object of the hourly layout is dated with its hour.
	code, body := getBody(t, base+"/connectors/"+demo.ArchiveConnector+"/archive")
	var objs []connect.ArchiveObject
	if err := json.Unmarshal(body, &objs); code != http.StatusOK || err != nil {
		t.Fatalf("archive listing: %d %v %s", code, err, body)
	}
	var archived int64
	for _, o := range objs {
		start, err1 := time.Parse(time.RFC3339, o.BucketStart)
		end, err2 := time.Parse(time.RFC3339, o.BucketEnd)
		if err := errors.Join(err1, err2); err != nil || start.Minute() != 0 || end.Sub(start) != time.Hour ||
			o.Bucket != start.Format("dt=2006-01-02/hour=15") {
			t.Errorf("object %s in bucket %s dated %q..%q, want its hour", o.Key, o.Bucket, o.BucketStart, o.BucketEnd)
		}
		archived += deref(o.RecordCount).(int64)
	}
	if archived != demoRecords {
		t.Fatalf("archive lists %d records, the demo wrote %d", archived, demoRecords)
	}
	first := objs[0]
	for _, o := range objs {
		if o.BucketStart < first.BucketStart {
			first = o
		}
	}
	var hour int64
	for _, o := range objs {
		if o.Bucket == first.Bucket {
			hour += *o.RecordCount
		}
	}

	run(t, ctx, "open the demo's archive", chromedp.EmulateViewport(1280, 800),
		chromedp.Navigate(base+"/ui/connectors/"+demo.ArchiveConnector),
		chromedp.Click(chromedp.CSS(`#archive-link`)),
		chromedp.WaitVisible(chromedp.CSS(`body[data-page=archive][data-ready]`)),
		waitText(`#archive-summary`, " 3000 records"))
	shoot(t, ctx, screenshotDir(t), "archive-time", base+"/ui/archive/"+demo.ArchiveConnector, `#restore-buckets`)
	// The earliest bucket comes first in both lists and is chosen.
	if chosen := eval[string](t, ctx, `["restore-from", "restore-through"].map(id => document.getElementById(id).selectedOptions[0].textContent).join(" | ")`); chosen != demo.Topic+" "+first.Bucket+" | "+demo.Topic+" "+first.Bucket {
		t.Errorf("time range chosen at first: %q, want the earliest bucket %s twice", chosen, first.Bucket)
	}
	run(t, ctx, "restore the first hour",
		chromedp.Click(chromedp.CSS(`#restore-time`)),
		waitText(`#restore-config`, "restore.time.start"))
	var cfg map[string]string
	if err := json.Unmarshal([]byte(eval[string](t, ctx, `document.querySelector("#restore-config").value`)), &cfg); err != nil {
		t.Fatal(err)
	}
	if cfg["restore.time.start"] != first.BucketStart || cfg["restore.time.end"] != first.BucketEnd ||
		cfg["restore.offset.start"] != "" || cfg["schedule"] != "" || cfg["topics"] != demo.Topic {
		t.Errorf("restore of bucket %s (%s..%s) configured as %v, want its time range, no offsets and no schedule",
			first.Bucket, first.BucketStart, first.BucketEnd, cfg)
	}
	kc, err := kafka.NewClient(kafka.Options{Brokers: []string{bootstrap}})
	if err != nil {
		t.Fatal(err)
	}
	defer kc.Close()
	before := restoredRecords(t, kc)
	run(t, ctx, "create the S3 source", chromedp.Click(chromedp.CSS(`#restore-create`)),
		chromedp.WaitVisible(chromedp.CSS(`#restore-created`)))

	// The demo's scheduler runs the new source: the hour's records arrive, and no more.
	deadline := time.Now().Add(60 * time.Second)
	for restoredRecords(t, kc)-before < hour && time.Now().Before(deadline) {
		time.Sleep(500 * time.Millisecond)
	}
	time.Sleep(3 * time.Second) // a tick more, for anything beyond the range
	if got := restoredRecords(t, kc) - before; got != hour {
		t.Errorf("the restore of %s produced %d records, the archive lists %d for it", first.Bucket, got, hour)
	}
}
