package s3source

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/convert"
	"github.com/connectless/connectless/core/kafka"
)

// TestIntegrationRawJSONRestoreIsByteExact restores with restore.json.raw and the
// ByteArrayConverter and compares the Kafka values with the archived lines, byte for byte.
func TestIntegrationRawJSONRestoreIsByteExact(t *testing.T) {
	s := startS3(t)
	s.bucket(t, "archive")
	client := startKafka(t)
	sp := sinkProps(s, "archive", partitionerCases[3], formatCases[1]) // time-based RecordField, JSON gzip
	archive(t, sp, logs(mapValues, 2, 20))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	props := sourceProps(sp, map[string]string{RawJSONConfig: "true", "restore.time.start": "2024-01-05T08:00:00Z", "restore.time.end": "2024-01-05T10:00:00Z"})
	conv := jsonConverters(t)
	bytesConv, err := convert.New("org.apache.kafka.connect.converters.ByteArrayConverter", nil, false)
	if err != nil {
		t.Fatal(err)
	}
	conv.Value = bytesConv
	if _, err := runSliceWith(ctx, t, client, NewTask(nil), props, newOffsets(), 0, conv); err != nil {
		t.Fatal(err)
	}
	for p := range int32(2) {
		// The archived lines of the two-hour bucket starting 08:00, in file order.
		var want []string
		prefix := "topics/app-logs/dt=2024-01-05/h=08/"
		list, err := s.client.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: strPtr("archive"), Prefix: &prefix})
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range list.Contents {
			if !strings.HasSuffix(*o.Key, ".json.gz") || strings.Contains(*o.Key, ".keys.") || strings.Contains(*o.Key, ".headers.") ||
				!strings.Contains(*o.Key, "/app-logs+"+strconv.Itoa(int(p))+"+") {
				continue
			}
			g, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: strPtr("archive"), Key: o.Key})
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(g.Body)
			g.Body.Close()
			zr, err := gzip.NewReader(bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			sc := bufio.NewScanner(zr)
			for sc.Scan() {
				want = append(want, sc.Text())
			}
		}
		tp := connect.TopicPartition{Topic: restored, Partition: p}
		ends, err := client.EndOffsets(ctx, []connect.TopicPartition{tp})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for next := int64(0); next < ends[tp]; {
			fr, err := client.Fetch(ctx, tp, next, kafka.FetchOptions{})
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range fr.Messages {
				got = append(got, string(m.Value))
			}
			next = fr.Next
		}
		if len(want) == 0 || !slices.Equal(got, want) {
			t.Fatalf("partition %d: restored\n%s\nwant the archived lines\n%s", p, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}

func strPtr(s string) *string { return &s }
