package main

import (
	"context"
	"maps"
	"strings"

	"github.com/connectless/connectless/core/client"
	"github.com/connectless/connectless/core/config"
	"github.com/connectless/connectless/core/connect"
)

// redactor hides secret configuration values in what the CLI prints: the plugin's PASSWORD
// keys (from GET /connector-plugins/{class}/config), Kafka's client password keys under any
// prefix, and keys whose names say they hold a secret. A config-provider reference
// (${env:X}) is not a secret and stays visible.
type redactor struct {
	passwords map[string]bool
}

// secretWords mark key names that hold secrets whatever their declared type.
var secretWords = []string{"password", "secret", "token", "credential", "jaas.config", "api.key", "apikey", "private.key"}

func newRedactor(ctx context.Context, cl *client.Client, class string) *redactor {
	r := &redactor{passwords: map[string]bool{}}
	if cl == nil || class == "" {
		return r
	}
	keys, err := cl.PluginConfig(ctx, class)
	if err != nil {
		return r
	}
	for _, k := range keys {
		if strings.EqualFold(string(k.Type), string(connect.ConfigPassword)) {
			r.passwords[k.Name] = true
		}
	}
	return r
}

// secret reports whether key holds a secret.
func (r *redactor) secret(key string) bool {
	if r.passwords[key] || config.IsSecret(connect.NewConfigDef(), key) {
		return true
	}
	lk := strings.ToLower(key)
	for _, w := range secretWords {
		if strings.Contains(lk, w) {
			return true
		}
	}
	return false
}

// value returns v, or config.Hidden when key holds a secret that is not a reference.
func (r *redactor) value(key, v string) string {
	if v == "" || config.HasReference(v) || !r.secret(key) {
		return v
	}
	return config.Hidden
}

// config returns a redacted copy of props.
func (r *redactor) config(props map[string]string) map[string]string {
	out := maps.Clone(props)
	for k, v := range out {
		out[k] = r.value(k, v)
	}
	return out
}
