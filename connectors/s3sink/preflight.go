package s3sink

import (
	"context"

	"github.com/connectless/connectless/connectors/archive/s3client"
	"github.com/connectless/connectless/core/connect"
)

// PreflightChecks lists what Preflight checks.
func (c *Connector) PreflightChecks() []string {
	return []string{
		"The bucket `s3.bucket.name` exists and answers (HeadBucket) at the resolved endpoint (`store.url`), region (`s3.region`, else the AWS SDK's, else us-west-2) and credentials; a bucket in another region is reported with the region it answered from.",
		"The credentials may write: a multipart upload under `topics.dir` is started and aborted at once (s3:PutObject); a refusal names the missing permission.",
		"AWS credentials are found (`aws.access.key.id`/`aws.secret.access.key`, else the AWS SDK's chain).",
	}
}

// Preflight checks the bucket with the configuration's endpoint, region and credentials, and
// that the identity may write to it; each problem is one line on the key to change.
func (c *Connector) Preflight(ctx context.Context, props map[string]string, results *connect.ConfigInfos) error {
	cfg, err := ParseConfig(props)
	if err != nil {
		return nil // validation reports it
	}
	opts := cfg.ClientOptions()
	opts.PartRetries = 0 // a preflight answers now, within its deadline
	sess, err := s3client.Open(ctx, opts)
	if err != nil {
		return err
	}
	if p := sess.CheckBucket(ctx, cfg.Bucket, s3client.Write, cfg.Layout.TopicsDir); p != nil {
		results.AddError(p.Key, p.Message)
	}
	return nil
}

var _ connect.Preflighter = (*Connector)(nil)
