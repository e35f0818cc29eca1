package worker

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/connectless/connectless/core/config/workerprops"
	"github.com/connectless/connectless/core/restapi"
)

// Kafka Connect's CORS defaults (Jetty's cross-origin filter): the methods allowed when
// access.control.allow.methods is empty, and the request headers a preflight may name.
const (
	defaultCORSMethods = "GET,POST,HEAD"
	corsAllowedHeaders = "X-Requested-With,Content-Type,Accept,Origin"
	corsMaxAge         = "1800"
)

// crossOrigin is what a browser may do with the REST listeners from a page of another site.
// As in Kafka Connect, by default only pages of the API's own origin may use it: a request
// that changes state and that the browser marks as coming from another origin (Sec-Fetch-Site,
// or an Origin that is not the listener's) is refused with 403 before authentication, so a
// page elsewhere cannot ride on basic-auth credentials the browser has cached.
// access.control.allow.origin names origins (or `*`) allowed to call the API: they get
// CORS answers (Access-Control-Allow-Origin, preflights for access.control.allow.methods)
// and pass the cross-origin check.
type crossOrigin struct {
	anyOrigin bool
	origins   []string
	methods   []string
	protect   *http.CrossOriginProtection
	next      http.Handler
	protected http.Handler // next behind protect
}

// newCrossOrigin wraps next; origins and methods are the comma-separated values of
// access.control.allow.origin and access.control.allow.methods. An origin that is not a
// scheme://host[:port] is an error naming the key.
func newCrossOrigin(origins, methods string, next http.Handler) (http.Handler, error) {
	c := &crossOrigin{protect: http.NewCrossOriginProtection(), next: next}
	c.protect.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusForbidden)
		_, _ = w.Write(errorBody(http.StatusForbidden, "Cross-origin request from "+originOf(r)+
			" refused: list the origin in access.control.allow.origin to allow it"))
	}))
	for _, o := range workerprops.SplitList(origins) {
		if o == "*" {
			c.anyOrigin = true
			continue
		}
		if err := c.protect.AddTrustedOrigin(o); err != nil {
			return nil, fmt.Errorf("access.control.allow.origin: %w", err)
		}
		c.origins = append(c.origins, o)
	}
	c.methods = workerprops.SplitList(methods)
	if len(c.methods) == 0 {
		c.methods = workerprops.SplitList(defaultCORSMethods)
	}
	for i, m := range c.methods {
		c.methods[i] = strings.ToUpper(m)
	}
	c.protected = c.protect.Handler(next)
	return c, nil
}

func (c *crossOrigin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	origin := r.Header.Get("Origin")
	if origin != "" && c.allowed(origin) {
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", origin)
		h.Set("Access-Control-Allow-Credentials", "true")
		h.Add("Vary", "Origin")
		if want := r.Header.Get("Access-Control-Request-Method"); r.Method == http.MethodOptions && want != "" {
			if slices.Contains(c.methods, strings.ToUpper(want)) {
				h.Set("Access-Control-Allow-Methods", strings.Join(c.methods, ","))
				h.Set("Access-Control-Allow-Headers", corsAllowedHeaders)
				h.Set("Access-Control-Max-Age", corsMaxAge)
			}
			w.WriteHeader(http.StatusOK)
			return
		}
		c.next.ServeHTTP(w, r)
		return
	}
	c.protected.ServeHTTP(w, r)
}

func (c *crossOrigin) allowed(origin string) bool {
	return c.anyOrigin || slices.Contains(c.origins, origin)
}

// errorBody is Kafka Connect's error JSON for an answer the worker gives before the API.
func errorBody(status int, msg string) []byte {
	b, _ := json.Marshal(restapi.ErrorMessage{ErrorCode: status, Message: &msg})
	return b
}

func originOf(r *http.Request) string {
	if o := r.Header.Get("Origin"); o != "" {
		return strconv.Quote(o)
	}
	return "another site"
}
