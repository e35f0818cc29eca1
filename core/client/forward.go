package client

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
)

// Forward sends one request as given (method, the escaped path and query relative to the
// base URL, header and body) with the client's authentication, and returns the answer
// unread, whatever its status: the caller closes its body. It is what a proxy in front of
// the API needs (the console's `connectless ui`).
func (c *Client) Forward(ctx context.Context, method, pathQuery string, header http.Header, body []byte) (*http.Response, error) {
	ref, err := url.Parse(pathQuery)
	if err != nil || ref.IsAbs() || ref.Host != "" {
		return nil, fmt.Errorf("forward %s %q: not a path", method, pathQuery)
	}
	u := *c.base
	u.Path = c.base.Path + ref.Path
	u.RawPath = ""
	if ref.RawPath != "" {
		u.RawPath = c.base.EscapedPath() + ref.RawPath
	}
	u.RawQuery = ref.RawQuery
	req, err := http.NewRequestWithContext(ctx, method, u.String(), bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("forward %s %s: %w", method, ref.Path, err)
	}
	if len(body) == 0 {
		req.Body, req.ContentLength = http.NoBody, 0
	}
	for k, vs := range header {
		req.Header[k] = append([]string(nil), vs...)
	}
	req.Header.Set("User-Agent", c.userAgent)
	if c.auth != nil {
		if err := c.auth(ctx, req, body); err != nil {
			return nil, fmt.Errorf("forward %s %s: %w", method, ref.Path, err)
		}
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("forward %s %s: %w: %w", method, u.Redacted(), ErrUnreachable, err)
	}
	return resp, nil
}
