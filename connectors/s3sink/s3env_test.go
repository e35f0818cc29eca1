package s3sink

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"os"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

// testS3 is a versitygw gateway from infra/devstack, with a client for reading back.
type testS3 struct {
	endpoint             string
	accessKey, secretKey string
	client               *s3.Client
}

// startS3 starts versitygw through devstacktest (skipped, or failed under CI=true, when the
// binary is missing).
func startS3(t *testing.T) *testS3 { return startS3Bench(t) }

// startS3Bench is startS3 for tests and benchmarks.
func startS3Bench(t testing.TB) *testS3 {
	t.Helper()
	d := devstacktest.S3(t)
	client, err := d.NewClient(context.Background())
	if err != nil {
		t.Fatalf("s3 client: %v", err)
	}
	return &testS3{endpoint: d.Endpoint, accessKey: d.AccessKey, secretKey: d.SecretKey, client: client}
}

func (s *testS3) bucket(t *testing.T, name string) { s.bucketB(t, name) }

func (s *testS3) bucketB(t testing.TB, name string) {
	t.Helper()
	if _, err := s.client.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: &name}); err != nil {
		t.Fatalf("create bucket: %v", err)
	}
}

// props returns a sink configuration pointing at this gateway.
func (s *testS3) props(bucket string, extra map[string]string) map[string]string {
	p := map[string]string{
		"connector.class":       ConnectorClass,
		"topics":                "app-logs",
		"storage.class":         StorageClass,
		"format.class":          JSONFormatClass,
		"flush.size":            "3",
		"s3.bucket.name":        bucket,
		"s3.region":             "us-east-1",
		"store.url":             s.endpoint,
		"aws.access.key.id":     s.accessKey,
		"aws.secret.access.key": s.secretKey,
		"s3.part.retries":       "1",
	}
	for k, v := range extra {
		p[k] = v
	}
	return p
}

// objects lists every key in the bucket with its body.
func (s *testS3) objects(t testing.TB, bucket string) map[string][]byte {
	return s.objectsUnder(t, bucket, "")
}

// objectsUnder lists the keys under prefix with their bodies.
func (s *testS3) objectsUnder(t testing.TB, bucket, prefix string) map[string][]byte {
	t.Helper()
	ctx := context.Background()
	out := map[string][]byte{}
	p := s3.NewListObjectsV2Paginator(s.client, &s3.ListObjectsV2Input{Bucket: &bucket, Prefix: &prefix})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatalf("list: %v", err)
		}
		for _, o := range page.Contents {
			g, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: o.Key})
			if err != nil {
				t.Fatalf("get %s: %v", *o.Key, err)
			}
			b := make([]byte, 0, 1024)
			buf := make([]byte, 32<<10)
			for {
				n, err := g.Body.Read(buf)
				b = append(b, buf[:n]...)
				if err != nil {
					break
				}
			}
			g.Body.Close()
			out[*o.Key] = b
		}
	}
	return out
}

// startS3WithEndpoint returns a client of another endpoint with the same keys.
func startS3WithEndpoint(t *testing.T, endpoint string) *s3.Client {
	t.Helper()
	return s3.New(s3.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(endpoint), UsePathStyle: true,
		Credentials:      credentials.NewStaticCredentialsProvider("k", "s", ""),
		RetryMaxAttempts: 1,
	})
}

// startS3WithKeys returns a client of the same gateway that signs with a wrong secret.
func startS3WithKeys(t *testing.T, s *testS3, secret string) *s3.Client {
	t.Helper()
	return s3.New(s3.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(s.endpoint), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider(s.accessKey, secret, ""),
	})
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	r, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("gunzip: %v", err)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("gunzip: %v", err)
	}
	return out
}

// mustTemp returns an open temporary file holding b.
func mustTemp(t *testing.T, b []byte) *os.File {
	t.Helper()
	f, err := os.CreateTemp(t.TempDir(), "body")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(b); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}
