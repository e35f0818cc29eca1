package herder

import (
	"errors"
	"fmt"
)

// Error kinds, for errors.Is on an *Error.
var (
	// ErrBadRequest: the request is invalid (HTTP 400).
	ErrBadRequest = errors.New("bad request")
	// ErrNotFound: no such connector, task, status or plugin (HTTP 404).
	ErrNotFound = errors.New("not found")
	// ErrConflict: the connector already exists (HTTP 409).
	ErrConflict = errors.New("conflict")
	// ErrForbidden: the operation is disabled by the worker configuration (HTTP 403).
	ErrForbidden = errors.New("forbidden")
	// ErrInternal: the request failed in the runtime (HTTP 500), e.g. an unknown connector class.
	ErrInternal = errors.New("internal error")
)

// Error is a herder error whose Message is Kafka Connect's message for the same situation,
// exactly as its REST API returns it.
type Error struct {
	// Kind is one of ErrBadRequest, ErrNotFound, ErrConflict, ErrForbidden, ErrInternal.
	Kind    error
	Message string
	// Err is the underlying cause, if any.
	Err error
}

// Error returns the Kafka Connect message.
func (e *Error) Error() string { return e.Message }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Is matches the kind.
func (e *Error) Is(target error) bool { return target == e.Kind }

func newErr(kind error, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

func notFound(format string, args ...any) *Error { return newErr(ErrNotFound, format, args...) }

func badRequest(format string, args ...any) *Error { return newErr(ErrBadRequest, format, args...) }

func newErrWrap(kind, cause error, format string, args ...any) *Error {
	e := newErr(kind, format, args...)
	e.Err = cause
	return e
}
