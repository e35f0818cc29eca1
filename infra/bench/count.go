package bench

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/klauspost/compress/zstd"
)

// BucketCount is what a bucket holds.
type BucketCount struct {
	Objects int
	Records int64
	// Bytes is the stored size of the objects (compressed where they are).
	Bytes int64
}

// countBucket reads every object of bucket and counts its records: the newline-terminated
// lines of the JSON and ByteArray objects, decompressed when the key ends in .gz or .zst, and the rows of Parquet ones.
func countBucket(ctx context.Context, client *s3.Client, bucket string) (BucketCount, error) {
	var c BucketCount
	p := s3.NewListObjectsV2Paginator(client, &s3.ListObjectsV2Input{Bucket: &bucket})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return c, fmt.Errorf("list %s: %w", bucket, err)
		}
		for _, o := range page.Contents {
			n, err := countObject(ctx, client, bucket, *o.Key)
			if err != nil {
				return c, err
			}
			c.Objects++
			c.Records += n
			c.Bytes += *o.Size
		}
	}
	return c, nil
}

func countObject(ctx context.Context, client *s3.Client, bucket, key string) (int64, error) {
	out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: &key})
	if err != nil {
		return 0, fmt.Errorf("get object %q: %w", key, err)
	}
	defer out.Body.Close()
	if strings.HasSuffix(key, ".parquet") {
		body, err := io.ReadAll(out.Body)
		if err != nil {
			return 0, fmt.Errorf("read object %q: %w", key, err)
		}
		n, err := countParquet(body)
		if err != nil {
			return 0, fmt.Errorf("parquet object %q: %w", key, err)
		}
		return n, nil
	}
	var r io.Reader = out.Body
	if strings.HasSuffix(key, ".gz") {
		zr, err := gzip.NewReader(out.Body)
		if err != nil {
			return 0, fmt.Errorf("gunzip %q: %w", key, err)
		}
		r = zr
	}
	if strings.HasSuffix(key, ".zst") {
		zr, err := zstd.NewReader(out.Body, zstd.WithDecoderConcurrency(1))
		if err != nil {
			return 0, fmt.Errorf("zstd %q: %w", key, err)
		}
		defer zr.Close()
		r = zr
	}
	var (
		n   int64
		buf = make([]byte, 256<<10)
	)
	for {
		k, err := r.Read(buf)
		n += int64(bytes.Count(buf[:k], []byte{'\n'}))
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, fmt.Errorf("read object %q: %w", key, err)
		}
	}
}

// emptyBucket deletes every object of bucket and the bucket, to keep the store's disk small
// across runs.
func emptyBucket(ctx context.Context, client *s3.Client, bucket string) error {
	p := s3.NewListObjectsV2Paginator(client, &s3.ListObjectsV2Input{Bucket: &bucket})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list %s: %w", bucket, err)
		}
		var ids []types.ObjectIdentifier
		for _, o := range page.Contents {
			ids = append(ids, types.ObjectIdentifier{Key: o.Key})
		}
		for _, id := range ids {
			if _, err := client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &bucket, Key: id.Key}); err != nil {
				return fmt.Errorf("delete %q: %w", *id.Key, err)
			}
		}
	}
	if _, err := client.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: &bucket}); err != nil {
		return fmt.Errorf("delete bucket %s: %w", bucket, err)
	}
	return nil
}
