package workerprops

import (
	"maps"
	"strings"
)

// EnvPrefix starts every environment variable that carries a worker property.
const EnvPrefix = "CONNECT_"

// FromEnv returns the worker properties carried by environment variables, the way
// Confluent's Kafka Connect images read them: CONNECT_ followed by the key upper-cased with
// dots written as underscores. CONNECT_BOOTSTRAP_SERVERS is bootstrap.servers and
// CONNECT_STATE_DYNAMODB_TABLE is state.dynamodb.table. As in those images, a dash is written
// as two underscores and an underscore as three (CONNECT_A__B___C is a-b_c). environ has the
// form of os.Environ; other variables are ignored, and a later duplicate wins. The worker,
// standalone and the Lambda functions all read it.
func FromEnv(environ []string) map[string]string {
	out := map[string]string{}
	for _, kv := range environ {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || !strings.HasPrefix(name, EnvPrefix) || len(name) == len(EnvPrefix) {
			continue
		}
		out[PropertyName(name)] = value
	}
	return out
}

// PropertyName turns an environment variable name (with or without the CONNECT_ prefix) into
// the property key it carries: lower case, "_" to ".", "__" to "-", "___" to "_".
func PropertyName(envName string) string {
	s := strings.ToLower(strings.TrimPrefix(envName, EnvPrefix))
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] != '_' {
			b.WriteByte(s[i])
			i++
			continue
		}
		n := 0
		for i < len(s) && s[i] == '_' && n < 3 {
			n++
			i++
		}
		b.WriteString([...]string{"", ".", "-", "_"}[n])
	}
	return b.String()
}

// EnvName is the inverse of PropertyName: the environment variable that carries key.
func EnvName(key string) string {
	r := strings.NewReplacer("_", "___", "-", "__", ".", "_")
	return EnvPrefix + strings.ToUpper(r.Replace(key))
}

// Merge returns the properties of a worker file overridden by those from the environment.
func Merge(file, env map[string]string) map[string]string {
	out := maps.Clone(file)
	if out == nil {
		out = map[string]string{}
	}
	maps.Copy(out, env)
	return out
}
