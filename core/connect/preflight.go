package connect

import "context"

// Preflighter is an optional Connector ability: live checks of what a configuration points
// at (a bucket, a database and its tables, a URL), the part of validation that only a
// connection can see. The engine calls Preflight after the ConfigDef and Validator checks
// found no error, with a short deadline in ctx, from config validation and from create and
// update before anything is stored; with preflight.enable=false it runs the same checks at
// task start instead. Each problem is added to results on the key the user should change,
// as one line that names the fix (for AWS: the region, endpoint and identity in use, never a
// secret). The returned error is for failures of the check itself, not for findings.
type Preflighter interface {
	Preflight(ctx context.Context, props map[string]string, results *ConfigInfos) error
	// PreflightChecks lists what Preflight checks, one short sentence each; the connector's
	// generated reference page shows the list.
	PreflightChecks() []string
}
