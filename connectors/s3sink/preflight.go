package s3sink

import (
	"context"

	"github.com/connectless/connectless/connectors/archive/s3client"
	"github.com/connectless/connectless/core/connect"
)

// PreflightChecks lists what Preflight checks.
func (c *Connector) PreflightChecks() []string { return s3client.PreflightChecks(s3client.Write) }

// Preflight checks the bucket with the configuration's endpoint, region and credentials, and
// that the identity may write to it; each problem is one line on the key to change.
func (c *Connector) Preflight(ctx context.Context, props map[string]string, results *connect.ConfigInfos) error {
	cfg, err := ParseConfig(props)
	if err != nil {
		return nil // validation reports it
	}
	return s3client.Preflight(ctx, cfg.ClientOptions(), cfg.Bucket, s3client.Write, cfg.Layout.TopicsDir, results)
}

var _ connect.Preflighter = (*Connector)(nil)
