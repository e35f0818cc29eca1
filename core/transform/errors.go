package transform

import (
	"errors"
	"fmt"

	"github.com/connectless/connectless/core/connect"
)

// Java exception class names, as Kafka reports them (for example in the dead letter queue
// header __connect.errors.exception.class.name).
const (
	ClassDataException          = "org.apache.kafka.connect.errors.DataException"
	ClassSchemaBuilderException = "org.apache.kafka.connect.errors.SchemaBuilderException"
	ClassConfigException        = "org.apache.kafka.common.config.ConfigException"
	ClassConnectException       = "org.apache.kafka.connect.errors.ConnectException"
	ClassIllegalArgument        = "java.lang.IllegalArgumentException"
	ClassNullPointer            = "java.lang.NullPointerException"
)

// ErrData matches (with errors.Is) every error Kafka reports as a DataException or one of its
// subclasses: a record the transform cannot handle.
var ErrData = errors.New("data exception")

// ErrConfig matches (with errors.Is) every error Kafka reports as a ConfigException: a bad
// transform, predicate or chain configuration.
var ErrConfig = errors.New("config exception")

// Error is a transform, predicate or chain error carrying the Java exception class Kafka
// would throw and Kafka's message, unchanged. DataExceptions (and SchemaBuilderExceptions)
// wrap a *connect.DataError, ConfigExceptions from key parsing a *connect.ConfigError.
type Error struct {
	// Class is the Java exception class name, one of the Class* constants.
	Class string
	// Msg is Kafka's exception message.
	Msg string
	// Err is the underlying cause, if any.
	Err error
}

// Error returns Kafka's message.
func (e *Error) Error() string { return e.Msg }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrData) and errors.Is(err, ErrConfig) follow Kafka's exception
// hierarchy.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrData:
		return e.Class == ClassDataException || e.Class == ClassSchemaBuilderException
	case ErrConfig:
		return e.Class == ClassConfigException
	}
	return false
}

// dataErr is a DataException; it wraps a *connect.DataError so code that only knows the SDK
// can still recognise it.
func dataErr(format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	return &Error{Class: ClassDataException, Msg: msg, Err: &connect.DataError{Message: msg}}
}

func configErr(format string, args ...any) error {
	return &Error{Class: ClassConfigException, Msg: fmt.Sprintf(format, args...)}
}

// invalidValue is Kafka's ConfigException(name, value, message).
func invalidValue(name string, value any, msg string) error {
	ce := &connect.ConfigError{Name: name, Value: value, Message: msg}
	return &Error{Class: ClassConfigException, Msg: ce.Error(), Err: ce}
}

// StageError is an error from one stage of a Chain: it names the transform (or predicate)
// alias and class, and wraps the transform's *Error.
type StageError struct {
	Alias string
	// Class is the full Java class name of the transform or predicate that failed.
	Class string
	Err   error
}

// Error names the stage, then gives the cause.
func (e *StageError) Error() string {
	return fmt.Sprintf("transformation %s (%s): %v", e.Alias, e.Class, e.Err)
}

// Unwrap returns the cause.
func (e *StageError) Unwrap() error { return e.Err }
