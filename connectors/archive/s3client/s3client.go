package s3client

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/connectless/connectless/core/connect"
)

// Options are the client settings of the S3 connectors. Field docs name the configuration key.
type Options struct {
	Region          string // s3.region
	StoreURL        string // store.url; https:// is prepended when it has no scheme
	PathStyle       bool   // s3.path.style.access.enabled
	WANMode         bool   // s3.wan.mode (Transfer Acceleration)
	AccessKeyID     string // aws.access.key.id
	SecretAccessKey string // aws.secret.access.key
	PartRetries     int32  // s3.part.retries: SDK retry attempts after the first
	RetryBackoffMs  int64  // s3.retry.backoff.ms
	// ExpectContinue is s3.http.send.expect.continue: false never sends Expect: 100-continue.
	ExpectContinue bool
}

// DefaultRegion is the region when neither s3.region nor the AWS SDK's configuration
// (AWS_REGION, the profile) names one: Confluent's s3.region default.
const DefaultRegion = "us-west-2"

// Where a Session's region came from, for messages and describe.
const (
	RegionFromKey     = "s3.region"
	RegionFromSDK     = "the AWS SDK's configuration (AWS_REGION or the profile)"
	RegionFromDefault = "the default " + DefaultRegion
)

// Session is an S3 client with what it was resolved from: the region and where it came
// from, the endpoint, and the credentials, so that errors can name them.
type Session struct {
	Client *s3.Client
	// Region is the region requests are signed for; RegionFrom says where it came from
	// (RegionFromKey, RegionFromSDK or RegionFromDefault).
	Region, RegionFrom string
	// Endpoint is store.url as used (with its scheme), or "" for AWS's own endpoints.
	Endpoint string
	// StaticKeys is true when aws.access.key.id and aws.secret.access.key give the
	// credentials.
	StaticKeys bool
	creds      aws.CredentialsProvider
}

// New builds an S3 client from the AWS SDK's standard configuration (environment, shared
// files, IAM role) plus the options.
func New(ctx context.Context, cfg Options) (*s3.Client, error) {
	s, err := Open(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return s.Client, nil
}

// Open is New that also returns what the client was resolved from. An empty Options.Region
// takes the AWS SDK's region, else DefaultRegion.
func Open(ctx context.Context, cfg Options) (*Session, error) {
	opts := []func(*awsconfig.LoadOptions) error{
		awsconfig.WithRetryer(func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = int(cfg.PartRetries) + 1
				o.Backoff = retry.NewExponentialJitterBackoff(time.Duration(max(cfg.RetryBackoffMs, 1)) * time.Millisecond * 10)
			})
		}),
	}
	sess := &Session{Region: strings.TrimSpace(cfg.Region), RegionFrom: RegionFromKey}
	if sess.Region != "" {
		opts = append(opts, awsconfig.WithRegion(sess.Region))
	}
	if cfg.AccessKeyID != "" && cfg.SecretAccessKey != "" {
		sess.StaticKeys = true
		opts = append(opts, awsconfig.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(cfg.AccessKeyID, cfg.SecretAccessKey, "")))
	}
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("load AWS configuration: %w", err)
	}
	if sess.Region == "" {
		sess.Region, sess.RegionFrom = awsCfg.Region, RegionFromSDK
		if sess.Region == "" {
			sess.Region, sess.RegionFrom = DefaultRegion, RegionFromDefault
		}
		awsCfg.Region = sess.Region
	}
	sess.creds = awsCfg.Credentials
	if cfg.StoreURL != "" {
		sess.Endpoint = cfg.StoreURL
		if !strings.Contains(sess.Endpoint, "://") {
			sess.Endpoint = "https://" + sess.Endpoint
		}
	}
	sess.Client = s3.NewFromConfig(awsCfg, func(o *s3.Options) {
		if sess.Endpoint != "" {
			o.BaseEndpoint = aws.String(sess.Endpoint)
		}
		o.UsePathStyle = cfg.PathStyle
		if !cfg.ExpectContinue {
			o.ContinueHeaderThresholdBytes = -1 // never send Expect: 100-continue
		}
		o.UseAccelerate = cfg.WANMode
	})
	return sess, nil
}

// HTTPStatus is the HTTP status of an S3 error response, or 0 when err has none.
func HTTPStatus(err error) int {
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

// RegionNote is the task status note of a session whose region s3.region did not set: which
// region it uses and where from, shown by `connectless describe`. It is empty when
// s3.region is set.
func (s *Session) RegionNote() string {
	if s.RegionFrom == RegionFromKey {
		return ""
	}
	return fmt.Sprintf("s3.region unset: using %s from %s", s.Region, s.RegionFrom)
}

// ShowRegion reports RegionNote through the task context's status reporter, when it has one.
func (s *Session) ShowRegion(tctx any) {
	if r, ok := tctx.(connect.TaskStatusReporter); ok && s.RegionNote() != "" {
		r.SetStatusNote(s.RegionNote())
	}
}
