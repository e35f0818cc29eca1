package s3client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/transient"
)

// Configuration keys a Problem names.
const (
	KeyBucket    = "s3.bucket.name"
	KeyRegion    = "s3.region"
	KeyStoreURL  = "store.url"
	KeyAccessKey = "aws.access.key.id"
	KeySecretKey = "aws.secret.access.key"
)

// Access is what a connector needs of its bucket.
type Access int

// Accesses.
const (
	// Read lists and gets objects (the S3 source): s3:ListBucket, s3:GetObject.
	Read Access = iota
	// Write puts objects (the S3 sink): s3:ListBucket, s3:PutObject.
	Write
)

// Problem kinds, matched with errors.Is on a *Problem.
var (
	ErrNoBucket     = errors.New("non-existent S3 bucket")
	ErrWrongRegion  = errors.New("S3 bucket in another region")
	ErrAccess       = errors.New("S3 access refused")
	ErrCredentials  = errors.New("AWS credentials refused")
	ErrNoCreds      = errors.New("no AWS credentials")
	ErrEndpoint     = errors.New("S3 endpoint unusable")
	ErrBucketAnswer = errors.New("S3 bucket check failed")
)

// Problem is what a bucket check found: the key to change and one line that names the fix,
// the region, the endpoint and the identity in use (never a secret).
type Problem struct {
	Key     string
	Message string
	// Kind is one of the Err* sentinels; Retriable is true when time may fix it (an
	// endpoint that does not answer, a 5xx).
	Kind      error
	Retriable bool
	Err       error
}

// Error returns the message.
func (p *Problem) Error() string { return p.Message }

// Unwrap returns the kind and the S3 error.
func (p *Problem) Unwrap() []error { return []error{p.Kind, p.Err} }

// EndpointName names the endpoint requests go to, for messages.
func (s *Session) EndpointName() string {
	if s.Endpoint != "" {
		return s.Endpoint
	}
	if e := cmpOr(os.Getenv("AWS_ENDPOINT_URL_S3"), os.Getenv("AWS_ENDPOINT_URL")); e != "" {
		return e + " (from AWS_ENDPOINT_URL)"
	}
	return "https://s3." + s.Region + ".amazonaws.com"
}

// Identity names the credentials in use without their secret: the access key id and where
// it came from.
func (s *Session) Identity(ctx context.Context) string {
	if s.creds == nil {
		return "no credentials"
	}
	c, err := s.creds.Retrieve(ctx)
	if err != nil {
		return "no credentials"
	}
	from := KeyAccessKey
	if !s.StaticKeys {
		from = cmpOr(c.Source, "the AWS SDK's chain")
	}
	return fmt.Sprintf("access key %s (from %s)", c.AccessKeyID, from)
}

// where is the part of a message that says what was used.
func (s *Session) where(ctx context.Context) string {
	return fmt.Sprintf("endpoint %s, region %s from %s, %s", s.EndpointName(), s.Region, s.RegionFrom, s.Identity(ctx))
}

// CheckBucket checks, in a few requests, that the bucket exists and answers with the
// session's endpoint, region and credentials, and that the identity may do what access
// needs: list (Read) or start and abort a multipart upload under prefix (Write; nothing is
// left behind). It returns nil or the first problem.
func (s *Session) CheckBucket(ctx context.Context, bucket string, access Access, prefix string) *Problem {
	if !s.StaticKeys {
		if s.creds == nil {
			return s.noCreds(ctx, nil)
		}
		if _, err := s.creds.Retrieve(ctx); err != nil {
			return s.noCreds(ctx, err)
		}
	}
	if _, err := s.Client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(bucket)}); err != nil {
		p := s.Explain(ctx, err, bucket, "read")
		if access == Read || !denied(p.Err) {
			return p
		}
		// A writer may lack s3:ListBucket and still put objects, as Confluent's sink
		// allows: the write check below decides.
	}
	if access == Read {
		_, err := s.Client.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(prefix), MaxKeys: aws.Int32(1)})
		if err != nil {
			return s.Explain(ctx, err, bucket, "list")
		}
		return nil
	}
	key := strings.TrimSuffix(prefix, "/") + "/.connectless-preflight"
	up, err := s.Client.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String(strings.TrimPrefix(key, "/"))})
	if err != nil {
		return s.Explain(ctx, err, bucket, "write")
	}
	_, _ = s.Client.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: aws.String(bucket), Key: up.Key, UploadId: up.UploadId})
	return nil
}

func (s *Session) noCreds(ctx context.Context, err error) *Problem {
	return &Problem{Key: KeyAccessKey, Kind: ErrNoCreds, Err: err, Message: fmt.Sprintf(
		"no AWS credentials found: set %s and %s, or give the AWS SDK some (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, a role) (endpoint %s, region %s from %s)",
		KeyAccessKey, KeySecretKey, s.EndpointName(), s.Region, s.RegionFrom)}
}

var expectingRegion = regexp.MustCompile(`expecting ['"]([a-z0-9-]+)['"]`)

// Explain turns an S3 error on bucket into a Problem naming the key to change. did is what
// was tried ("read", "list", "write"). A HEAD answer has no body to say why it was refused
// (and some stores answer 404 for an unknown access key); Explain then lists the bucket once
// to read the error code.
func (s *Session) Explain(ctx context.Context, err error, bucket, did string) *Problem {
	status, code, msg, region := details(err)
	if status >= 300 && status < 500 && (code == "" || code == "BadRequest" || code == "Forbidden" || code == "MovedPermanently" || code == "NotFound") {
		_, lerr := s.Client.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), MaxKeys: aws.Int32(1)})
		if lerr != nil {
			if st, c, m, r := details(lerr); c != "" {
				status, code, msg, err = st, c, m, lerr
				region = cmpOr(region, r)
			}
		}
	}
	if m := expectingRegion.FindStringSubmatch(msg); m != nil && region == "" {
		region = m[1]
	}
	p := &Problem{Err: err}
	switch {
	case region != "" && region != s.Region, code == "AuthorizationHeaderMalformed", code == "PermanentRedirect", status == http.StatusMovedPermanently:
		p.Key, p.Kind = KeyRegion, ErrWrongRegion
		if region != "" && region != s.Region {
			p.Message = fmt.Sprintf("bucket %q answered from region %s, not %s (%s): set %s=%s", bucket, region, s.Region, s.where(ctx), KeyRegion, region)
		} else {
			p.Message = fmt.Sprintf("bucket %q is not in region %s (%s): set %s to the bucket's region", bucket, s.Region, s.where(ctx), KeyRegion)
		}
	case code == "InvalidAccessKeyId" || code == "XAdminUserNotFound": // AWS's code, versitygw's
		p.Key, p.Kind = KeyAccessKey, ErrCredentials
		p.Message = fmt.Sprintf("the access key is not known at the endpoint (%s): correct %s", s.where(ctx), KeyAccessKey)
	case code == "SignatureDoesNotMatch":
		p.Key, p.Kind = KeySecretKey, ErrCredentials
		p.Message = fmt.Sprintf("the secret key does not match the access key (%s): correct %s", s.where(ctx), KeySecretKey)
	case code == "NoSuchBucket" || code == "NotFound" || status == http.StatusNotFound:
		p.Key, p.Kind = KeyBucket, ErrNoBucket
		p.Message = fmt.Sprintf("bucket %q does not exist (%s): create it, or correct %s", bucket, s.where(ctx), KeyBucket)
	case code == "AccessDenied" || status == http.StatusForbidden:
		p.Key, p.Kind = KeyAccessKey, ErrAccess
		perm, res := "s3:ListBucket", "arn:aws:s3:::"+bucket
		if did == "write" {
			perm, res = "s3:PutObject", res+"/*"
		}
		p.Message = fmt.Sprintf("access to bucket %q refused (%s): grant the identity %s on %s, or use other credentials (%s)", bucket, s.where(ctx), perm, res, KeyAccessKey)
	case strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		p.Key, p.Kind = KeyStoreURL, ErrEndpoint
		p.Message = fmt.Sprintf("endpoint %s answers plain HTTP, not HTTPS: set %s=%s", s.EndpointName(), KeyStoreURL, "http://"+strings.TrimPrefix(s.EndpointName(), "https://"))
	case status == 0:
		p.Key, p.Kind, p.Retriable = KeyStoreURL, ErrEndpoint, transient.Is(err)
		if s.Endpoint == "" {
			p.Key = KeyRegion
		}
		p.Message = fmt.Sprintf("S3 endpoint did not answer (%s): %v; check %s", s.where(ctx), rootCause(err), p.Key)
	default:
		p.Key, p.Kind, p.Retriable = KeyBucket, ErrBucketAnswer, transient.Is(err) || status >= 500
		p.Message = fmt.Sprintf("bucket %q answered HTTP %d %s %s (%s)", bucket, status, code, msg, s.where(ctx))
	}
	return p
}

// denied reports whether err is an access refusal (AccessDenied, or a 403 without a body).
func denied(err error) bool {
	status, code, _, _ := details(err)
	return code == "AccessDenied" || status == http.StatusForbidden && (code == "" || code == "Forbidden")
}

// details reads an S3 error's HTTP status, error code and message and the bucket's region
// when the answer names it (x-amz-bucket-region).
func details(err error) (status int, code, msg, region string) {
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) {
		status = re.HTTPStatusCode()
		if re.Response != nil {
			region = re.Response.Header.Get("x-amz-bucket-region")
		}
	}
	var api smithy.APIError
	if errors.As(err, &api) {
		code, msg = api.ErrorCode(), api.ErrorMessage()
	}
	return status, code, msg, region
}

// rootCause is the innermost error: the network failure under the SDK's wrapping.
func rootCause(err error) error {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err
		}
		err = next
	}
}

func cmpOr(v, def string) string {
	if v != "" {
		return v
	}
	return def
}

// ValidStoreURL is store.url's validator: empty (AWS) or an http:// or https:// URL with a
// host. A URL without a scheme is refused, so that an endpoint that speaks plain HTTP is
// not tried over HTTPS.
func ValidStoreURL() connect.ConfigValidator {
	return connect.ValidatorFunc(func(_ string, v any) error {
		s, _ := v.(string)
		s = strings.TrimSpace(s)
		if s == "" {
			return nil
		}
		u, err := url.Parse(s)
		if !strings.Contains(s, "://") || err != nil || u.Host == "" {
			return fmt.Errorf("%q has no scheme: write http://%s or https://%s", s, s, s)
		}
		if u.Scheme != "http" && u.Scheme != "https" {
			return fmt.Errorf("%q: the scheme must be http or https", s)
		}
		return nil
	}, "empty, or an http:// or https:// URL")
}

// RegionDoc is s3.region's documentation, for both S3 connectors.
const RegionDoc = "Region. When unset, the AWS SDK's region (AWS_REGION, the profile's region), else us-west-2 (Confluent's default); " +
	"`connectless describe` shows which one a connector uses. Mirrors s3.region."

// StoreURLDoc is store.url's documentation, for both S3 connectors.
const StoreURLDoc = "Custom S3 endpoint for S3-compatible stores, with its scheme (http:// or https://). Default null (AWS, or AWS_ENDPOINT_URL_S3). Mirrors store.url."

// Preflight is an S3 connector's connect.Preflighter check: CheckBucket without SDK retries
// (a preflight answers within its deadline), its problem added to results.
func Preflight(ctx context.Context, opts Options, bucket string, access Access, prefix string, results *connect.ConfigInfos) error {
	opts.PartRetries = 0
	sess, err := Open(ctx, opts)
	if err != nil {
		return err
	}
	if p := sess.CheckBucket(ctx, bucket, access, prefix); p != nil {
		results.AddError(p.Key, p.Message)
	}
	return nil
}

// PreflightChecks lists what Preflight checks for access, for the connectors' reference pages.
func PreflightChecks(access Access) []string {
	perm := "The credentials may list the bucket under `topics.dir` (s3:ListBucket); a refusal names the missing permission."
	if access == Write {
		perm = "The credentials may write: a multipart upload under `topics.dir` is started and aborted at once (s3:PutObject); a refusal names the missing permission."
	}
	return []string{
		"The bucket `s3.bucket.name` exists and answers (HeadBucket) at the resolved endpoint (`store.url`), region (`s3.region`, else the AWS SDK's, else us-west-2) and credentials; a bucket in another region is reported with the region it answered from.",
		perm,
		"AWS credentials are found (`aws.access.key.id`/`aws.secret.access.key`, else the AWS SDK's chain).",
	}
}
