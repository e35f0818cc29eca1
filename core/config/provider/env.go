package provider

import (
	"context"
	"fmt"
	"os"
	"regexp"
)

// Env reads environment variables: ${env:VAR} (Kafka's EnvVarConfigProvider).
type Env struct {
	// Allow, when set, limits the variables that may be read (Kafka's allowlist.pattern).
	Allow *regexp.Regexp
	// Lookup reads one variable; nil means os.LookupEnv.
	Lookup func(string) (string, bool)
}

// Get returns the requested variables that are set and allowed. A non-empty path is an error.
func (e Env) Get(_ context.Context, path string, keys []string) (map[string]string, error) {
	if path != "" {
		return nil, fmt.Errorf("env provider takes no path, got %q", path)
	}
	lookup := e.Lookup
	if lookup == nil {
		lookup = os.LookupEnv
	}
	out := make(map[string]string, len(keys))
	for _, k := range keys {
		if e.Allow != nil && !e.Allow.MatchString(k) {
			continue
		}
		if v, ok := lookup(k); ok {
			out[k] = v
		}
	}
	return out, nil
}
