package rest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/connectless/connectless/core/internal/herder"
	"github.com/connectless/connectless/core/restapi"
)

// apiError is an error with the HTTP status Kafka Connect gives it.
type apiError struct {
	status int
	msg    *string
}

func (e *apiError) Error() string {
	if e.msg == nil {
		return "null"
	}
	return *e.msg
}

func newAPIError(status int, msg string) *apiError { return &apiError{status: status, msg: &msg} }

// nullError is a 500 whose message is JSON null, as Kafka answers a NullPointerException.
func nullError() *apiError { return &apiError{status: http.StatusInternalServerError} }

var (
	errNotFound         = func() *apiError { return newAPIError(http.StatusNotFound, "HTTP 404 Not Found") }
	errMethodNotAllowed = func() *apiError { return newAPIError(http.StatusMethodNotAllowed, "HTTP 405 Method Not Allowed") }
	errUnsupportedMedia = func() *apiError {
		return newAPIError(http.StatusUnsupportedMediaType, "HTTP 415 Unsupported Media Type")
	}
)

// statusOf maps an error to Kafka's status and message, as ConnectExceptionMapper does.
func statusOf(err error) *apiError {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return newAPIError(http.StatusInternalServerError, "Request timed out")
	}
	if errors.Is(err, context.Canceled) {
		return newAPIError(http.StatusInternalServerError, "Request interrupted")
	}
	var he *herder.Error
	if errors.As(err, &he) {
		status := http.StatusInternalServerError
		switch he.Kind {
		case herder.ErrBadRequest:
			status = http.StatusBadRequest
		case herder.ErrNotFound:
			status = http.StatusNotFound
		case herder.ErrConflict:
			status = http.StatusConflict
		case herder.ErrForbidden:
			status = http.StatusForbidden
		}
		return newAPIError(status, he.Message)
	}
	return newAPIError(http.StatusInternalServerError, err.Error())
}

func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	ae := statusOf(err)
	if ae.status >= 500 {
		s.log.WarnContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "status", ae.status, "error", err)
	} else {
		s.log.DebugContext(r.Context(), "request rejected", "method", r.Method, "path", r.URL.Path, "status", ae.status)
	}
	writeJSON(w, ae.status, restapi.ErrorMessage{ErrorCode: ae.status, Message: ae.msg})
}

// marshal encodes as Jackson does: no HTML escaping of <, > and &.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		body = []byte(`{"error_code":500,"message":"encode response"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func writeRawJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// writeEmpty answers a status without body (204, 202).
func writeEmpty(w http.ResponseWriter, status int) {
	w.WriteHeader(status)
}
