package connect

import (
	"context"
	"errors"
	"strings"
)

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

// KeyPreflightEnable is the connector key (and worker property) that turns the live checks
// off: with preflight.enable=false, validation, create and update do not connect to
// anything, and the same checks run when a task starts instead. Default true.
const KeyPreflightEnable = "preflight.enable"

// PreflightEnabled reads preflight.enable from a connector configuration, as a ConfigDef
// boolean (trimmed, case-insensitive): true when unset. A value that is not a boolean is
// a *ConfigError naming the key.
func PreflightEnabled(props map[string]string) (bool, error) {
	v, ok := props[KeyPreflightEnable]
	if !ok {
		return true, nil
	}
	b, err := ParseConfigValue(KeyPreflightEnable, v, ConfigBoolean)
	if err != nil {
		return true, err
	}
	return b.(bool), nil
}

// PreflightFinding is one problem a preflight found: the key to change and the one-line
// message that names the fix. Its JSON form ({"key": …, "message": …}) is what a task
// function that ran the checks for another process answers.
type PreflightFinding struct {
	Key     string `json:"key"`
	Message string `json:"message"`
}

// PreflightFindings lists the errors of a ConfigInfos as findings, in order.
func PreflightFindings(infos ConfigInfos) []PreflightFinding {
	var out []PreflightFinding
	for _, ci := range infos.Configs {
		if ci.Value == nil {
			continue
		}
		for _, e := range ci.Value.Errors {
			out = append(out, PreflightFinding{Key: ci.Value.Name, Message: e})
		}
	}
	return out
}

// ErrPreflight is matched (errors.Is) by every *PreflightError.
var ErrPreflight = errors.New("preflight check failed")

// PreflightError is what a task that runs the preflight at start fails with: every finding,
// on one line.
type PreflightError struct {
	Findings []PreflightFinding
}

// Error returns "preflight check failed: <key>: <message>; …".
func (e *PreflightError) Error() string {
	var b strings.Builder
	b.WriteString(ErrPreflight.Error())
	for i, f := range e.Findings {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(f.Key + ": " + f.Message)
	}
	return b.String()
}

// Is lets errors.Is(err, ErrPreflight) match.
func (e *PreflightError) Is(target error) bool { return target == ErrPreflight }
