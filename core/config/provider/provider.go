package provider

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
)

// Provider is a source of configuration values (Kafka's ConfigProvider).
type Provider interface {
	// Get returns the values of keys under path. Keys the provider does not know are left
	// out of the result (the reference then stays unresolved, as in Kafka). Errors must
	// never contain a value.
	Get(ctx context.Context, path string, keys []string) (map[string]string, error)
}

// ErrProvider wraps every error a provider returns while resolving.
var ErrProvider = errors.New("config provider")

// Reference is one ${provider:path:key} (or ${provider:key}) occurrence in a value.
type Reference struct {
	Provider string
	Path     string
	Key      string
	// Raw is the reference exactly as written, e.g. "${env:PASSWORD}".
	Raw string
}

// refPattern is Kafka's ConfigTransformer.DEFAULT_PATTERN.
var refPattern = regexp.MustCompile(`\$\{([^}]*?):(([^}]*?):)?([^}]*?)\}`)

// References returns the references a value contains, in order of appearance.
func References(value string) []Reference {
	var refs []Reference
	for _, m := range refPattern.FindAllStringSubmatch(value, -1) {
		refs = append(refs, Reference{Provider: m[1], Path: m[3], Key: m[4], Raw: m[0]})
	}
	return refs
}

// HasReferences reports whether a value contains at least one reference.
func HasReferences(value string) bool { return refPattern.MatchString(value) }

// Resolver replaces references by the values its providers return. The zero value and a nil
// *Resolver resolve nothing.
type Resolver struct {
	providers map[string]Provider
}

// New returns a resolver using the given providers, by the name used in references.
func New(providers map[string]Provider) *Resolver {
	return &Resolver{providers: maps.Clone(providers)}
}

// Names returns the configured provider names, sorted.
func (r *Resolver) Names() []string {
	if r == nil {
		return nil
	}
	return slices.Sorted(maps.Keys(r.providers))
}

type pathKey struct{ provider, path string }

// Resolve returns a copy of props with every reference to a configured provider replaced by
// its value. References to unknown providers, or to keys a provider does not have, are kept
// as written (Kafka's behaviour). A provider failure is an error that names the provider,
// the path and the config key, never a value.
func (r *Resolver) Resolve(ctx context.Context, props map[string]string) (map[string]string, error) {
	out, _, err := r.ResolveSecrets(ctx, props)
	return out, err
}

// ResolveSecrets is Resolve that also returns the values it substituted, so that output
// derived from the resolved configuration can be redacted before it is stored or shown.
func (r *Resolver) ResolveSecrets(ctx context.Context, props map[string]string) (map[string]string, Secrets, error) {
	out := maps.Clone(props)
	if out == nil {
		out = map[string]string{}
	}
	if r == nil || len(r.providers) == 0 {
		return out, nil, nil
	}
	wanted := map[pathKey][]string{}
	owner := map[pathKey]string{}
	for _, k := range slices.Sorted(maps.Keys(props)) {
		for _, ref := range References(props[k]) {
			if _, ok := r.providers[ref.Provider]; !ok {
				continue
			}
			pk := pathKey{ref.Provider, ref.Path}
			if !slices.Contains(wanted[pk], ref.Key) {
				wanted[pk] = append(wanted[pk], ref.Key)
			}
			if _, ok := owner[pk]; !ok {
				owner[pk] = k
			}
		}
	}
	if len(wanted) == 0 {
		return out, nil, nil
	}
	values := map[pathKey]map[string]string{}
	for _, pk := range slices.SortedFunc(maps.Keys(wanted), func(a, b pathKey) int {
		return strings.Compare(a.provider+"\x00"+a.path, b.provider+"\x00"+b.path)
	}) {
		got, err := r.providers[pk.provider].Get(ctx, pk.path, wanted[pk])
		if err != nil {
			return nil, nil, fmt.Errorf("%w %q: resolve path %q for config %q: %w", ErrProvider, pk.provider, pk.path, owner[pk], err)
		}
		values[pk] = got
	}
	var secrets Secrets
	seen := map[string]bool{}
	for k, v := range props {
		if !HasReferences(v) {
			continue
		}
		out[k] = refPattern.ReplaceAllStringFunc(v, func(raw string) string {
			m := refPattern.FindStringSubmatch(raw)
			val, ok := values[pathKey{m[1], m[3]}][m[4]]
			if !ok {
				return raw
			}
			if val != "" && !seen[raw] {
				seen[raw] = true
				secrets = append(secrets, Secret{Ref: raw, Value: val})
			}
			return val
		})
	}
	// Longest value first so that a secret containing another is redacted whole.
	slices.SortFunc(secrets, func(a, b Secret) int {
		if d := len(b.Value) - len(a.Value); d != 0 {
			return d
		}
		return strings.Compare(a.Ref, b.Ref)
	})
	return out, secrets, nil
}

// Secret is one resolved reference: the reference text and the value it stood for.
type Secret struct {
	Ref   string
	Value string
}

// Secrets are the values substituted by one resolution.
type Secrets []Secret

// Redact returns s with every resolved value turned back into its reference text. Applied to
// output derived from a resolved configuration (task configs, validation results, error
// traces), it keeps secrets out of storage, responses and logs; resolving the result again
// gives back the original output.
func (ss Secrets) Redact(s string) string {
	for _, sec := range ss {
		s = strings.ReplaceAll(s, sec.Value, sec.Ref)
	}
	return s
}

// RedactMap applies Redact to every value of m, in place, and returns m.
func (ss Secrets) RedactMap(m map[string]string) map[string]string {
	if len(ss) == 0 {
		return m
	}
	for k, v := range m {
		m[k] = ss.Redact(v)
	}
	return m
}
