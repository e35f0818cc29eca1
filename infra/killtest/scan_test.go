package killtest

import (
	"bufio"
	"compress/gzip"
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// scan is what scanBucket found.
type scan struct {
	objects int
	// records read back; offsets in no object (lost) and in more than one (duplicated).
	records, lost, duplicated int64
	// problems are bad keys, unreadable objects, records out of place, and the first lost
	// and duplicated offsets.
	problems []string
}

// scanBucket reads every archive object of bucket and counts, for each offset below
// perPartition of each partition of the topic, the objects holding it. A file starting at
// offset s must hold s, s+1, … in order (its records' seq fields).
func scanBucket(ctx context.Context, c *s3.Client, bucket string, perPartition int64) (scan, error) {
	var keys []string
	p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return scan{}, fmt.Errorf("list %s: %w", bucket, err)
		}
		for _, o := range page.Contents {
			keys = append(keys, aws.ToString(o.Key))
		}
	}
	seen := make([][]uint8, partitions)
	for i := range seen {
		seen[i] = make([]uint8, perPartition)
	}
	var (
		mu   sync.Mutex
		wg   sync.WaitGroup
		out  = scan{objects: len(keys)}
		work = make(chan string)
	)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for key := range work {
				part, first, seqs, err := readObject(ctx, c, bucket, key)
				mu.Lock()
				if err != nil {
					out.problems = append(out.problems, err.Error())
				}
				for i, s := range seqs {
					switch {
					case s != first+int64(i):
						out.problems = append(out.problems, fmt.Sprintf("%s: record %d has seq %d, want %d", key, i, s, first+int64(i)))
					case s < 0 || s >= perPartition:
						out.problems = append(out.problems, fmt.Sprintf("%s: seq %d out of range", key, s))
					default:
						if seen[part][s] < 255 {
							seen[part][s]++
						}
					}
				}
				out.records += int64(len(seqs))
				mu.Unlock()
			}
		}()
	}
	for _, k := range keys {
		work <- k
	}
	close(work)
	wg.Wait()
	for p := range seen {
		for s, n := range seen[p] {
			switch {
			case n == 0:
				if out.lost < 5 {
					out.problems = append(out.problems, fmt.Sprintf("partition %d offset %d is in no object", p, s))
				}
				out.lost++
			case n > 1:
				if out.duplicated < 5 {
					out.problems = append(out.problems, fmt.Sprintf("partition %d offset %d is in %d objects", p, s, n))
				}
				out.duplicated++
			}
		}
	}
	return out, nil
}

// readObject returns the Kafka partition and start offset named by an archive key
// (…/app-logs+3+0000001200.json.gz) and the seq of each record in the object.
func readObject(ctx context.Context, c *s3.Client, bucket, key string) (part int, first int64, seqs []int64, err error) {
	base := key[strings.LastIndexByte(key, '/')+1:]
	fields := strings.Split(strings.TrimSuffix(base, ".json.gz"), "+")
	if len(fields) != 3 || fields[0] != topic {
		return 0, 0, nil, fmt.Errorf("unexpected key %q", key)
	}
	if part, err = strconv.Atoi(fields[1]); err != nil || part < 0 || part >= partitions {
		return 0, 0, nil, fmt.Errorf("key %q: bad partition", key)
	}
	if first, err = strconv.ParseInt(fields[2], 10, 64); err != nil {
		return 0, 0, nil, fmt.Errorf("key %q: bad start offset: %w", key, err)
	}
	obj, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return 0, 0, nil, fmt.Errorf("get %s: %w", key, err)
	}
	defer obj.Body.Close()
	zr, err := gzip.NewReader(obj.Body)
	if err != nil {
		return 0, 0, nil, fmt.Errorf("gunzip %s: %w", key, err)
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		s, ok := parseSeq(sc.Bytes())
		if !ok {
			return 0, 0, nil, fmt.Errorf("%s: line without seq: %.80s", key, sc.Text())
		}
		seqs = append(seqs, s)
	}
	if err := sc.Err(); err != nil {
		return 0, 0, nil, fmt.Errorf("read %s: %w", key, err)
	}
	return part, first, seqs, nil
}
