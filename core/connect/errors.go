package connect

import (
	"errors"
	"time"
)

// ErrUnknownPlugin is returned when no plugin has the requested class name or alias.
var ErrUnknownPlugin = errors.New("unknown plugin")

// RetriableError wraps an error that a retry may fix (Kafka's RetriableException). Wait, when
// set, is the least time the runtime should wait before retrying.
type RetriableError struct {
	Err  error
	Wait time.Duration
}

// Error returns the wrapped error's message.
func (e *RetriableError) Error() string { return e.Err.Error() }

// Unwrap returns the wrapped error.
func (e *RetriableError) Unwrap() error { return e.Err }

// Retriable wraps err as a RetriableError; it returns nil for a nil err.
func Retriable(err error) error {
	if err == nil {
		return nil
	}
	return &RetriableError{Err: err}
}

// IsRetriable reports whether err (or one it wraps) is a RetriableError.
func IsRetriable(err error) bool {
	var r *RetriableError
	return errors.As(err, &r)
}
