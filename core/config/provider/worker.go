package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

// Worker property keys, as Kafka names them.
const (
	// KeyProviders lists provider names. No default (no providers). Mirrors Kafka Connect's
	// config.providers.
	KeyProviders = "config.providers"
	// KeyProviderPrefix starts config.providers.<name>.class and config.providers.<name>.param.<p>.
	KeyProviderPrefix = "config.providers."
)

// Provider classes accepted in config.providers.<name>.class, by kind. The short names are
// ours; the Java class names are Kafka's (and the AWS MSK config providers') so that worker
// files written for Kafka Connect keep working.
var classKinds = map[string]string{
	"env":                  "env",
	"EnvVarConfigProvider": "env",
	"org.apache.kafka.common.config.provider.EnvVarConfigProvider": "env",
	"file":               "file",
	"FileConfigProvider": "file",
	"org.apache.kafka.common.config.provider.FileConfigProvider": "file",
	"directory":               "directory",
	"DirectoryConfigProvider": "directory",
	"org.apache.kafka.common.config.provider.DirectoryConfigProvider": "directory",
	"secretsmanager":               "secretsmanager",
	"SecretsManagerConfigProvider": "secretsmanager",
	"com.amazonaws.kafka.config.providers.SecretsManagerConfigProvider": "secretsmanager",
}

// Options are the dependencies FromWorkerConfig may need.
type Options struct {
	// AWSConfig loads the AWS configuration for the Secrets Manager provider; nil means the
	// standard SDK chain (environment, shared files, instance role).
	AWSConfig func(ctx context.Context) (aws.Config, error)
	// LookupEnv reads environment variables for the env provider; nil means os.LookupEnv.
	LookupEnv func(string) (string, bool)
}

// FromWorkerConfig builds a resolver from worker properties (config.providers and
// config.providers.<name>.class / .param.<p>). When a provider's class is not set and its
// name is one of env, file, directory or secretsmanager, that kind is used. Errors name the key.
func FromWorkerConfig(ctx context.Context, props map[string]string, opts Options) (*Resolver, error) {
	names := strings.TrimSpace(props[KeyProviders])
	providers := map[string]Provider{}
	if names == "" {
		return New(providers), nil
	}
	for _, name := range strings.Split(names, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		classKey := KeyProviderPrefix + name + ".class"
		class := strings.TrimSpace(props[classKey])
		if class == "" {
			class = name
		}
		kind, ok := classKinds[class]
		if !ok {
			return nil, fmt.Errorf("%s: unknown config provider class %q", classKey, class)
		}
		params := map[string]string{}
		paramPrefix := KeyProviderPrefix + name + ".param."
		for k, v := range props {
			if p, ok := strings.CutPrefix(k, paramPrefix); ok {
				params[p] = v
			}
		}
		p, err := newProvider(ctx, kind, params, opts)
		if err != nil {
			return nil, fmt.Errorf("%s%s: %w", KeyProviderPrefix, name, err)
		}
		providers[name] = p
	}
	return New(providers), nil
}

func newProvider(ctx context.Context, kind string, params map[string]string, opts Options) (Provider, error) {
	switch kind {
	case "env":
		e := Env{Lookup: opts.LookupEnv}
		if pat := params["allowlist.pattern"]; pat != "" {
			re, err := regexp.Compile("^(?:" + pat + ")$")
			if err != nil {
				return nil, fmt.Errorf("param allowlist.pattern: %w", err)
			}
			e.Allow = re
		}
		return e, nil
	case "file":
		return File{AllowedPaths: allowedPaths(params)}, nil
	case "directory":
		return Directory{AllowedPaths: allowedPaths(params)}, nil
	default: // secretsmanager
		load := opts.AWSConfig
		if load == nil {
			load = func(ctx context.Context) (aws.Config, error) { return awsconfig.LoadDefaultConfig(ctx) }
		}
		cfg, err := load(ctx)
		if err != nil {
			return nil, fmt.Errorf("load AWS config: %w", err)
		}
		return SecretsManager{Client: secretsmanager.NewFromConfig(cfg, func(o *secretsmanager.Options) {
			if r := params["region"]; r != "" {
				o.Region = r
			}
			if ep := params["endpoint"]; ep != "" {
				o.BaseEndpoint = aws.String(ep)
			}
		})}, nil
	}
}

func allowedPaths(params map[string]string) []string {
	var out []string
	for _, p := range strings.Split(params["allowed.paths"], ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
