package client

import (
	"errors"
	"fmt"
	"net/http"
)

// Error kinds, for errors.Is.
var (
	// ErrUnreachable: no HTTP answer at all (connection refused, DNS, TLS, timeout).
	ErrUnreachable = errors.New("server unreachable")
	// ErrNotFound: HTTP 404 (unknown connector, task, plugin or logger).
	ErrNotFound = errors.New("not found")
	// ErrConflict: HTTP 409 (connector exists, or a rebalance is under way).
	ErrConflict = errors.New("conflict")
	// ErrBadRequest: HTTP 400 (invalid configuration or request).
	ErrBadRequest = errors.New("bad request")
	// ErrUnauthorized: HTTP 401 or 403 (missing or wrong credentials, or a forbidden operation).
	ErrUnauthorized = errors.New("unauthorized")
)

// APIError is a non-2xx answer of the REST API.
type APIError struct {
	// Method and Path identify the request.
	Method, Path string
	// StatusCode is the HTTP status.
	StatusCode int
	// ErrorCode is Kafka Connect's error_code (normally equal to StatusCode); 0 when the body
	// was not an ErrorMessage.
	ErrorCode int
	// Message is Kafka Connect's message, or a short excerpt of a body that was not an
	// ErrorMessage (an API Gateway or proxy answer).
	Message string
}

// Error returns the server's message, or the HTTP status when there is none.
func (e *APIError) Error() string {
	if e.Message != "" {
		return e.Message
	}
	return fmt.Sprintf("%s %s: HTTP %d %s", e.Method, e.Path, e.StatusCode, http.StatusText(e.StatusCode))
}

// Is matches the error kinds by HTTP status.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrConflict:
		return e.StatusCode == http.StatusConflict
	case ErrBadRequest:
		return e.StatusCode == http.StatusBadRequest
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized || e.StatusCode == http.StatusForbidden
	}
	return false
}
