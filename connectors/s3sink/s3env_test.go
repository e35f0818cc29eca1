package s3sink

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// testS3 is a versitygw gateway (posix backend in a temp dir) for integration tests.
type testS3 struct {
	endpoint string
	client   *s3.Client
}

const (
	testAccessKey = "s3sinktestkey"
	testSecretKey = "s3sinktestsecret"
)

// startS3 starts versitygw from the repository's bin/ (built by `make deps`). It skips the
// test when the binary is missing, except under CI=true where it fails.
func startS3(t *testing.T) *testS3 {
	t.Helper()
	bin := ""
	for dir, _ := os.Getwd(); dir != "/"; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			bin = filepath.Join(dir, "bin", "versitygw")
			break
		}
	}
	if _, err := os.Stat(bin); bin == "" || err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("versitygw not found at %q: run make deps", bin)
		}
		t.Skipf("versitygw not found at %q: run make deps", bin)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	root, side := t.TempDir(), t.TempDir()
	cmd := exec.Command(bin, "--access", testAccessKey, "--secret", testSecretKey, "--region", "us-east-1",
		"--port", addr, "posix", "--sidecar", side, root)
	if err := cmd.Start(); err != nil {
		t.Fatalf("start versitygw: %v", err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	for i := 0; ; i++ {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			break
		}
		if i > 100 {
			t.Fatalf("versitygw did not listen on %s", addr)
		}
		time.Sleep(50 * time.Millisecond)
	}
	endpoint := "http://" + addr
	client := s3.New(s3.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(endpoint), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider(testAccessKey, testSecretKey, ""),
	})
	return &testS3{endpoint: endpoint, client: client}
}

func (s *testS3) bucket(t *testing.T, name string) {
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
		"aws.access.key.id":     testAccessKey,
		"aws.secret.access.key": testSecretKey,
		"s3.part.retries":       "1",
	}
	for k, v := range extra {
		p[k] = v
	}
	return p
}

// objects lists every key in the bucket with its body.
func (s *testS3) objects(t *testing.T, bucket string) map[string][]byte {
	return s.objectsUnder(t, bucket, "")
}

// objectsUnder lists the keys under prefix with their bodies.
func (s *testS3) objectsUnder(t *testing.T, bucket, prefix string) map[string][]byte {
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

// startS3WithKeys returns a client of the same gateway that signs with a wrong secret.
func startS3WithKeys(t *testing.T, s *testS3, secret string) *s3.Client {
	t.Helper()
	return s3.New(s3.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(s.endpoint), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider(testAccessKey, secret, ""),
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
