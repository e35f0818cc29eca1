package httpsink

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	nethttp "net/http"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/connectless/connectless/core/connect"
)

// PreflightChecks lists what Preflight checks.
func (c *Connector) PreflightChecks() []string {
	return []string{
		"http.api.url answers an HTTP request (a HEAD without body or credentials; any status counts): an unknown host, a refused " +
			"connection, a TLS failure or no answer within http.connect.timeout.ms and http.request.timeout.ms is reported on http.api.url.",
	}
}

// Preflight sends one HEAD request to http.api.url and reports on that key when nothing
// answers. Any HTTP status is an answer: the endpoint may accept only the configured method.
func (c *Connector) Preflight(ctx context.Context, props map[string]string, results *connect.ConfigInfos) error {
	s, err := parse(props)
	if err != nil {
		return nil // Validate reports configuration errors
	}
	req, err := nethttp.NewRequestWithContext(ctx, nethttp.MethodHead, s.url, nil)
	if err != nil {
		results.AddError(URLConfig, fmt.Sprintf("%s is not a usable URL: %v", redactURL(s.url), err))
		return nil
	}
	req.Header.Set("User-Agent", "connectless-http-sink/"+Version)
	client := newClient(s)
	defer client.CloseIdleConnections()
	resp, err := client.Do(req)
	if err != nil {
		var re *reachError
		if errors.As(describeTransport(s, err), &re) {
			results.AddError(URLConfig, re.msg)
		}
		return nil
	}
	resp.Body.Close()
	return nil
}

// newClient is the HTTP client of a configuration: http.connect.timeout.ms bounds the
// connection, http.request.timeout.ms the whole exchange.
func newClient(s settings) *nethttp.Client {
	tr := nethttp.DefaultTransport.(*nethttp.Transport).Clone()
	tr.DialContext = (&net.Dialer{Timeout: s.connectTimeout, KeepAlive: 30 * time.Second}).DialContext
	return &nethttp.Client{Transport: tr, Timeout: s.requestTimeout}
}

// reachError is a request that got no HTTP answer, as one line on http.api.url naming the
// fix. It wraps the transport's error, so a refused connection stays retriable.
type reachError struct {
	msg string
	err error
}

func (e *reachError) Error() string { return URLConfig + ": " + e.msg }
func (e *reachError) Unwrap() error { return e.err }

// describeTransport explains an error of client.Do on http.api.url. Messages show the URL
// without credentials or query.
func describeTransport(s settings, err error) error {
	if errors.Is(err, context.Canceled) {
		return err
	}
	u, _ := url.Parse(s.url)
	addr := u.Host
	if u.Port() == "" {
		port := "80"
		if u.Scheme == "https" {
			port = "443"
		}
		addr = net.JoinHostPort(u.Hostname(), port)
	}
	var dns *net.DNSError
	var unknownCA x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	var ne net.Error
	var msg string
	switch {
	case errors.As(err, &dns):
		msg = fmt.Sprintf("host %q is not known (DNS): fix the host in %s", dns.Name, URLConfig)
	case errors.Is(err, syscall.ECONNREFUSED):
		msg = fmt.Sprintf("nothing listens on %s (connection refused): fix the host and port in %s, or start the server", addr, URLConfig)
	case errors.As(err, &unknownCA), errors.As(err, &hostname), errors.As(err, &invalid):
		msg = fmt.Sprintf("the TLS certificate of %s is not trusted (%v): fix the host in %s, or the server's certificate", addr, errors.Unwrap(err), URLConfig)
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()):
		msg = fmt.Sprintf("%s did not answer within %s (%s) and %s (%s): check the host and port in %s and the firewall, or raise the timeouts",
			addr, ConnectTimeoutConfig, s.connectTimeout, RequestTimeoutConfig, s.requestTimeout, URLConfig)
	default:
		msg = fmt.Sprintf("%s got no answer (%s): check %s", redactURL(s.url), strings.Join(strings.Fields(innermost(err).Error()), " "), URLConfig)
	}
	return &reachError{msg: msg, err: err}
}

// innermost is the error a *url.Error wraps (its text repeats the method and the full URL).
func innermost(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// redactURL shows a URL without user information and query, which may hold credentials.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "the URL"
	}
	u.User, u.RawQuery, u.Fragment = nil, "", ""
	return u.String()
}
