package devstack

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// versitygwBinary is the S3 gateway program, built by make deps from the tool line in tools/go.mod.
const versitygwBinary = "versitygw"

// S3Options configures StartS3.
type S3Options struct {
	// AccessKey is the root access key. Default "devstack".
	AccessKey string
	// SecretKey is the root secret key. Default "devstack-secret".
	SecretKey string
	// Region is the region the gateway answers for. Default us-east-1.
	Region string
	// IAM runs the gateway's internal IAM service, so that CreateUser can add users besides
	// the root. Default false.
	IAM bool
}

// S3 is a running versitygw S3 gateway with a posix backend in a temporary directory.
type S3 struct {
	// Endpoint is the gateway's base URL, "http://127.0.0.1:PORT".
	Endpoint string
	// Region is the region to sign requests for.
	Region string
	// AccessKey and SecretKey are the root user's static credentials.
	AccessKey, SecretKey string
	// DataDir is the posix backend's top directory: one subdirectory per bucket.
	DataDir string

	relaunchable
}

// StartS3 starts versitygw on a free port of 127.0.0.1 and waits until ListBuckets answers.
func StartS3(ctx context.Context, opts S3Options) (*S3, error) {
	bin, err := FindBinary(versitygwBinary)
	if err != nil {
		return nil, fmt.Errorf("s3: %w", err)
	}
	s := &S3{
		Region:    cmpOr(opts.Region, DefaultRegion),
		AccessKey: cmpOr(opts.AccessKey, "devstack"),
		SecretKey: cmpOr(opts.SecretKey, "devstack-secret"),
	}
	dir, err := newServiceDir("s3")
	if err != nil {
		return nil, err
	}
	s.DataDir = filepath.Join(dir, "data")
	if opts.IAM {
		if err := os.Mkdir(filepath.Join(dir, "iam"), 0o755); err != nil {
			_ = os.RemoveAll(dir)
			return nil, fmt.Errorf("s3: %w", err)
		}
	}
	if err := os.Mkdir(s.DataDir, 0o755); err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("s3: %w", err)
	}
	cmdFor := func(port int) *exec.Cmd {
		args := []string{"--port", hostPort(port), "--region", s.Region, "--quiet"}
		if opts.IAM {
			args = append(args, "--iam-dir", filepath.Join(dir, "iam"))
		}
		cmd := exec.Command(bin, append(args, "posix", s.DataDir)...)
		cmd.Env = append(os.Environ(),
			"ROOT_ACCESS_KEY="+s.AccessKey,
			"ROOT_SECRET_KEY="+s.SecretKey,
		)
		return cmd
	}
	checkFor := func(port int) func(ctx context.Context) error {
		s.Endpoint = "http://" + hostPort(port)
		client := s.newClient()
		return func(ctx context.Context) error {
			_, err := client.ListBuckets(ctx, &s3.ListBucketsInput{})
			return err
		}
	}
	var port int
	s.proc, port, err = launch(ctx, "s3", dir, syscall.SIGTERM, cmdFor, checkFor)
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("s3: %w", err)
	}
	s.cmd, s.check = func() *exec.Cmd { return cmdFor(port) }, checkFor(port)
	return s, nil
}

// AWSConfig returns static credentials and the region, with no endpoint baked in.
func (s *S3) AWSConfig(ctx context.Context) (aws.Config, error) {
	return staticConfig(s.Region, s.AccessKey, s.SecretKey), nil
}

// NewClient returns an S3 client for the gateway: BaseEndpoint set and path-style addressing.
func (s *S3) NewClient(ctx context.Context) (*s3.Client, error) {
	return s.newClient(), nil
}

func (s *S3) newClient() *s3.Client {
	return s3.NewFromConfig(staticConfig(s.Region, s.AccessKey, s.SecretKey), func(o *s3.Options) {
		o.BaseEndpoint = aws.String(s.Endpoint)
		o.UsePathStyle = true
	})
}

// Env returns the standard AWS environment variables that point an SDK at this gateway.
func (s *S3) Env() []string {
	return []string{
		"AWS_ENDPOINT_URL_S3=" + s.Endpoint,
		"AWS_ACCESS_KEY_ID=" + s.AccessKey,
		"AWS_SECRET_ACCESS_KEY=" + s.SecretKey,
		"AWS_REGION=" + s.Region,
	}
}

// CreateBucket creates a bucket.
func (s *S3) CreateBucket(ctx context.Context, name string) error {
	if _, err := s.newClient().CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		return fmt.Errorf("create bucket %q: %w", name, err)
	}
	return nil
}

// CreateUser adds a user with the "user" role (S3Options.IAM): it reaches the buckets it
// owns and those whose policy grants it access.
func (s *S3) CreateUser(ctx context.Context, access, secret string) error {
	bin, err := FindBinary(versitygwBinary)
	if err != nil {
		return fmt.Errorf("s3: %w", err)
	}
	out, err := exec.CommandContext(ctx, bin, "admin", "--access", s.AccessKey, "--secret", s.SecretKey, "--region", s.Region,
		"--endpoint-url", s.Endpoint, "create-user", "--access", access, "--secret", secret, "--role", "user").CombinedOutput()
	if err != nil {
		return fmt.Errorf("s3: create user %q: %w: %s", access, err, out)
	}
	return nil
}

// Close stops the gateway and removes its data. It is safe to call more than once.
func (s *S3) Close() error {
	if s == nil || s.proc == nil {
		return errors.New("s3: not started")
	}
	return s.proc.close()
}

// cmpOr returns v, or def when v is empty.
func cmpOr(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
