package config

import (
	"maps"
	"strings"

	"github.com/connectless/connectless/core/connect"
)

// Hidden is what a secret value is replaced with in any output.
const Hidden = "[hidden]"

// clientPasswordKeys are the PASSWORD keys of Kafka's client configs and of Confluent's Schema
// Registry converters, hidden when they appear under producer.override., consumer.override.,
// admin.override., value.converter. or any other prefix.
var clientPasswordKeys = []string{
	"sasl.jaas.config", "ssl.key.password", "ssl.keystore.password", "ssl.truststore.password",
	"ssl.keystore.key", "ssl.keystore.certificate.chain", "ssl.truststore.certificates",
	"sasl.oauthbearer.client.credentials.client.secret",
	"basic.auth.user.info", "bearer.auth.token",
}

// IsSecret reports whether the named key holds a secret: a PASSWORD key of def, or a Kafka
// client password key under any prefix (producer.override.sasl.jaas.config).
func IsSecret(def *connect.ConfigDef, name string) bool {
	if k, ok := def.Key(name); ok && k.Type == connect.ConfigPassword {
		return true
	}
	for _, s := range clientPasswordKeys {
		if name == s || strings.HasSuffix(name, "."+s) {
			return true
		}
	}
	return false
}

// Redact returns a copy of props with secret values (see IsSecret) replaced by "[hidden]".
// Pass the enriched definition (Enrich, merged with the connector's) so transformation and
// converter secrets are found too.
func Redact(def *connect.ConfigDef, props map[string]string) map[string]string {
	out := maps.Clone(props)
	for k := range out {
		if IsSecret(def, k) {
			out[k] = Hidden
		}
	}
	return out
}

// RedactResolved returns a copy of resolved (props after config-provider resolution) in which
// secrets and every value whose unresolved form in raw holds a ${...} reference are
// replaced by "[hidden]": a resolved reference may be a secret whatever its key's type.
func RedactResolved(def *connect.ConfigDef, raw, resolved map[string]string) map[string]string {
	out := Redact(def, resolved)
	for k, v := range raw {
		if _, ok := out[k]; ok && HasReference(v) {
			out[k] = Hidden
		}
	}
	return out
}

// HasReference reports whether v holds a config-provider reference such as ${env:X}.
func HasReference(v string) bool {
	i := strings.Index(v, "${")
	return i >= 0 && strings.Contains(v[i:], "}")
}
