package schemaregistry

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/connectless/connectless/core/connect"
	"github.com/twmb/franz-go/pkg/sr"
)

// Config keys, as Confluent's AbstractKafkaSchemaSerDeConfig and the converters' configs.
const (
	URLKey                     = "schema.registry.url"
	BasicAuthSourceKey         = "basic.auth.credentials.source"
	BasicAuthUserInfoKey       = "basic.auth.user.info"
	BearerAuthSourceKey        = "bearer.auth.credentials.source"
	BearerAuthTokenKey         = "bearer.auth.token"
	AutoRegisterKey            = "auto.register.schemas"
	UseLatestVersionKey        = "use.latest.version"
	LatestCompatStrictKey      = "latest.compatibility.strict"
	NormalizeSchemasKey        = "normalize.schemas"
	KeySubjectStrategyKey      = "key.subject.name.strategy"
	ValueSubjectStrategyKey    = "value.subject.name.strategy"
	SchemasCacheConfigKey      = "schemas.cache.config"
	SSLTruststoreTypeKey       = "schema.registry.ssl.truststore.type"
	SSLTruststoreLocationKey   = "schema.registry.ssl.truststore.location"
	SSLTruststoreCertsKey      = "schema.registry.ssl.truststore.certificates"
	SSLKeystoreTypeKey         = "schema.registry.ssl.keystore.type"
	SSLKeystoreLocationKey     = "schema.registry.ssl.keystore.location"
	SSLKeystoreCertChainKey    = "schema.registry.ssl.keystore.certificate.chain"
	SSLKeystoreKeyKey          = "schema.registry.ssl.keystore.key"
	SSLKeyPasswordKey          = "schema.registry.ssl.key.password"
	SSLEndpointIdentificationK = "schema.registry.ssl.endpoint.identification.algorithm"
	// RequestTimeoutKey is this project's own key (Confluent's converters have none): how long
	// one registry call made while converting a record may take.
	RequestTimeoutKey = "connectless.schema.registry.request.timeout.ms"
)

// Subject name strategies, by their Java class names.
const (
	TopicNameStrategy       = "io.confluent.kafka.serializers.subject.TopicNameStrategy"
	RecordNameStrategy      = "io.confluent.kafka.serializers.subject.RecordNameStrategy"
	TopicRecordNameStrategy = "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy"
)

// ErrConfig is returned (wrapped) for a converter configuration that cannot work.
var ErrConfig = errors.New("schema registry converter config")

const group = "Schema Registry"

// ConfigDef returns the keys every Schema Registry converter accepts.
func ConfigDef() *connect.ConfigDef {
	order := 0
	key := func(k connect.ConfigKey) connect.ConfigKey {
		k.Group, k.OrderInGroup = group, order
		order++
		if k.Width == "" {
			k.Width = connect.WidthMedium
		}
		if k.Importance == "" {
			k.Importance = connect.Medium
		}
		return k
	}
	strategies := connect.ValidString(TopicNameStrategy, RecordNameStrategy, TopicRecordNameStrategy)
	return connect.NewConfigDef().
		Define(connect.ConverterTypeKey()).
		Define(key(connect.ConfigKey{Name: URLKey, Type: connect.ConfigList, Required: true, Importance: connect.High,
			Doc: "Comma-separated list of Schema Registry URLs; a request that cannot reach one URL is tried on the next. " +
				"Required. Mirrors Confluent's schema.registry.url."})).
		Define(key(connect.ConfigKey{Name: BasicAuthSourceKey, Type: connect.ConfigString, Default: "URL",
			Validator: connect.ValidString("URL", "USER_INFO"),
			Doc: "Where basic auth credentials come from: URL (user:password@ in schema.registry.url) or USER_INFO " +
				"(basic.auth.user.info). Default URL. Mirrors Confluent's basic.auth.credentials.source; SASL_INHERIT is not supported."})).
		Define(key(connect.ConfigKey{Name: BasicAuthUserInfoKey, Type: connect.ConfigPassword, Default: connect.Password(""),
			Doc: "user:password for basic auth when basic.auth.credentials.source=USER_INFO. Default empty. Mirrors Confluent's basic.auth.user.info."})).
		Define(key(connect.ConfigKey{Name: BearerAuthSourceKey, Type: connect.ConfigString, Default: "",
			Validator: connect.ValidString("", "STATIC_TOKEN"),
			Doc: "Where the bearer token comes from: STATIC_TOKEN (bearer.auth.token). Default empty (no bearer auth). " +
				"Mirrors Confluent's bearer.auth.credentials.source; the OAuth sources are not supported."})).
		Define(key(connect.ConfigKey{Name: BearerAuthTokenKey, Type: connect.ConfigPassword, Default: connect.Password(""),
			Doc: "The bearer token when bearer.auth.credentials.source=STATIC_TOKEN. Default empty. Mirrors Confluent's bearer.auth.token."})).
		Define(key(connect.ConfigKey{Name: AutoRegisterKey, Type: connect.ConfigBoolean, Default: true, Importance: connect.High,
			Doc: "Register the schema of written records under their subject when it is not registered yet. Default true. " +
				"Mirrors Confluent's auto.register.schemas."})).
		Define(key(connect.ConfigKey{Name: UseLatestVersionKey, Type: connect.ConfigBoolean, Default: false,
			Doc: "Write records with the latest schema registered under the subject instead of their own. Default false. " +
				"Mirrors Confluent's use.latest.version."})).
		Define(key(connect.ConfigKey{Name: LatestCompatStrictKey, Type: connect.ConfigBoolean, Default: true,
			Doc: "With use.latest.version, refuse a record whose schema the latest one cannot read (backward compatibility), " +
				"checked on the converter's side as Confluent's serializers do. Default true. The AvroConverter checks it; the " +
				"ProtobufConverter and JsonSchemaConverter cannot and refuse true together with use.latest.version=true. " +
				"Mirrors Confluent's latest.compatibility.strict."})).
		Define(key(connect.ConfigKey{Name: NormalizeSchemasKey, Type: connect.ConfigBoolean, Default: false,
			Doc: "Ask the registry to normalize schemas when registering and looking them up. Default false. Mirrors Confluent's normalize.schemas."})).
		Define(key(connect.ConfigKey{Name: KeySubjectStrategyKey, Type: connect.ConfigString, Default: TopicNameStrategy, Validator: strategies,
			Doc: "How the subject of a key schema is named: TopicNameStrategy (<topic>-key), RecordNameStrategy (<record name>) or " +
				"TopicRecordNameStrategy (<topic>-<record name>), by Java class name. Default TopicNameStrategy. Mirrors Confluent's key.subject.name.strategy."})).
		Define(key(connect.ConfigKey{Name: ValueSubjectStrategyKey, Type: connect.ConfigString, Default: TopicNameStrategy, Validator: strategies,
			Doc: "How the subject of a value schema is named, as key.subject.name.strategy (<topic>-value for TopicNameStrategy). " +
				"Default TopicNameStrategy. Mirrors Confluent's value.subject.name.strategy."})).
		Define(key(connect.ConfigKey{Name: RequestTimeoutKey, Type: connect.ConfigLong, Default: int64(30000), Validator: connect.AtLeast(1),
			Doc: "How long one registry call made while converting a record may take, in milliseconds; a call that takes longer " +
				"is a retriable error (the slice is retried, as for a registry that is down). Default 30000. This project's own key: " +
				"Confluent's converters have none."})).
		Define(key(connect.ConfigKey{Name: SchemasCacheConfigKey, Type: connect.ConfigInt, Default: int32(1000), Validator: connect.AtLeast(1),
			Doc: "How many schemas this converter keeps converted and how many schema ids it remembers. Default 1000. Mirrors Confluent's schemas.cache.config."})).
		Define(key(connect.ConfigKey{Name: SSLTruststoreTypeKey, Type: connect.ConfigString, Default: "PEM", Validator: connect.ValidString("PEM"),
			Doc: "Format of the trust store: PEM only. Default PEM. Mirrors Confluent's schema.registry.ssl.truststore.type."})).
		Define(key(connect.ConfigKey{Name: SSLTruststoreLocationKey, Type: connect.ConfigString, Default: "",
			Doc: "A PEM file of CA certificates to trust for https registry URLs. Default empty (the system's). Mirrors Confluent's schema.registry.ssl.truststore.location."})).
		Define(key(connect.ConfigKey{Name: SSLTruststoreCertsKey, Type: connect.ConfigPassword, Default: connect.Password(""),
			Doc: "PEM CA certificates given inline. Default empty. Mirrors Confluent's schema.registry.ssl.truststore.certificates."})).
		Define(key(connect.ConfigKey{Name: SSLKeystoreTypeKey, Type: connect.ConfigString, Default: "PEM", Validator: connect.ValidString("PEM"),
			Doc: "Format of the key store: PEM only. Default PEM. Mirrors Confluent's schema.registry.ssl.keystore.type."})).
		Define(key(connect.ConfigKey{Name: SSLKeystoreLocationKey, Type: connect.ConfigString, Default: "",
			Doc: "A PEM file holding the client certificate chain and its unencrypted private key. Default empty. Mirrors Confluent's schema.registry.ssl.keystore.location."})).
		Define(key(connect.ConfigKey{Name: SSLKeystoreCertChainKey, Type: connect.ConfigPassword, Default: connect.Password(""),
			Doc: "The client certificate chain in PEM, inline. Default empty. Mirrors Confluent's schema.registry.ssl.keystore.certificate.chain."})).
		Define(key(connect.ConfigKey{Name: SSLKeystoreKeyKey, Type: connect.ConfigPassword, Default: connect.Password(""),
			Doc: "The client's unencrypted private key in PEM, inline. Default empty. Mirrors Confluent's schema.registry.ssl.keystore.key."})).
		Define(key(connect.ConfigKey{Name: SSLKeyPasswordKey, Type: connect.ConfigPassword, Default: connect.Password(""),
			Doc: "Password of an encrypted private key: not supported, give the key unencrypted. Default empty. Mirrors Confluent's schema.registry.ssl.key.password."})).
		Define(key(connect.ConfigKey{Name: SSLEndpointIdentificationK, Type: connect.ConfigString, Default: "https",
			Validator: connect.ValidString("https", ""),
			Doc: "https checks that the registry's certificate names its host; empty turns the check off. Default https. " +
				"Mirrors Confluent's schema.registry.ssl.endpoint.identification.algorithm."}))
}

// Settings are the parsed registry settings of one converter.
type Settings struct {
	URLs             []string
	AutoRegister     bool
	UseLatest        bool
	LatestCompatible bool
	Normalize        bool
	Strategy         string
	CacheSize        int
	// RequestTimeout bounds one registry call (connectless.schema.registry.request.timeout.ms).
	RequestTimeout time.Duration
	clientOpts     []sr.ClientOpt
}

// Parse reads the registry settings from a converter's props (parsed with def, which must
// include ConfigDef's keys), for a key converter when isKey.
func Parse(v connect.Values, isKey bool) (Settings, error) {
	s := Settings{
		AutoRegister:     v.Bool(AutoRegisterKey),
		UseLatest:        v.Bool(UseLatestVersionKey),
		LatestCompatible: v.Bool(LatestCompatStrictKey),
		Normalize:        v.Bool(NormalizeSchemasKey),
		Strategy:         v.String(ValueSubjectStrategyKey),
		CacheSize:        int(v.Int(SchemasCacheConfigKey)),
		RequestTimeout:   time.Duration(v.Long(RequestTimeoutKey)) * time.Millisecond,
	}
	if isKey {
		s.Strategy = v.String(KeySubjectStrategyKey)
	}
	for _, u := range v.List(URLKey) {
		if u = strings.TrimSpace(u); u != "" {
			s.URLs = append(s.URLs, u)
		}
	}
	if len(s.URLs) == 0 {
		return s, fmt.Errorf("%w: %s is required", ErrConfig, URLKey)
	}
	for _, u := range s.URLs {
		p, err := url.Parse(u)
		if err != nil || p.Host == "" || p.Scheme != "http" && p.Scheme != "https" {
			return s, fmt.Errorf("%w: %s: %q is not an http:// or https:// URL", ErrConfig, URLKey, u)
		}
	}
	if v.String(BasicAuthSourceKey) == "USER_INFO" {
		info := v.Password(BasicAuthUserInfoKey).Value()
		user, pass, ok := strings.Cut(info, ":")
		if !ok || user == "" {
			return s, fmt.Errorf("%w: %s=USER_INFO needs %s as user:password", ErrConfig, BasicAuthSourceKey, BasicAuthUserInfoKey)
		}
		s.clientOpts = append(s.clientOpts, sr.BasicAuth(user, pass))
	}
	if v.String(BearerAuthSourceKey) == "STATIC_TOKEN" {
		tok := v.Password(BearerAuthTokenKey).Value()
		if tok == "" {
			return s, fmt.Errorf("%w: %s=STATIC_TOKEN needs %s", ErrConfig, BearerAuthSourceKey, BearerAuthTokenKey)
		}
		s.clientOpts = append(s.clientOpts, sr.BearerToken(tok))
	}
	tlsCfg, err := tlsConfig(v)
	if err != nil {
		return s, err
	}
	if tlsCfg != nil {
		s.clientOpts = append(s.clientOpts, sr.DialTLSConfig(tlsCfg))
	}
	s.clientOpts = append(s.clientOpts, sr.URLs(s.URLs...), sr.UserAgent("connectless"))
	return s, nil
}

func tlsConfig(v connect.Values) (*tls.Config, error) {
	if v.Password(SSLKeyPasswordKey).Value() != "" {
		return nil, fmt.Errorf("%w: %s: encrypted private keys are not supported; give the key unencrypted in PEM", ErrConfig, SSLKeyPasswordKey)
	}
	var cfg tls.Config
	used := false
	var caPEM []byte
	if loc := v.String(SSLTruststoreLocationKey); loc != "" {
		b, err := os.ReadFile(loc)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrConfig, SSLTruststoreLocationKey, err)
		}
		caPEM = append(caPEM, b...)
	}
	caPEM = append(caPEM, v.Password(SSLTruststoreCertsKey).Value()...)
	if len(caPEM) > 0 {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(caPEM) {
			return nil, fmt.Errorf("%w: no PEM certificate found in the schema registry trust store", ErrConfig)
		}
		cfg.RootCAs, used = pool, true
	}
	var certPEM, keyPEM []byte
	if loc := v.String(SSLKeystoreLocationKey); loc != "" {
		b, err := os.ReadFile(loc)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrConfig, SSLKeystoreLocationKey, err)
		}
		for rest := b; ; {
			var blk *pem.Block
			blk, rest = pem.Decode(rest)
			if blk == nil {
				break
			}
			if strings.Contains(blk.Type, "PRIVATE KEY") {
				keyPEM = append(keyPEM, pem.EncodeToMemory(blk)...)
			} else {
				certPEM = append(certPEM, pem.EncodeToMemory(blk)...)
			}
		}
	}
	certPEM = append(certPEM, v.Password(SSLKeystoreCertChainKey).Value()...)
	keyPEM = append(keyPEM, v.Password(SSLKeystoreKeyKey).Value()...)
	if len(certPEM) > 0 || len(keyPEM) > 0 {
		cert, err := tls.X509KeyPair(certPEM, keyPEM)
		if err != nil {
			return nil, fmt.Errorf("%w: schema registry client certificate: %w", ErrConfig, err)
		}
		cfg.Certificates, used = []tls.Certificate{cert}, true
	}
	if v.String(SSLEndpointIdentificationK) == "" {
		cfg.InsecureSkipVerify, used = true, true // the chain is still checked below
		cfg.VerifyPeerCertificate = verifyChainOnly(cfg.RootCAs)
	}
	if !used {
		return nil, nil
	}
	return &cfg, nil
}

// verifyChainOnly checks the server's chain against roots without checking its host name, as
// Java does with an empty endpoint identification algorithm.
func verifyChainOnly(roots *x509.CertPool) func([][]byte, [][]*x509.Certificate) error {
	return func(raw [][]byte, _ [][]*x509.Certificate) error {
		if len(raw) == 0 {
			return errors.New("schema registry sent no certificate")
		}
		certs := make([]*x509.Certificate, len(raw))
		for i, r := range raw {
			c, err := x509.ParseCertificate(r)
			if err != nil {
				return err
			}
			certs[i] = c
		}
		inter := x509.NewCertPool()
		for _, c := range certs[1:] {
			inter.AddCert(c)
		}
		_, err := certs[0].Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: time.Now()})
		return err
	}
}

// unsupported are Confluent converter keys these converters do not implement: setting one is
// refused rather than ignored.
func unsupported() []string {
	return []string{
		"use.schema.id", "id.compatibility.strict", "latest.cache.ttl.sec", "latest.with.metadata",
		"context.name.strategy", "key.subject.name.strategy.type", "value.subject.name.strategy.type",
		"optional.for.nullables", "wrapper.for.nullables", "generate.index.for.unions", "generalized.sum.type.support",
		"bearer.auth.issuer.endpoint.url", "bearer.auth.client.id", "bearer.auth.client.secret", "bearer.auth.scope",
		"bearer.auth.logical.cluster", "bearer.auth.identity.pool.id", "bearer.auth.custom.provider.class",
		"schema.registry.ssl.keystore.password", "schema.registry.ssl.truststore.password",
	}
}

// Configure parses a converter's props with def (ConfigDef's keys and the converter's own)
// and returns the values and a registry client for them; errors name the converter class.
// schema.registry.basic.auth.user.info, Confluent's older name, is read as
// basic.auth.user.info.
func Configure(class string, def *connect.ConfigDef, props map[string]string, isKey bool) (connect.Values, *Registry, error) {
	for _, k := range unsupported() {
		if _, ok := props[k]; ok {
			return connect.Values{}, nil, fmt.Errorf("%s: %w: %s is not supported by this converter; remove it", class, ErrConfig, k)
		}
	}
	if old, ok := props["schema.registry.basic.auth.user.info"]; ok {
		if _, set := props[BasicAuthUserInfoKey]; !set {
			props = maps.Clone(props)
			props[BasicAuthUserInfoKey] = old
		}
	}
	v, err := def.Parse(props)
	if err != nil {
		return v, nil, fmt.Errorf("%s: %w", class, err)
	}
	s, err := Parse(v, isKey)
	if err != nil {
		return v, nil, fmt.Errorf("%s: %w", class, err)
	}
	reg, err := New(s, isKey)
	if err != nil {
		return v, nil, fmt.Errorf("%s: %w", class, err)
	}
	return v, reg, nil
}
