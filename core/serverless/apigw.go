package serverless

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
)

// APIGateway serves API Gateway proxy events with an http.Handler. It accepts both payload
// formats: HTTP API payload 2.0 (version "2.0") and REST API / HTTP API payload 1.0 proxy
// events, and answers in the same format. Paths, query strings (multi-valued ones too),
// headers, cookies and base64 bodies are carried both ways; a response body that is not
// UTF-8 is sent base64-encoded.
type APIGateway struct {
	Handler http.Handler
}

// Invoke decodes one event, serves it and encodes the response. A malformed event is an
// error (the function's invocation fails); every HTTP-level failure is an HTTP response.
func (a APIGateway) Invoke(ctx context.Context, payload json.RawMessage) (any, error) {
	var probe struct {
		Version string `json:"version"`
	}
	if err := json.Unmarshal(payload, &probe); err != nil {
		return nil, fmt.Errorf("decode API Gateway event: %w", err)
	}
	if probe.Version == "2.0" {
		var ev events.APIGatewayV2HTTPRequest
		if err := json.Unmarshal(payload, &ev); err != nil {
			return nil, fmt.Errorf("decode API Gateway v2 event: %w", err)
		}
		return a.ServeV2(ctx, ev)
	}
	var ev events.APIGatewayProxyRequest
	if err := json.Unmarshal(payload, &ev); err != nil {
		return nil, fmt.Errorf("decode API Gateway v1 event: %w", err)
	}
	return a.ServeV1(ctx, ev)
}

// ServeV1 serves a REST API (or HTTP API payload 1.0) proxy event.
func (a APIGateway) ServeV1(ctx context.Context, ev events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	q := url.Values{}
	for k, vs := range ev.MultiValueQueryStringParameters {
		q[k] = append(q[k], vs...)
	}
	for k, v := range ev.QueryStringParameters {
		if _, ok := q[k]; !ok {
			q.Set(k, v)
		}
	}
	h := http.Header{}
	for k, vs := range ev.MultiValueHeaders {
		for _, v := range vs {
			h.Add(k, v)
		}
	}
	for k, v := range ev.Headers {
		if h.Get(k) == "" {
			h.Set(k, v)
		}
	}
	req, err := newRequest(ctx, ev.HTTPMethod, ev.Path, q.Encode(), h, ev.Body, ev.IsBase64Encoded, ev.RequestContext.Identity.SourceIP)
	if err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	w := serve(a.Handler, req)
	body, b64 := encodeBody(w.body.Bytes())
	resp := events.APIGatewayProxyResponse{StatusCode: w.status, Headers: map[string]string{}, MultiValueHeaders: map[string][]string{},
		Body: body, IsBase64Encoded: b64}
	for k, vs := range w.header {
		resp.Headers[k] = vs[len(vs)-1]
		resp.MultiValueHeaders[k] = vs
	}
	return resp, nil
}

// ServeV2 serves an HTTP API payload 2.0 event. The stage prefix of a named stage is removed
// from the path; the $default stage has none.
func (a APIGateway) ServeV2(ctx context.Context, ev events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	path := ev.RawPath
	if st := ev.RequestContext.Stage; st != "" && st != "$default" {
		if rest, ok := strings.CutPrefix(path, "/"+st); ok && (rest == "" || rest[0] == '/') {
			path = cmpOr(rest, "/")
		}
	}
	h := http.Header{}
	for k, v := range ev.Headers {
		// HTTP API joins repeated headers with commas, as HTTP allows.
		h.Set(k, v)
	}
	if len(ev.Cookies) > 0 {
		h.Set("Cookie", strings.Join(ev.Cookies, "; "))
	}
	method := ev.RequestContext.HTTP.Method
	req, err := newRequest(ctx, method, path, ev.RawQueryString, h, ev.Body, ev.IsBase64Encoded, ev.RequestContext.HTTP.SourceIP)
	if err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	w := serve(a.Handler, req)
	body, b64 := encodeBody(w.body.Bytes())
	resp := events.APIGatewayV2HTTPResponse{StatusCode: w.status, Headers: map[string]string{}, Body: body, IsBase64Encoded: b64}
	for k, vs := range w.header {
		if k == "Set-Cookie" {
			resp.Cookies = append(resp.Cookies, vs...)
			continue
		}
		resp.Headers[k] = strings.Join(vs, ", ")
	}
	return resp, nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func newRequest(ctx context.Context, method, path, rawQuery string, h http.Header, body string, b64 bool, sourceIP string) (*http.Request, error) {
	if method == "" {
		return nil, fmt.Errorf("API Gateway event: no HTTP method")
	}
	raw := []byte(body)
	if b64 {
		var err error
		if raw, err = base64.StdEncoding.DecodeString(body); err != nil {
			return nil, fmt.Errorf("API Gateway event: base64 body: %w", err)
		}
	}
	if path == "" {
		path = "/"
	}
	u := &url.URL{Path: path, RawQuery: rawQuery}
	if p, err := url.PathUnescape(path); err == nil && p != path {
		u.Path, u.RawPath = p, path
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("API Gateway event: %w", err)
	}
	req.Header = h
	req.Host = h.Get("Host")
	req.RequestURI = u.RequestURI()
	req.ContentLength = int64(len(raw))
	if len(raw) == 0 {
		req.Body = http.NoBody
	}
	if sourceIP != "" {
		req.RemoteAddr = sourceIP + ":0"
	}
	return req, nil
}

// recorder is the ResponseWriter a handler writes one proxied response to.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.WriteHeader(http.StatusOK)
	}
	return r.body.Write(b)
}
func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
}

// ReadFrom lets io.Copy write into the buffer directly.
func (r *recorder) ReadFrom(src io.Reader) (int64, error) {
	if r.status == 0 {
		r.WriteHeader(http.StatusOK)
	}
	return r.body.ReadFrom(src)
}

func serve(h http.Handler, req *http.Request) *recorder {
	w := &recorder{header: http.Header{}}
	h.ServeHTTP(w, req)
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w
}

func encodeBody(b []byte) (string, bool) {
	if utf8.Valid(b) {
		return string(b), false
	}
	return base64.StdEncoding.EncodeToString(b), true
}
