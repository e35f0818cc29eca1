package kafka

import (
	"cmp"
	"context"
	"errors"
	"maps"
	"reflect"
	"time"
)

// ClientConfig is one parsed Kafka client configuration: the cluster, the client id and how
// each kind of client secures its connections. Every Kafka client of the worker, the Lambda
// functions and the CLI is built from one (Open, Options).
type ClientConfig struct {
	// Brokers from bootstrap.servers. Mirrors Kafka's bootstrap.servers.
	Brokers []string
	// ClientID from client.id. Default "connectless". Mirrors Kafka's client.id.
	ClientID string
	// Timeout bounds each request. Default 30s.
	Timeout time.Duration
	// Security is the worker's own keys (security.protocol, sasl.*, ssl.*): its internal
	// topics and group.
	Security Security
	// Roles are the producers', consumers' and admin clients' keys: the worker's, each
	// overridden by the keys under producer., consumer. or admin. (RoleProps).
	Roles map[Role]Security
	// Policy is connector.client.config.override.policy: which keys a connector may
	// override (ForConnector). Empty means All, Kafka 3's default.
	Policy string
	// props are the security keys as given, for connector overrides.
	props map[string]string
}

// ParseClientConfig reads the client security keys of worker properties: the worker's own
// and those under the producer., consumer. and admin. prefixes. Brokers and ClientID are
// left to the caller. Every problem is reported, each wrapping ErrConfig and naming the key.
func ParseClientConfig(props map[string]string) (ClientConfig, error) {
	c := ClientConfig{Roles: map[Role]Security{}, props: map[string]string{}}
	for _, k := range SecurityKeys {
		for _, name := range []string{k, "producer." + k, "consumer." + k, "admin." + k} {
			if v, ok := props[name]; ok {
				c.props[name] = v
			}
		}
	}
	var errs []error
	seen := map[string]bool{}
	add := func(err error) {
		for _, e := range unjoin(err) {
			if !seen[e.Error()] {
				seen[e.Error()] = true
				errs = append(errs, e)
			}
		}
	}
	var err error
	c.Security, err = ParseSecurity(props, "")
	add(err)
	for _, role := range Roles {
		sec, err := parseRoleSecurity(props, role)
		add(err)
		c.Roles[role] = sec
	}
	return c, errors.Join(errs...)
}

func unjoin(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

func withPrefix(props map[string]string, prefix string) map[string]string {
	out := make(map[string]string, len(props))
	for k, v := range props {
		out[prefix+k] = v
	}
	return out
}

// ForConnector returns the configuration of a connector's clients: the worker's, with the
// connector's producer.override.*, consumer.override.* and admin.override.* security keys
// applied, as policy (None, Principal or All) allows. It reports whether the connector
// overrides anything; a disallowed or unsupported override is an error naming its key.
func (c ClientConfig) ForConnector(policy string, connector map[string]string) (ClientConfig, bool, error) {
	if bad := CheckOverrides(policy, connector); len(bad) > 0 {
		var errs []error
		for k, msg := range bad {
			errs = append(errs, errors.New(k+": "+msg))
		}
		return c, false, errors.Join(append([]error{ErrConfig}, errs...)...)
	}
	out := c
	out.Roles = maps.Clone(c.Roles)
	changed := false
	for _, role := range Roles {
		rp, over := ConnectorProps(c.props, connector, role)
		if !over {
			continue
		}
		sec, err := ParseSecurity(withPrefix(rp, OverridePrefix(role)), OverridePrefix(role))
		if err != nil {
			return c, false, err
		}
		if !reflect.DeepEqual(sec.unprefixed(), c.Roles[role].unprefixed()) {
			out.Roles[role] = sec
			changed = true
		}
	}
	return out, changed, nil
}

// unprefixed is s without the names of its keys, to compare two configurations.
func (s Security) unprefixed() Security { s.Prefix, s.Names = "", nil; return s }

// Options builds the TLS configurations and SASL mechanisms (loading trust and key stores,
// AWS credentials) and returns the options of a Client: admin calls secured by the admin
// role, writers by the producer role, fetches by the consumer role.
func (c ClientConfig) Options(ctx context.Context, bo BuildOptions) (Options, error) {
	o := Options{Brokers: c.Brokers, ClientID: c.ClientID, Timeout: c.Timeout}
	admin := c.role(RoleAdmin)
	tc, mech, err := admin.Build(ctx, bo)
	if err != nil {
		return Options{}, err
	}
	o.TLS, o.SASL, o.Security = tc, mech, admin
	for _, r := range []struct {
		role Role
		dst  **Endpoint
	}{{RoleProducer, &o.Producer}, {RoleConsumer, &o.Consumer}} {
		sec := c.role(r.role)
		if reflect.DeepEqual(sec.unprefixed(), admin.unprefixed()) {
			continue
		}
		tc, mech, err := sec.Build(ctx, bo)
		if err != nil {
			return Options{}, err
		}
		*r.dst = &Endpoint{TLS: tc, SASL: mech, Security: sec}
	}
	return o, nil
}

// WorkerOptions returns the options of the worker's own connections (its internal topics
// and group), secured by the worker's keys without a role prefix.
func (c ClientConfig) WorkerOptions(ctx context.Context, bo BuildOptions) (Options, error) {
	tc, mech, err := c.Security.Build(ctx, bo)
	if err != nil {
		return Options{}, err
	}
	return Options{Brokers: c.Brokers, ClientID: c.ClientID, Timeout: c.Timeout, TLS: tc, SASL: mech, Security: c.Security}, nil
}

func (c ClientConfig) role(r Role) Security {
	if s, ok := c.Roles[r]; ok {
		return s
	}
	return c.Security
}

// Open builds a Client from the configuration (see Options). The client remembers c, so
// that Client.ForConnector can apply a connector's overrides.
func Open(ctx context.Context, c ClientConfig, bo BuildOptions) (*Client, error) {
	o, err := c.Options(ctx, bo)
	if err != nil {
		return nil, err
	}
	cl, err := NewClient(o)
	if err != nil {
		return nil, err
	}
	cl.base, cl.build = &c, bo
	return cl, nil
}

// ForConnector returns the client a connector's tasks use: c itself when the connector
// overrides no client key, otherwise a new client with its producer.override.*,
// consumer.override.* and admin.override.* keys applied as the worker's
// connector.client.config.override.policy allows; the caller closes a new client. An
// override the policy refuses, or that this package does not implement, is an error naming
// the connector key. A nil c gives nil.
func (c *Client) ForConnector(ctx context.Context, connector map[string]string) (*Client, error) {
	if c == nil {
		return nil, nil
	}
	base := c.base
	if base == nil {
		base = &ClientConfig{Brokers: c.brokers, ClientID: c.opts.ClientID, Timeout: c.opts.Timeout,
			Security: c.opts.Security, Roles: map[Role]Security{}}
	}
	cfg, changed, err := base.ForConnector(cmp.Or(base.Policy, PolicyAll), connector)
	if err != nil || !changed {
		return c, err
	}
	return Open(ctx, cfg, c.build)
}
