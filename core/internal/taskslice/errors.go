package taskslice

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Tolerance is errors.tolerance: how many record failures a task tolerates.
type Tolerance string

// Tolerances, as Kafka Connect's ToleranceType.
const (
	// ToleranceNone fails the task on the first record failure.
	ToleranceNone Tolerance = "none"
	// ToleranceAll skips failed records (logging them and, for sinks, sending them to the
	// dead-letter queue when configured).
	ToleranceAll Tolerance = "all"
)

// Connector config keys for error handling, as in Kafka Connect's ConnectorConfig and
// SinkConnectorConfig.
const (
	KeyTolerance            = "errors.tolerance"
	KeyRetryTimeout         = "errors.retry.timeout"
	KeyRetryDelayMax        = "errors.retry.delay.max.ms"
	KeyLogEnable            = "errors.log.enable"
	KeyLogIncludeMessages   = "errors.log.include.messages"
	KeyDLQTopic             = "errors.deadletterqueue.topic.name"
	KeyDLQReplication       = "errors.deadletterqueue.topic.replication.factor"
	KeyDLQContextHeaders    = "errors.deadletterqueue.context.headers.enable"
	defaultRetryDelayMax    = 60 * time.Second
	defaultDLQReplication   = 3
	retryDelayMin           = 300 * time.Millisecond
	sinkTaskClass           = "org.apache.kafka.connect.sink.SinkTask"
	sourceTaskClass         = "org.apache.kafka.connect.source.SourceTask"
	producerClass           = "org.apache.kafka.clients.producer.KafkaProducer"
	dataExceptionClass      = "org.apache.kafka.connect.errors.DataException"
	retriableExceptionClass = "org.apache.kafka.connect.errors.RetriableException"
	connectExceptionClass   = "org.apache.kafka.connect.errors.ConnectException"
)

// ErrorConfig is a connector's error-handling configuration.
type ErrorConfig struct {
	// Tolerance: none fails the task on the first failed record; all skips it. Default none.
	// Mirrors Kafka Connect's errors.tolerance.
	Tolerance Tolerance
	// RetryTimeout is how long a failed operation that a retry may fix (a RetriableError or
	// a retriable Kafka error) is retried in the converter and transformation stages; 0 never
	// retries, a negative value retries forever (within the slice). Default 0. Mirrors Kafka
	// Connect's errors.retry.timeout.
	RetryTimeout time.Duration
	// RetryDelayMax caps the delay between retries, which starts at 300ms and doubles each
	// attempt; once past the cap it is a random delay below it. Default 60s. Mirrors Kafka
	// Connect's errors.retry.delay.max.ms.
	RetryDelayMax time.Duration
	// LogEnable logs each failed record at Error level. Default false. Mirrors Kafka
	// Connect's errors.log.enable.
	LogEnable bool
	// LogIncludeMessages adds the record's key, value and headers to those logs. Default
	// false. Mirrors Kafka Connect's errors.log.include.messages.
	LogIncludeMessages bool
	// DLQTopic is the sink dead-letter topic; empty disables it. Default "". Mirrors Kafka
	// Connect's errors.deadletterqueue.topic.name.
	DLQTopic string
	// DLQReplicationFactor is used when the dead-letter topic is created (with one
	// partition); -1 means the broker's default. Default 3. Mirrors Kafka Connect's
	// errors.deadletterqueue.topic.replication.factor.
	DLQReplicationFactor int16
	// DLQContextHeaders adds the __connect.errors.* headers to dead-letter records. Default
	// false. Mirrors Kafka Connect's errors.deadletterqueue.context.headers.enable.
	DLQContextHeaders bool
}

// DefaultErrorConfig returns Kafka Connect's defaults: tolerance none, no retries, no log,
// no dead-letter queue.
func DefaultErrorConfig() ErrorConfig {
	return ErrorConfig{Tolerance: ToleranceNone, RetryDelayMax: defaultRetryDelayMax, DLQReplicationFactor: defaultDLQReplication}
}

// ErrInvalidConfig is wrapped by ParseErrorConfig for a value it cannot accept.
var ErrInvalidConfig = errors.New("invalid configuration")

// ParseErrorConfig reads the errors.* keys of a connector configuration with Kafka's
// parsing rules (values trimmed, booleans case-insensitive, tolerance case-sensitive).
// Missing keys take their defaults.
func ParseErrorConfig(props map[string]string) (ErrorConfig, error) {
	c := DefaultErrorConfig()
	var errs []error
	bad := func(key, value, why string) {
		errs = append(errs, fmt.Errorf("%w: invalid value %s for configuration %s: %s", ErrInvalidConfig, value, key, why))
	}
	get := func(key string) (string, bool) {
		v, ok := props[key]
		return strings.TrimSpace(v), ok
	}
	if v, ok := get(KeyTolerance); ok {
		switch Tolerance(v) {
		case ToleranceNone, ToleranceAll:
			c.Tolerance = Tolerance(v)
		default:
			bad(KeyTolerance, v, "String must be one of: none, all")
		}
	}
	if v, ok := get(KeyRetryTimeout); ok {
		if n, err := strconv.ParseInt(v, 10, 64); err != nil {
			bad(KeyRetryTimeout, v, "Not a number of type LONG")
		} else {
			c.RetryTimeout = time.Duration(n) * time.Millisecond
			if n < 0 {
				c.RetryTimeout = -1
			}
		}
	}
	if v, ok := get(KeyRetryDelayMax); ok {
		if n, err := strconv.ParseInt(v, 10, 64); err != nil {
			bad(KeyRetryDelayMax, v, "Not a number of type LONG")
		} else if n < 0 {
			bad(KeyRetryDelayMax, v, "Value must be at least 0")
		} else {
			c.RetryDelayMax = time.Duration(n) * time.Millisecond
		}
	}
	parseBool := func(key string, dst *bool) {
		v, ok := get(key)
		if !ok {
			return
		}
		switch strings.ToLower(v) {
		case "true":
			*dst = true
		case "false":
			*dst = false
		default:
			bad(key, v, "Expected value to be either true or false")
		}
	}
	parseBool(KeyLogEnable, &c.LogEnable)
	parseBool(KeyLogIncludeMessages, &c.LogIncludeMessages)
	parseBool(KeyDLQContextHeaders, &c.DLQContextHeaders)
	if v, ok := get(KeyDLQTopic); ok {
		c.DLQTopic = v
	}
	if v, ok := get(KeyDLQReplication); ok {
		n, err := strconv.ParseInt(v, 10, 16)
		switch {
		case err != nil:
			bad(KeyDLQReplication, v, "Not a number of type SHORT")
		case n == 0 || n < -1:
			bad(KeyDLQReplication, v, "Replication factor must be positive or -1 to use the broker's default")
		default:
			c.DLQReplicationFactor = int16(n)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return ErrorConfig{}, err
	}
	return c, nil
}

// Stage names where a record failed, as Kafka Connect's errors.Stage; they appear in the
// __connect.errors.stage header.
type Stage string

// Stages.
const (
	StageTaskPoll        Stage = "TASK_POLL"
	StageTaskPut         Stage = "TASK_PUT"
	StageTransformation  Stage = "TRANSFORMATION"
	StageKeyConverter    Stage = "KEY_CONVERTER"
	StageValueConverter  Stage = "VALUE_CONVERTER"
	StageHeaderConverter Stage = "HEADER_CONVERTER"
	StageKafkaProduce    Stage = "KAFKA_PRODUCE"
	StageKafkaConsume    Stage = "KAFKA_CONSUME"
)

// tolerant reports whether a stage tolerates any error (Kafka's TOLERABLE_EXCEPTIONS):
// converters and transformations do; other stages only retriable ones.
func (s Stage) tolerant() bool {
	switch s {
	case StageKeyConverter, StageValueConverter, StageHeaderConverter, StageTransformation:
		return true
	}
	return false
}

// ErrToleranceExceeded is matched (errors.Is) by every RecordError: a record failed and
// errors.tolerance does not allow skipping it.
var ErrToleranceExceeded = errors.New("tolerance exceeded in error handler")

// RecordError is the error that fails a task because of one record: where the record was
// read from (sink) or is going to (source), the stage and class that failed, and why.
// For source records Partition and Offset are -1 until Kafka assigned them.
type RecordError struct {
	Topic     string
	Partition int32
	Offset    int64
	Stage     Stage
	// Class is the Kafka Connect class name (or Go type) of what failed.
	Class string
	Err   error
}

// Error describes the failure with the record's coordinates.
func (e *RecordError) Error() string {
	return fmt.Sprintf("%s: record %s-%d@%d, stage %s (%s): %v", ErrToleranceExceeded, e.Topic, e.Partition, e.Offset, e.Stage, e.Class, e.Err)
}

// Unwrap returns ErrToleranceExceeded and the record's own error.
func (e *RecordError) Unwrap() []error { return []error{ErrToleranceExceeded, e.Err} }
