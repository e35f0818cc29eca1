package demo

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// ListArchive lists every object of bucket under prefix and counts the records of each by
// reading it back (one JSON record per line; gzip-compressed when the key ends in .gz).
func ListArchive(ctx context.Context, c *s3.Client, bucket, prefix string) ([]Object, error) {
	var out []Object
	p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list %s/%s: %w", bucket, prefix, err)
		}
		for _, o := range page.Contents {
			key := aws.ToString(o.Key)
			n, err := countRecords(ctx, c, bucket, key)
			if err != nil {
				return nil, err
			}
			out = append(out, Object{Key: key, Size: aws.ToInt64(o.Size), Records: n})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// countRecords reads one object and counts its lines.
func countRecords(ctx context.Context, c *s3.Client, bucket, key string) (int64, error) {
	obj, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return 0, fmt.Errorf("get %s: %w", key, err)
	}
	defer obj.Body.Close()
	var r io.Reader = obj.Body
	if strings.HasSuffix(key, ".gz") {
		zr, err := gzip.NewReader(obj.Body)
		if err != nil {
			return 0, fmt.Errorf("read %s: %w", key, err)
		}
		defer zr.Close()
		r = zr
	}
	var n int64
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		if len(bytes.TrimSpace(sc.Bytes())) > 0 {
			n++
		}
	}
	if err := sc.Err(); err != nil {
		return 0, fmt.Errorf("read %s: %w", key, err)
	}
	return n, nil
}

// hourOf returns the hour bucket of an archive key written with pathFormat
// (…/dt=2024-01-05/hour=07/…).
func hourOf(key string) (time.Time, bool) {
	i := strings.Index(key, "/dt=")
	if i < 0 {
		return time.Time{}, false
	}
	rest := key[i+len("/dt="):]
	if len(rest) < len("2006-01-02/hour=15") {
		return time.Time{}, false
	}
	t, err := time.Parse("2006-01-02/hour=15", rest[:len("2006-01-02/hour=15")])
	return t, err == nil
}

// showArchive lists the bucket, prints the objects and the connector status, and checks
// archived = produced.
func (r *run) showArchive(ctx context.Context) error {
	objs, err := ListArchive(ctx, r.s3c, Bucket, "")
	if err != nil {
		return err
	}
	r.report.Objects = objs
	r.report.Archived = 0
	var size int64
	r.progress("objects in s3://%s (read back to count their records):", Bucket)
	fmt.Fprintf(r.opts.Out, "  %-72s %10s %8s\n", "KEY", "BYTES", "RECORDS")
	for _, o := range objs {
		fmt.Fprintf(r.opts.Out, "  %-72s %10d %8d\n", o.Key, o.Size, o.Records)
		r.report.Archived += o.Records
		size += o.Size
	}
	fmt.Fprintf(r.opts.Out, "  %-72s %10d %8d\n", fmt.Sprintf("%d objects", len(objs)), size, r.report.Archived)

	st, err := r.api.ConnectorStatus(ctx, ArchiveConnector)
	if err != nil {
		return fmt.Errorf("status of %s: %w", ArchiveConnector, err)
	}
	r.report.Archive = st
	r.printStatus(st)
	if r.report.Archived != r.report.Produced {
		r.progress("check FAILED: %d records archived, %d produced", r.report.Archived, r.report.Produced)
		return fmt.Errorf("%w: %d records archived, %d produced", ErrCheck, r.report.Archived, r.report.Produced)
	}
	r.progress("check ok: archived records = produced records = %d", r.report.Produced)
	return nil
}

// printStatus prints a connector status as GET /connectors/{name}/status returned it.
func (r *run) printStatus(st statusInfo) {
	r.progress("GET /connectors/%s/status: connector %s on %s", st.Name, st.Connector.State, st.Connector.WorkerID)
	for _, t := range st.Tasks {
		line := fmt.Sprintf("  task %d: %s on %s", t.ID, t.State, t.WorkerID)
		if t.Trace != "" {
			line += ": " + firstLine(t.Trace)
		}
		fmt.Fprintln(r.opts.Out, line)
	}
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
