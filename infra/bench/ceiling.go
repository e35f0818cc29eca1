package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	kafkago "github.com/segmentio/kafka-go"
)

// newS3Client returns a client for the job's S3 endpoint, built as the S3 sink builds its own:
// the standard SDK configuration, static keys, BaseEndpoint and path style.
func newS3Client(ctx context.Context, endpoint, region, key, secret string) (*s3.Client, error) {
	cfg, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithRegion(region),
		awsconfig.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(key, secret, "")))
	if err != nil {
		return nil, fmt.Errorf("load AWS configuration: %w", err)
	}
	return s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.BaseEndpoint = aws.String(endpoint)
		o.UsePathStyle = true
	}), nil
}

// runCeiling archives every partition of the topic with no framework: one goroutine per
// partition reads record batches over a kafka-go connection to the partition leader, appends
// each value and a newline to a buffer (through the sink's gzip or zstd compressor, at its
// default level, if asked) and puts an object every FlushSize records.
func runCeiling(ctx context.Context, j Job) (JobResult, error) {
	if len(j.Brokers) == 0 {
		return JobResult{}, errors.New("ceiling: no brokers")
	}
	client, err := newS3Client(ctx, j.S3Endpoint, j.Region, j.AccessKey, j.SecretKey)
	if err != nil {
		return JobResult{}, err
	}
	conn, err := kafkago.DialContext(ctx, "tcp", j.Brokers[0])
	if err != nil {
		return JobResult{}, fmt.Errorf("dial %s: %w", j.Brokers[0], err)
	}
	parts, err := conn.ReadPartitions(j.Topic)
	conn.Close()
	if err != nil {
		return JobResult{}, fmt.Errorf("partitions of %s: %w", j.Topic, err)
	}
	start := time.Now()
	var (
		total atomic.Int64
		wg    sync.WaitGroup
		errs  = make([]error, len(parts))
	)
	for i, p := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := archivePartition(ctx, client, j, p.ID)
			total.Add(n)
			errs[i] = err
		}()
	}
	wg.Wait()
	return JobResult{Records: total.Load(), Seconds: since(start)}, errors.Join(errs...)
}

// archivePartition reads one partition from its first to its last offset.
func archivePartition(ctx context.Context, client *s3.Client, j Job, partition int) (int64, error) {
	conn, err := kafkago.DialLeader(ctx, "tcp", j.Brokers[0], j.Topic, partition)
	if err != nil {
		return 0, fmt.Errorf("dial leader of %s/%d: %w", j.Topic, partition, err)
	}
	defer conn.Close()
	first, last, err := conn.ReadOffsets()
	if err != nil {
		return 0, fmt.Errorf("offsets of %s/%d: %w", j.Topic, partition, err)
	}
	if _, err := conn.Seek(first, kafkago.SeekAbsolute); err != nil {
		return 0, fmt.Errorf("seek %s/%d: %w", j.Topic, partition, err)
	}
	var obj objectWriter
	if obj, err = newObjectBuffer(j.Compression); err != nil {
		return 0, err
	}
	if j.RegistryURL != "" {
		if obj, err = newAvroParquetBuffer(ctx, j.RegistryURL); err != nil {
			return 0, err
		}
	}
	var (
		n         int64
		next      = first
		objectBeg = first
		count     int
	)
	put := func() error {
		if count == 0 {
			return nil
		}
		body, err := obj.finish()
		if err != nil {
			return err
		}
		key := fmt.Sprintf("topics/%s/partition=%d/%s+%d+%010d%s", j.Topic, partition, j.Topic, partition, objectBeg, obj.extension())
		if _, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: &j.Bucket, Key: &key, Body: bytes.NewReader(body)}); err != nil {
			return fmt.Errorf("put object %q: %w", key, err)
		}
		obj.reset()
		count, objectBeg = 0, next
		return nil
	}
	for next < last {
		batch := conn.ReadBatch(1, 16<<20)
		for {
			m, err := batch.ReadMessage()
			if err != nil {
				break
			}
			if err := obj.add(m.Value); err != nil {
				batch.Close()
				return n, err
			}
			n++
			count++
			next = m.Offset + 1
			if count >= j.FlushSize {
				if err := put(); err != nil {
					batch.Close()
					return n, err
				}
			}
		}
		if err := batch.Close(); err != nil && !errors.Is(err, io.EOF) {
			return n, fmt.Errorf("read %s/%d at %d: %w", j.Topic, partition, next, err)
		}
	}
	return n, put()
}

// objectWriter builds the ceiling's objects: values in, object bytes out.
type objectWriter interface {
	add(v []byte) error
	finish() ([]byte, error)
	reset()
	extension() string
}

// objectBuffer is one object being built: newline-separated values, compressed or not.
type objectBuffer struct {
	buf  bytes.Buffer
	comp compressor
	ext  string
}

// compressor is a whole-object compressor that can start over on a new destination.
type compressor interface {
	io.WriteCloser
	Reset(w io.Writer)
}

// newObjectBuffer returns an object buffer for s3.compression.type kind, with the compressor
// and level the S3 sink uses by default: klauspost/compress gzip at level 6 (the sink's
// s3.compression.level -1), zstd at its default level on one goroutine.
func newObjectBuffer(kind string) (*objectBuffer, error) {
	o := &objectBuffer{ext: ".json"}
	var err error
	switch kind {
	case "", "none":
	case "gzip":
		o.comp, err = gzip.NewWriterLevel(&o.buf, 6)
		o.ext += ".gz"
	case "zstd":
		o.comp, err = zstd.NewWriter(&o.buf, zstd.WithEncoderConcurrency(1))
		o.ext += ".zst"
	default:
		err = fmt.Errorf("compression %q: %w", kind, ErrUnknownKind)
	}
	if err != nil {
		return nil, fmt.Errorf("ceiling compressor: %w", err)
	}
	return o, nil
}

func (o *objectBuffer) add(v []byte) error {
	if o.comp == nil {
		o.buf.Write(v)
		o.buf.WriteByte('\n')
		return nil
	}
	if _, err := o.comp.Write(v); err != nil {
		return fmt.Errorf("compress: %w", err)
	}
	if _, err := o.comp.Write([]byte{'\n'}); err != nil {
		return fmt.Errorf("compress: %w", err)
	}
	return nil
}

func (o *objectBuffer) finish() ([]byte, error) {
	if o.comp != nil {
		if err := o.comp.Close(); err != nil {
			return nil, fmt.Errorf("compress: %w", err)
		}
	}
	return o.buf.Bytes(), nil
}

func (o *objectBuffer) extension() string { return o.ext }

func (o *objectBuffer) reset() {
	o.buf.Reset()
	if o.comp != nil {
		o.comp.Reset(&o.buf)
	}
}
