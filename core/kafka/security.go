package kafka

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
)

// ErrConfig is wrapped by every error about a malformed or unsupported Kafka client
// property; the message names the key.
var ErrConfig = errors.New("invalid kafka client property")

// Client security keys, spelled as Kafka's clients spell them.
const (
	KeySecurityProtocol       = "security.protocol"
	KeySASLMechanism          = "sasl.mechanism"
	KeySASLJAASConfig         = "sasl.jaas.config"
	KeySASLCallbackHandler    = "sasl.client.callback.handler.class"
	KeyTruststoreLocation     = "ssl.truststore.location"
	KeyTruststoreType         = "ssl.truststore.type"
	KeyTruststorePassword     = "ssl.truststore.password"
	KeyKeystoreLocation       = "ssl.keystore.location"
	KeyKeystoreType           = "ssl.keystore.type"
	KeyKeystorePassword       = "ssl.keystore.password"
	KeyKeyPassword            = "ssl.key.password"
	KeyEndpointIdentification = "ssl.endpoint.identification.algorithm"
)

// Security protocols, as Kafka's security.protocol.
const (
	Plaintext     = "PLAINTEXT"
	SSL           = "SSL"
	SASLPlaintext = "SASL_PLAINTEXT"
	SASLSSL       = "SASL_SSL"
)

// SASL mechanisms, as Kafka's sasl.mechanism.
const (
	MechanismPlain       = "PLAIN"
	MechanismSCRAMSHA256 = "SCRAM-SHA-256"
	MechanismSCRAMSHA512 = "SCRAM-SHA-512"
	MechanismAWSMSKIAM   = "AWS_MSK_IAM"
)

// mskIAMCallbackHandler is the callback handler class of AWS's MSK IAM library, the only
// sasl.client.callback.handler.class accepted (for AWS_MSK_IAM).
const mskIAMCallbackHandler = "software.amazon.msk.auth.iam.IAMClientCallbackHandler"

// SecurityKeys lists every client security key this package reads, in documentation order.
var SecurityKeys = []string{
	KeySecurityProtocol, KeySASLMechanism, KeySASLJAASConfig, KeySASLCallbackHandler,
	KeyTruststoreLocation, KeyTruststoreType, KeyTruststorePassword,
	KeyKeystoreLocation, KeyKeystoreType, KeyKeystorePassword, KeyKeyPassword,
	KeyEndpointIdentification,
}

// Role is the kind of client a configuration is for; it names the worker-property prefix
// (producer., consumer., admin.) and the connector override prefix (producer.override., …).
type Role string

// Client roles, as Kafka Connect's worker prefixes.
const (
	RoleProducer Role = "producer"
	RoleConsumer Role = "consumer"
	RoleAdmin    Role = "admin"
)

// Roles lists the client roles.
var Roles = []Role{RoleProducer, RoleConsumer, RoleAdmin}

// Security is a parsed client security configuration: how to encrypt and authenticate the
// connections to the brokers. The zero value is PLAINTEXT.
type Security struct {
	// Protocol from security.protocol: PLAINTEXT (default), SSL, SASL_PLAINTEXT or SASL_SSL.
	Protocol string
	// Mechanism from sasl.mechanism: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 or AWS_MSK_IAM.
	// Kafka's default, GSSAPI, is not supported.
	Mechanism string
	// Username and Password from sasl.jaas.config's PlainLoginModule or ScramLoginModule line.
	Username, Password string
	// TruststoreLocation from ssl.truststore.location: a PEM file of the CA certificates the
	// brokers' certificates must chain to. Empty means the system's roots.
	TruststoreLocation string
	// KeystoreLocation from ssl.keystore.location: a PEM file with the client's private key
	// and certificate chain, for mutual TLS. Empty means no client certificate.
	KeystoreLocation string
	// KeyPassword from ssl.key.password: decrypts a legacy encrypted PEM private key.
	KeyPassword string
	// VerifyHost from ssl.endpoint.identification.algorithm: true for "https" (the default),
	// false when the key is set empty (the chain is still verified).
	VerifyHost bool
	// Prefix is put before every key named in errors ("producer.", "consumer.override.", …)
	// unless Names gives the key as written.
	Prefix string
	// Names maps a key to the name it was given under, when that differs per key (a role's
	// keys fall back to the worker's).
	Names map[string]string
}

// TLS reports whether the protocol encrypts connections.
func (s Security) TLS() bool { return s.Protocol == SSL || s.Protocol == SASLSSL }

// SASL reports whether the protocol authenticates with SASL.
func (s Security) SASL() bool { return s.Protocol == SASLPlaintext || s.Protocol == SASLSSL }

// key returns the key as the user wrote it (with the prefix).
func (s Security) key(k string) string {
	if n, ok := s.Names[k]; ok {
		return n
	}
	return s.Prefix + k
}

// ParseSecurity reads the security keys of props that start with prefix (for example
// "producer.", or "" for the worker's own keys). Every problem is reported, each wrapping
// ErrConfig and naming the key with its prefix. Config-provider references must already be
// resolved.
func ParseSecurity(props map[string]string, prefix string) (Security, error) {
	return parseSecurity(Security{Prefix: prefix}, func(key string) (string, bool) {
		v, ok := props[prefix+key]
		return v, ok
	})
}

// parseRoleSecurity reads the keys of a role: each from <role>.<key> when set, else from the
// worker's <key>. Errors name the key that was read.
func parseRoleSecurity(props map[string]string, role Role) (Security, error) {
	s := Security{Names: map[string]string{}}
	for _, k := range SecurityKeys {
		s.Names[k] = k
		if _, ok := props[string(role)+"."+k]; ok {
			s.Names[k] = string(role) + "." + k
		}
	}
	return parseSecurity(s, func(key string) (string, bool) {
		v, ok := props[s.Names[key]]
		return v, ok
	})
}

func parseSecurity(s Security, raw func(key string) (string, bool)) (Security, error) {
	s.Protocol, s.VerifyHost = Plaintext, true
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: %s: %s", ErrConfig, s.key(key), fmt.Sprintf(format, args...)))
	}
	get := func(key string) (string, bool) {
		v, ok := raw(key)
		return strings.TrimSpace(v), ok
	}
	if v, ok := get(KeySecurityProtocol); ok {
		s.Protocol = strings.ToUpper(v)
		if !slices.Contains([]string{Plaintext, SSL, SASLPlaintext, SASLSSL}, s.Protocol) {
			bad(KeySecurityProtocol, "want PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL, got %q", v)
		}
	}
	if v, ok := get(KeyEndpointIdentification); ok {
		switch strings.ToLower(v) {
		case "https":
		case "":
			s.VerifyHost = false
		default:
			bad(KeyEndpointIdentification, `want "https" or empty (no host name check), got %q`, v)
		}
	}
	s.TruststoreLocation, _ = get(KeyTruststoreLocation)
	if v, ok := get(KeyTruststoreType); ok {
		if t := strings.ToUpper(v); t != "PEM" {
			bad(KeyTruststoreType, "%s is not supported: convert the trust store to PEM (keytool -exportcert -rfc, or openssl pkcs12 -nokeys) and set %s=PEM", v, s.key(KeyTruststoreType))
		}
	}
	if _, ok := get(KeyTruststorePassword); ok {
		bad(KeyTruststorePassword, "a PEM trust store has no password; remove the key")
	}
	s.KeystoreLocation, _ = get(KeyKeystoreLocation)
	if v, ok := get(KeyKeystoreType); ok {
		if t := strings.ToUpper(v); t != "PEM" {
			bad(KeyKeystoreType, "%s is not supported: convert the key store to one PEM file holding the private key and the certificate chain (openssl pkcs12 -nodes) and set %s=PEM", v, s.key(KeyKeystoreType))
		}
	}
	if _, ok := get(KeyKeystorePassword); ok {
		bad(KeyKeystorePassword, "a PEM key store has no store password; only %s may be set", s.key(KeyKeyPassword))
	}
	s.KeyPassword, _ = get(KeyKeyPassword)
	if v, ok := get(KeySASLMechanism); ok {
		s.Mechanism = strings.ToUpper(v)
		if !slices.Contains([]string{"GSSAPI", MechanismPlain, MechanismSCRAMSHA256, MechanismSCRAMSHA512, MechanismAWSMSKIAM}, s.Mechanism) {
			bad(KeySASLMechanism, "want PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 or AWS_MSK_IAM, got %q", v)
		}
	}
	jaas, hasJAAS := raw(KeySASLJAASConfig)
	if s.SASL() {
		switch s.Mechanism {
		case "", "GSSAPI":
			bad(KeySASLMechanism, "GSSAPI (Kerberos, Kafka's default) is not supported: set PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 or AWS_MSK_IAM")
		case MechanismPlain, MechanismSCRAMSHA256, MechanismSCRAMSHA512:
			if !hasJAAS {
				bad(KeySASLJAASConfig, "%s %s needs a login module line with username and password", s.key(KeySASLMechanism), s.Mechanism)
				break
			}
			u, p, err := parseJAAS(jaas, s.Mechanism)
			if err != nil {
				bad(KeySASLJAASConfig, "%v", err)
			}
			s.Username, s.Password = u, p
		case MechanismAWSMSKIAM:
			if hasJAAS {
				if err := checkIAMJAAS(jaas); err != nil {
					bad(KeySASLJAASConfig, "%v", err)
				}
			}
			if v, ok := get(KeySASLCallbackHandler); ok && v != mskIAMCallbackHandler {
				bad(KeySASLCallbackHandler, "want %s (or unset) with AWS_MSK_IAM, got %q", mskIAMCallbackHandler, v)
			}
		}
	}
	if v, ok := get(KeySASLCallbackHandler); ok && s.Mechanism != MechanismAWSMSKIAM && v != "" {
		bad(KeySASLCallbackHandler, "custom callback handlers are not supported; only %s with AWS_MSK_IAM", mskIAMCallbackHandler)
	}
	return s, errors.Join(errs...)
}

// jaasOption matches one option of a login module line; values are quoted with " or ' (as
// Java's StreamTokenizer, which Kafka's JaasConfig uses, accepts) or bare words.
var jaasOption = regexp.MustCompile(`(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([^\s;"']+))`)

// jaasModule is the login module class each mechanism takes, as Kafka's.
var jaasModule = map[string]string{
	MechanismPlain:       "org.apache.kafka.common.security.plain.PlainLoginModule",
	MechanismSCRAMSHA256: "org.apache.kafka.common.security.scram.ScramLoginModule",
	MechanismSCRAMSHA512: "org.apache.kafka.common.security.scram.ScramLoginModule",
}

// parseJAAS reads username and password from a JAAS login module line such as
// org.apache.kafka.common.security.scram.ScramLoginModule required username="u" password="p";
// The module must be the one mechanism takes. Errors never quote the value.
func parseJAAS(s, mechanism string) (user, pass string, err error) {
	module, _, _ := strings.Cut(strings.TrimSpace(s), " ")
	if want := jaasModule[mechanism]; module != want {
		return "", "", fmt.Errorf("sasl.mechanism %s takes the login module %s, got %q", mechanism, want, module)
	}
	for _, m := range jaasOption.FindAllStringSubmatch(s, -1) {
		val := m[4]
		if m[4] == "" {
			val = strings.NewReplacer(`\"`, `"`, `\'`, `'`, `\\`, `\`).Replace(m[2] + m[3])
		}
		switch m[1] {
		case "username":
			user = val
		case "password":
			pass = val
		}
	}
	if user == "" || pass == "" {
		return "", "", errors.New(`want username="…" password="…"`)
	}
	return user, pass, nil
}

// checkIAMJAAS accepts AWS's IAMLoginModule line without options: credentials come from the
// AWS SDK's default chain. awsProfileName and awsRoleArn are refused rather than ignored.
func checkIAMJAAS(s string) error {
	module, _, _ := strings.Cut(strings.TrimSpace(s), " ")
	if module != "software.amazon.msk.auth.iam.IAMLoginModule" {
		return fmt.Errorf("AWS_MSK_IAM takes the login module software.amazon.msk.auth.iam.IAMLoginModule, got %q", module)
	}
	for _, m := range jaasOption.FindAllStringSubmatch(s, -1) {
		return fmt.Errorf("IAMLoginModule option %s is not supported: credentials come from the AWS SDK's default chain (environment, profile via AWS_PROFILE, role)", m[1])
	}
	return nil
}

// RoleProps returns the properties a client of role sees: the worker's security keys,
// overridden key by key by those under the role's prefix (producer.security.protocol over
// security.protocol). Kafka's producers and consumers do not inherit the worker's own
// security keys; inheriting them makes a worker file written for Kafka (which repeats the
// keys under each prefix) behave the same, and a shorter one work too.
func RoleProps(props map[string]string, role Role) map[string]string {
	out := map[string]string{}
	for _, k := range SecurityKeys {
		if v, ok := props[k]; ok {
			out[k] = v
		}
		if v, ok := props[string(role)+"."+k]; ok {
			out[k] = v
		}
	}
	return out
}

// Override policies, as Kafka Connect's connector.client.config.override.policy.
const (
	PolicyNone      = "None"
	PolicyPrincipal = "Principal"
	PolicyAll       = "All"
)

// KeyOverridePolicy is the worker key that says which client keys a connector may override.
const KeyOverridePolicy = "connector.client.config.override.policy"

// principalKeys are what the Principal policy lets a connector override, as Kafka's
// PrincipalConnectorClientConfigOverridePolicy.
var principalKeys = []string{KeySecurityProtocol, KeySASLJAASConfig, KeySASLMechanism}

// runtimeOverrides are the connector overrides the task runtime reads itself (not client
// keys): consumer.override.auto.offset.reset.
var runtimeOverrides = map[Role][]string{RoleConsumer: {"auto.offset.reset"}}

// OverridePrefix is the connector-config prefix of a role's client overrides
// ("producer.override.").
func OverridePrefix(role Role) string { return string(role) + ".override." }

// ParsePolicy reads connector.client.config.override.policy: None, Principal or All (Kafka
// 3.0's default, KIP-722), or the full Java class names of Kafka's policies.
func ParsePolicy(v string) (string, error) {
	v = strings.TrimSpace(v)
	short := strings.TrimSuffix(strings.TrimPrefix(v, "org.apache.kafka.connect.connector.policy."), "ConnectorClientConfigOverridePolicy")
	for _, p := range []string{PolicyNone, PolicyPrincipal, PolicyAll} {
		if strings.EqualFold(short, p) {
			return p, nil
		}
	}
	if v == "" {
		return PolicyAll, nil
	}
	return "", fmt.Errorf("%w: %s: want None, Principal or All, got %q", ErrConfig, KeyOverridePolicy, v)
}

// CheckOverrides validates a connector's client overrides against the policy and returns,
// per offending connector key, Kafka's message: "The '<policy>' policy does not allow
// '<key>' to be overridden" (AbstractConnectorClientConfigOverridePolicy). Overrides of
// keys that are neither security keys nor read by the task runtime
// (consumer.override.auto.offset.reset) are reported as not supported, so that none is
// ignored silently.
func CheckOverrides(policy string, connector map[string]string) map[string]string {
	out := map[string]string{}
	for _, role := range Roles {
		prefix := OverridePrefix(role)
		for k := range connector {
			name, ok := strings.CutPrefix(k, prefix)
			if !ok {
				continue
			}
			switch {
			case policy == PolicyNone || (policy == PolicyPrincipal && !slices.Contains(principalKeys, name)):
				out[k] = fmt.Sprintf("The '%s' policy does not allow '%s' to be overridden", policy, name)
			case !slices.Contains(SecurityKeys, name) && !slices.Contains(runtimeOverrides[role], name):
				out[k] = fmt.Sprintf("Overriding '%s' is not supported; only the client security keys (%s) may be overridden", name, strings.Join(SecurityKeys, ", "))
			}
		}
	}
	return out
}

// ConnectorProps returns the properties a connector's client of role sees: the worker's
// (RoleProps) overridden by the connector's <role>.override.* keys. It reports whether the
// connector overrides anything. Call CheckOverrides first.
func ConnectorProps(worker, connector map[string]string, role Role) (map[string]string, bool) {
	out := RoleProps(worker, role)
	base := maps.Clone(out)
	for _, k := range SecurityKeys {
		if v, ok := connector[OverridePrefix(role)+k]; ok {
			out[k] = v
		}
	}
	return out, !maps.Equal(base, out)
}
