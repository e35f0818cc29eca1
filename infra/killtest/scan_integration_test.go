package killtest

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

// TestIntegrationScanBucket checks that the exactly-once check finds what it must: a lost
// offset, a duplicated one, and a record out of place in its file.
func TestIntegrationScanBucket(t *testing.T) {
	ctx := context.Background()
	s := devstacktest.S3(t)
	c, err := s.NewClient(ctx)
	if err != nil {
		t.Fatal(err)
	}
	const per = 6
	for i, tc := range []struct {
		name        string
		files       map[int64][]int64 // partition 0: start offset → seqs
		lost, dup   int64
		records     int64
		problemWith string
	}{
		{"exactly once", map[int64][]int64{0: {0, 1, 2}, 3: {3, 4, 5}}, 0, 0, 3*per + 6, ""},
		{"duplicate", map[int64][]int64{0: {0, 1, 2, 3}, 3: {3, 4, 5}}, 0, 1, 3*per + 7, "offset 3 is in 2 objects"},
		{"gap", map[int64][]int64{0: {0, 1}, 3: {3, 4, 5}}, 1, 0, 3*per + 5, "offset 2 is in no object"},
		{"out of place", map[int64][]int64{0: {0, 2, 1}, 3: {3, 4, 5}}, 2, 0, 3*per + 6, "record 1 has seq 2, want 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := fmt.Sprintf("scan%d", i)
			if err := s.CreateBucket(ctx, b); err != nil {
				t.Fatal(err)
			}
			put := func(part int, start int64, seqs []int64) {
				var buf bytes.Buffer
				zw := gzip.NewWriter(&buf)
				for _, seq := range seqs {
					fmt.Fprintf(zw, "{\"level\":\"INFO\",\"seq\":%d,\"ts\":\"2024-01-05T07:00:00.000Z\"}\n", seq)
				}
				zw.Close()
				key := fmt.Sprintf("topics/%s/dt=2024-01-05/hour=07/%s+%d+%010d.json.gz", topic, topic, part, start)
				if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(b), Key: aws.String(key), Body: bytes.NewReader(buf.Bytes())}); err != nil {
					t.Fatal(err)
				}
			}
			for part := 1; part < partitions; part++ {
				put(part, 0, []int64{0, 1, 2, 3, 4, 5})
			}
			for start, seqs := range tc.files {
				put(0, start, seqs)
			}
			got, err := scanBucket(ctx, c, b, per)
			if err != nil {
				t.Fatal(err)
			}
			if got.lost != tc.lost || got.duplicated != tc.dup || got.records != tc.records {
				t.Errorf("lost %d, duplicated %d, records %d; want %d, %d, %d", got.lost, got.duplicated, got.records, tc.lost, tc.dup, tc.records)
			}
			all := strings.Join(got.problems, "; ")
			if (tc.problemWith == "") != (len(got.problems) == 0) || !strings.Contains(all, tc.problemWith) {
				t.Errorf("problems %q, want one with %q", all, tc.problemWith)
			}
		})
	}
}
