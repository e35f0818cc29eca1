package httpsink

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/connectless/connectless/core/connect"
)

// Version is the connector's version string.
const Version = "0.1.0"

// Class is the class name users put in connector.class.
const Class = "io.connectless.connect.http.HttpSinkConnector"

// Plugin describes the HTTP sink for the connector registry.
var Plugin = connect.Plugin{
	Class:   Class,
	Type:    connect.PluginSink,
	Version: Version,
	New:     func() connect.Connector { return &Connector{} },
}

// Config keys.
const (
	URLConfig             = "http.api.url"
	MethodConfig          = "request.method"
	HeadersConfig         = "headers"
	HeaderSeparatorConfig = "header.separator"
	AuthTypeConfig        = "auth.type"
	UserConfig            = "connection.user"
	PasswordConfig        = "connection.password"
	BearerTokenConfig     = "bearer.token"
	BatchMaxSizeConfig    = "batch.max.size"
	BatchFormatConfig     = "batch.format"
	MaxRetriesConfig      = "max.retries"
	RetryBackoffConfig    = "retry.backoff.ms"
	RetryBackoffMaxConfig = "retry.backoff.max.ms"
	ConnectTimeoutConfig  = "http.connect.timeout.ms"
	RequestTimeoutConfig  = "http.request.timeout.ms"
	NullValuesConfig      = "behavior.on.null.values"
)

// Values of auth.type, batch.format and behavior.on.null.values.
const (
	AuthNone         = "NONE"
	AuthBasic        = "BASIC"
	AuthBearer       = "BEARER"
	FormatJSONArray  = "json_array"
	FormatNDJSON     = "ndjson"
	NullValuesIgnore = "ignore"
	NullValuesFail   = "fail"
)

// ErrConfig is wrapped by configuration errors found beyond the ConfigDef.
var ErrConfig = errors.New("invalid http sink configuration")

const (
	groupHTTP  = "HTTP"
	groupAuth  = "Authentication"
	groupBatch = "Batching"
	groupRetry = "Retries"
)

// ConfigDef describes the HTTP sink's keys.
func ConfigDef() *connect.ConfigDef {
	return connect.NewConfigDef().
		Define(connect.ConfigKey{Name: URLConfig, Type: connect.ConfigString, Required: true, Importance: connect.High,
			Group: groupHTTP, OrderInGroup: 1, Validator: connect.ValidatorFunc(validateURL, "absolute http or https URL"),
			Doc: "URL every batch is sent to. No default. Mirrors Confluent's HTTP sink http.api.url."}).
		Define(connect.ConfigKey{Name: MethodConfig, Type: connect.ConfigString, Default: "POST", Importance: connect.High,
			Group: groupHTTP, OrderInGroup: 2, Validator: connect.ValidStringIgnoreCase("POST", "PUT", "PATCH"),
			Doc: "HTTP method of the requests. Default POST. Mirrors Confluent's HTTP sink request.method."}).
		Define(connect.ConfigKey{Name: HeadersConfig, Type: connect.ConfigString, Default: "", Importance: connect.Medium,
			Group: groupHTTP, OrderInGroup: 3,
			Doc: "Headers added to every request, as Name:Value pairs separated by header.separator, e.g. X-Source:connect|X-Env:prod. " +
				"A Content-Type given here replaces the batch format's. Default empty. Mirrors Confluent's HTTP sink headers."}).
		Define(connect.ConfigKey{Name: HeaderSeparatorConfig, Type: connect.ConfigString, Default: "|", Importance: connect.Low,
			Group: groupHTTP, OrderInGroup: 4, Validator: connect.NonEmptyString(),
			Doc: "Separator between the pairs of headers. Default |. Mirrors Confluent's HTTP sink header.separator."}).
		Define(connect.ConfigKey{Name: ConnectTimeoutConfig, Type: connect.ConfigInt, Default: 30000, Importance: connect.Low,
			Group: groupHTTP, OrderInGroup: 5, Validator: connect.AtLeast[int32](1),
			Doc: "Time to establish a connection (ms). Default 30000. Mirrors Confluent's HTTP sink http.connect.timeout.ms."}).
		Define(connect.ConfigKey{Name: RequestTimeoutConfig, Type: connect.ConfigInt, Default: 30000, Importance: connect.Low,
			Group: groupHTTP, OrderInGroup: 6, Validator: connect.AtLeast[int32](1),
			Doc: "Time for one request and its response (ms); a timeout is retried. Default 30000. Mirrors Confluent's HTTP sink http.request.timeout.ms."}).
		Define(connect.ConfigKey{Name: AuthTypeConfig, Type: connect.ConfigString, Default: AuthNone, Importance: connect.High,
			Group: groupAuth, OrderInGroup: 1, Validator: connect.ValidStringIgnoreCase(AuthNone, AuthBasic, AuthBearer),
			Doc: "Authentication: NONE, BASIC (connection.user and connection.password) or BEARER (bearer.token). Default NONE. Mirrors Confluent's HTTP sink auth.type (BEARER is this connector's)."}).
		Define(connect.ConfigKey{Name: UserConfig, Type: connect.ConfigString, Default: "", Importance: connect.High,
			Group: groupAuth, OrderInGroup: 2,
			Doc: "User name for BASIC authentication. Default empty. Mirrors Confluent's HTTP sink connection.user."}).
		Define(connect.ConfigKey{Name: PasswordConfig, Type: connect.ConfigPassword, Default: "", Importance: connect.High,
			Group: groupAuth, OrderInGroup: 3,
			Doc: "Password for BASIC authentication; use a config provider reference such as ${env:HTTP_PASSWORD}. Default empty. Mirrors Confluent's HTTP sink connection.password."}).
		Define(connect.ConfigKey{Name: BearerTokenConfig, Type: connect.ConfigPassword, Default: "", Importance: connect.High,
			Group: groupAuth, OrderInGroup: 4,
			Doc: "Token sent as Authorization: Bearer <token> with auth.type BEARER; use a config provider reference. Default empty."}).
		Define(connect.ConfigKey{Name: BatchMaxSizeConfig, Type: connect.ConfigInt, Default: 100, Importance: connect.Medium,
			Group: groupBatch, OrderInGroup: 1, Validator: connect.Range[int32](1, 1000000),
			Doc: "Most records per request. Default 100 (Confluent's default is 1). Mirrors Confluent's HTTP sink batch.max.size."}).
		Define(connect.ConfigKey{Name: BatchFormatConfig, Type: connect.ConfigString, Default: FormatJSONArray, Importance: connect.Medium,
			Group: groupBatch, OrderInGroup: 2, Validator: connect.ValidStringIgnoreCase(FormatJSONArray, FormatNDJSON),
			Doc: "Request body: json_array ([v1,v2], Content-Type application/json) or ndjson (one value per line, Content-Type application/x-ndjson). " +
				"Struct, map, array, number and boolean values are written as JSON; string and bytes values must already hold one JSON document and are sent as they are. " +
				"Default json_array. Confluent's HTTP sink spells it batch.json.as.array."}).
		Define(connect.ConfigKey{Name: NullValuesConfig, Type: connect.ConfigString, Default: NullValuesIgnore, Importance: connect.Low,
			Group: groupBatch, OrderInGroup: 3, Validator: connect.ValidStringIgnoreCase(NullValuesIgnore, NullValuesFail),
			Doc: "What to do with a null value (a tombstone): ignore skips it, fail sends it to error handling. Default ignore. Mirrors Confluent's HTTP sink behavior.on.null.values."}).
		Define(connect.ConfigKey{Name: MaxRetriesConfig, Type: connect.ConfigInt, Default: 10, Importance: connect.Medium,
			Group: groupRetry, OrderInGroup: 1, Validator: connect.AtLeast[int32](0),
			Doc: "Retries of a request answered 408, 425, 429 or 5xx, or not answered; then the slice ends without committing the batch and the task retries it in a later slice, staying RUNNING (see docs/retries.md). Default 10. Mirrors Confluent's HTTP sink max.retries."}).
		Define(connect.ConfigKey{Name: RetryBackoffConfig, Type: connect.ConfigInt, Default: 3000, Importance: connect.Medium,
			Group: groupRetry, OrderInGroup: 2, Validator: connect.AtLeast[int32](0),
			Doc: "First wait before a retry (ms), doubled on each retry up to retry.backoff.max.ms; a longer Retry-After is honoured. Default 3000. Mirrors Confluent's HTTP sink retry.backoff.ms."}).
		Define(connect.ConfigKey{Name: RetryBackoffMaxConfig, Type: connect.ConfigInt, Default: 60000, Importance: connect.Low,
			Group: groupRetry, OrderInGroup: 3, Validator: connect.AtLeast[int32](0),
			Doc: "Longest backoff between retries (ms), Retry-After aside. Default 60000."})
}

func validateURL(name string, v any) error {
	s, _ := v.(string)
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil {
		return fmt.Errorf("not a URL: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("want an absolute http:// or https:// URL")
	}
	return nil
}

// settings is a parsed HTTP sink configuration.
type settings struct {
	url            string
	method         string
	headers        [][2]string
	auth           string
	user, password string
	token          string
	batch          int
	ndjson         bool
	failNulls      bool
	maxRetries     int
	backoff        time.Duration
	backoffMax     time.Duration
	connectTimeout time.Duration
	requestTimeout time.Duration
}

// parse reads a configuration; errors name the key at fault.
func parse(props map[string]string) (settings, error) {
	v, err := ConfigDef().Parse(props)
	if err != nil {
		return settings{}, fmt.Errorf("http sink: %w", err)
	}
	s := settings{
		url:            strings.TrimSpace(v.String(URLConfig)),
		method:         strings.ToUpper(v.String(MethodConfig)),
		auth:           strings.ToUpper(v.String(AuthTypeConfig)),
		user:           v.String(UserConfig),
		password:       v.Password(PasswordConfig).Value(),
		token:          v.Password(BearerTokenConfig).Value(),
		batch:          int(v.Int(BatchMaxSizeConfig)),
		ndjson:         strings.EqualFold(v.String(BatchFormatConfig), FormatNDJSON),
		failNulls:      strings.EqualFold(v.String(NullValuesConfig), NullValuesFail),
		maxRetries:     int(v.Int(MaxRetriesConfig)),
		backoff:        time.Duration(v.Int(RetryBackoffConfig)) * time.Millisecond,
		backoffMax:     time.Duration(v.Int(RetryBackoffMaxConfig)) * time.Millisecond,
		connectTimeout: time.Duration(v.Int(ConnectTimeoutConfig)) * time.Millisecond,
		requestTimeout: time.Duration(v.Int(RequestTimeoutConfig)) * time.Millisecond,
	}
	if s.headers, err = parseHeaders(v.String(HeadersConfig), v.String(HeaderSeparatorConfig)); err != nil {
		return settings{}, &keyError{key: HeadersConfig, err: err}
	}
	switch {
	case s.auth == AuthBasic && s.user == "":
		return settings{}, &keyError{key: UserConfig, err: fmt.Errorf("%w: auth.type BASIC needs %s", ErrConfig, UserConfig)}
	case s.auth == AuthBearer && s.token == "":
		return settings{}, &keyError{key: BearerTokenConfig, err: fmt.Errorf("%w: auth.type BEARER needs %s", ErrConfig, BearerTokenConfig)}
	}
	return s, nil
}

// keyError is a configuration error about one key.
type keyError struct {
	key string
	err error
}

func (e *keyError) Error() string { return "http sink: " + e.key + ": " + e.err.Error() }
func (e *keyError) Unwrap() error { return e.err }

// parseHeaders reads Name:Value pairs separated by sep.
func parseHeaders(s, sep string) ([][2]string, error) {
	var out [][2]string
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	for _, pair := range strings.Split(s, sep) {
		if strings.TrimSpace(pair) == "" {
			continue
		}
		name, value, ok := strings.Cut(pair, ":")
		name = strings.TrimSpace(name)
		if !ok || name == "" || strings.ContainsAny(name, " \t\r\n") {
			return nil, fmt.Errorf("%w: header %q is not Name:Value", ErrConfig, pair)
		}
		if strings.ContainsAny(value, "\r\n") {
			return nil, fmt.Errorf("%w: header %q has a line break in its value", ErrConfig, name)
		}
		out = append(out, [2]string{name, strings.TrimSpace(value)})
	}
	return out, nil
}
