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

// New builds an S3 client from the AWS SDK's standard configuration (environment, shared
// files, IAM role) plus the options.
func New(ctx context.Context, cfg Options) (*s3.Client, error) {
	opts := []func(*awsconfig.LoadOptions) error{
		awsconfig.WithRegion(cfg.Region),
		awsconfig.WithRetryer(func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = int(cfg.PartRetries) + 1
				o.Backoff = retry.NewExponentialJitterBackoff(time.Duration(max(cfg.RetryBackoffMs, 1)) * time.Millisecond * 10)
			})
		}),
	}
	if cfg.AccessKeyID != "" && cfg.SecretAccessKey != "" {
		opts = append(opts, awsconfig.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(cfg.AccessKeyID, cfg.SecretAccessKey, "")))
	}
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("load AWS configuration: %w", err)
	}
	return s3.NewFromConfig(awsCfg, func(o *s3.Options) {
		if cfg.StoreURL != "" {
			u := cfg.StoreURL
			if !strings.Contains(u, "://") {
				u = "https://" + u
			}
			o.BaseEndpoint = aws.String(u)
		}
		o.UsePathStyle = cfg.PathStyle
		if !cfg.ExpectContinue {
			o.ContinueHeaderThresholdBytes = -1 // never send Expect: 100-continue
		}
		o.UseAccelerate = cfg.WANMode
	}), nil
}

// HTTPStatus is the HTTP status of an S3 error response, or 0 when err has none.
func HTTPStatus(err error) int {
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}
