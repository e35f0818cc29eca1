// Package template checks the SAM template at the repository root (template.yaml), which
// `make validate` runs: every resource's Properties decode strictly into goformation's type
// for its resource type, every Ref, GetAtt, Sub variable and condition resolves, every IAM
// policy names only resources the template declares or takes as parameters, and sam build can
// build every function (Metadata BuildMethod makefile, CodeUri the module root, a
// build-<LogicalId> target in the Makefile).
package template
