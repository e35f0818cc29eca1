package client

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/connectless/connectless/core/connect"
)

// DefaultURL is where a Kafka Connect worker listens by default (listeners=http://:8083).
const DefaultURL = "http://localhost:8083"

// DefaultTimeout bounds one request when no HTTP client is given: a little more than Kafka
// Connect's 90s REST request timeout, so the server's own "Request timed out" arrives first.
const DefaultTimeout = 95 * time.Second

// SigV4Service is the signing name of API Gateway (execute-api).
const SigV4Service = "execute-api"

// Client talks to one Kafka Connect REST API. It is safe for concurrent use.
type Client struct {
	conflictWait time.Duration
	base         *url.URL
	http         *http.Client
	userAgent    string
	auth         func(ctx context.Context, r *http.Request, body []byte) error
}

// Option configures a Client.
type Option func(*Client)

// WithHTTPClient sends requests through hc. Default: a client with DefaultTimeout.
func WithHTTPClient(hc *http.Client) Option { return func(c *Client) { c.http = hc } }

// WithConflictRetry retries, for up to d, a request answered 409 because the Kafka Connect
// cluster is rebalancing or its leader is unknown ("Cannot complete request momentarily"),
// as kcctl does. Default 30s; 0 disables. A 409 for an existing connector is not retried.
func WithConflictRetry(d time.Duration) Option { return func(c *Client) { c.conflictWait = d } }

// WithUserAgent sets the User-Agent header. Default "connectless".
func WithUserAgent(ua string) Option { return func(c *Client) { c.userAgent = ua } }

// WithBasicAuth authenticates every request with HTTP basic authentication.
func WithBasicAuth(user, password string) Option {
	return func(c *Client) {
		c.auth = func(_ context.Context, r *http.Request, _ []byte) error {
			r.SetBasicAuth(user, password)
			return nil
		}
	}
}

// WithSigV4 signs every request with AWS Signature Version 4 for API Gateway (service
// execute-api) in region, with credentials from creds (for instance aws.Config.Credentials
// from the SDK's default chain).
func WithSigV4(creds aws.CredentialsProvider, region string) Option {
	return WithSigV4Service(creds, region, SigV4Service, nil)
}

// WithSigV4Service is WithSigV4 for another signing name; now is the clock (nil: time.Now).
func WithSigV4Service(creds aws.CredentialsProvider, region, service string, now func() time.Time) Option {
	if now == nil {
		now = time.Now
	}
	signer := v4.NewSigner()
	return func(c *Client) {
		c.auth = func(ctx context.Context, r *http.Request, body []byte) error {
			if creds == nil {
				return errors.New("sign request: no AWS credentials")
			}
			cr, err := creds.Retrieve(ctx)
			if err != nil {
				return fmt.Errorf("sign request: retrieve AWS credentials: %w", err)
			}
			sum := sha256.Sum256(body)
			hash := hex.EncodeToString(sum[:])
			r.Header.Set("X-Amz-Content-Sha256", hash)
			if err := signer.SignHTTP(ctx, cr, r, hash, service, region, now().UTC()); err != nil {
				return fmt.Errorf("sign request: %w", err)
			}
			return nil
		}
	}
}

// New returns a client for the REST API at baseURL (scheme, host, port and an optional path
// prefix such as an API Gateway stage).
func New(baseURL string, opts ...Option) (*Client, error) {
	if strings.TrimSpace(baseURL) == "" {
		baseURL = DefaultURL
	}
	u, err := url.Parse(strings.TrimRight(baseURL, "/"))
	if err != nil {
		return nil, fmt.Errorf("rest url %q: %w", baseURL, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("rest url %q: scheme must be http or https", baseURL)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("rest url %q: no host", baseURL)
	}
	c := &Client{base: u, userAgent: "connectless", conflictWait: 30 * time.Second}
	for _, o := range opts {
		o(c)
	}
	if c.http == nil {
		c.http = &http.Client{Timeout: DefaultTimeout}
	}
	return c, nil
}

// URL returns the base URL.
func (c *Client) URL() string { return c.base.String() }

// response is a raw answer.
type response struct {
	status int
	header http.Header
	body   []byte
}

// do sends a request, retrying rebalance conflicts (see WithConflictRetry).
func (c *Client) do(ctx context.Context, method, path string, query url.Values, in any) (*response, error) {
	deadline := time.Now().Add(c.conflictWait)
	wait := 250 * time.Millisecond
	for {
		resp, err := c.do1(ctx, method, path, query, in)
		var api *APIError
		if !errors.As(err, &api) || api.StatusCode != http.StatusConflict || !strings.Contains(api.Message, "momentarily") ||
			time.Now().Add(wait).After(deadline) {
			return resp, err
		}
		if connect.Sleep(ctx, wait) != nil {
			return nil, err
		}
		wait = min(2*wait, 2*time.Second)
	}
}

// do1 sends one request to path (already escaped, see p). in, when not nil, is sent as JSON. A non-2xx status is an *APIError.
func (c *Client) do1(ctx context.Context, method, path string, query url.Values, in any) (*response, error) {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return nil, fmt.Errorf("%s %s: encode body: %w", method, path, err)
		}
	}
	u := *c.base
	unescaped, err := url.PathUnescape(path)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	u.Path = c.base.Path + unescaped
	u.RawPath = c.base.EscapedPath() + path
	if len(query) > 0 {
		u.RawQuery = query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	if body == nil {
		req.Body, req.ContentLength = http.NoBody, 0
	} else {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if c.auth != nil {
		if err := c.auth(ctx, req, body); err != nil {
			return nil, fmt.Errorf("%s %s: %w", method, path, err)
		}
	}
	resp, err := c.http.Do(req)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, fmt.Errorf("%s %s: %w", method, u.Redacted(), ctxErr)
		}
		return nil, fmt.Errorf("%s %s: %w: %w", method, u.Redacted(), ErrUnreachable, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("%s %s: read answer: %w", method, path, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, apiError(method, path, resp.StatusCode, data)
	}
	return &response{status: resp.StatusCode, header: resp.Header, body: data}, nil
}

// p joins path segments, escaping each: p("connectors", name, "config").
func p(segs ...string) string {
	var b strings.Builder
	for _, s := range segs {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(s))
	}
	return b.String()
}

func apiError(method, path string, status int, body []byte) *APIError {
	e := &APIError{Method: method, Path: path, StatusCode: status}
	var em struct {
		ErrorCode *int    `json:"error_code"`
		Message   *string `json:"message"`
	}
	if json.Unmarshal(body, &em) == nil && em.ErrorCode != nil {
		e.ErrorCode = *em.ErrorCode
		if em.Message != nil {
			e.Message = *em.Message
		}
		return e
	}
	// API Gateway answers {"message":"Forbidden"} and similar.
	var gw struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(body, &gw) == nil && gw.Message != "" {
		e.Message = gw.Message
		return e
	}
	text := strings.TrimSpace(string(body))
	if len(text) > 200 {
		text = text[:200] + "…"
	}
	if text != "" && !strings.HasPrefix(text, "<") {
		e.Message = text
	}
	return e
}

// call sends a request and decodes a JSON answer into out.
func (c *Client) call(ctx context.Context, method, path string, query url.Values, in, out any) (*response, error) {
	resp, err := c.do(ctx, method, path, query, in)
	if err != nil {
		return nil, err
	}
	if out != nil && len(bytes.TrimSpace(resp.body)) > 0 {
		if err := json.Unmarshal(resp.body, out); err != nil {
			return resp, fmt.Errorf("%s %s: decode answer: %w", method, path, err)
		}
	}
	return resp, nil
}

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }
