package transient

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"database/sql/driver"
	"errors"
	"io"
	"net/http"
	"strings"
	"syscall"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"
	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"
	kafkago "github.com/segmentio/kafka-go"
	kafkaprotocol "github.com/segmentio/kafka-go/protocol"

	"github.com/connectless/connectless/core/connect"
)

// Kind is what a retry can do about an error.
type Kind int

// Kinds.
const (
	// Permanent: only a person can fix it (configuration, credentials, data).
	Permanent Kind = iota
	// Retriable: time may fix it (an outage, a throttle, a leader election).
	Retriable
)

// String names the kind in words, as status traces show it.
func (k Kind) String() string {
	if k == Retriable {
		return "retriable"
	}
	return "permanent"
}

// PermanentError marks an error as permanent whatever it wraps, for a connector that knows
// better than the classification (a 404 that means a missing bucket, not an outage).
type PermanentError struct{ Err error }

// Error returns the wrapped error's message.
func (e *PermanentError) Error() string { return e.Err.Error() }

// Unwrap returns the wrapped error.
func (e *PermanentError) Unwrap() error { return e.Err }

// MarkPermanent wraps err as a PermanentError; nil stays nil.
func MarkPermanent(err error) error {
	if err == nil {
		return nil
	}
	return &PermanentError{Err: err}
}

// LaterError marks an error that a later slice may fix but a retry of the same batch within
// the slice may not, because the task's state is void (its commit lost a race to another
// invocation): the slice ends, and the task is retried after a backoff, as for an outage.
type LaterError struct{ Err error }

// Error returns the wrapped error's message.
func (e *LaterError) Error() string { return e.Err.Error() }

// Unwrap returns the wrapped error.
func (e *LaterError) Unwrap() error { return e.Err }

// MarkLater wraps err as a LaterError; nil stays nil.
func MarkLater(err error) error {
	if err == nil {
		return nil
	}
	return &LaterError{Err: err}
}

// Is reports whether a retry may fix err: Classify(err) == Retriable.
func Is(err error) bool { return Classify(err) == Retriable }

// Classify says whether err is retriable or permanent; see the package documentation for
// the rules. A nil error is Permanent (there is nothing to retry).
func Classify(err error) Kind {
	if err == nil {
		return Permanent
	}
	if k, ok := marked(err); ok {
		return k
	}
	for _, rule := range []func(error) (Kind, bool){
		contextRule, tlsRule, postgresRule, mysqlRule, kafkaRule, awsRule, httpRule, networkRule,
	} {
		if k, ok := rule(err); ok {
			return k
		}
	}
	return Permanent
}

// marked finds the outermost explicit marker (connect.RetriableError, LaterError or PermanentError)
// in err's tree, depth first as errors.As walks it.
func marked(err error) (Kind, bool) {
	switch err.(type) {
	case *connect.RetriableError, *LaterError:
		return Retriable, true
	case *PermanentError:
		return Permanent, true
	}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		if inner := u.Unwrap(); inner != nil {
			return marked(inner)
		}
	case interface{ Unwrap() []error }:
		for _, inner := range u.Unwrap() {
			if k, ok := marked(inner); ok {
				return k, true
			}
		}
	}
	return Permanent, false
}

func contextRule(err error) (Kind, bool) {
	switch {
	case errors.Is(err, context.Canceled):
		return Permanent, true
	case errors.Is(err, context.DeadlineExceeded):
		return Retriable, true
	}
	return Permanent, false
}

// tlsRule: a certificate nobody trusts, a wrong host name or a TLS alert from the peer
// (a client certificate refused) stay so on retry.
func tlsRule(err error) (Kind, bool) {
	var (
		verify   *tls.CertificateVerificationError
		unknown  x509.UnknownAuthorityError
		host     x509.HostnameError
		invalid  x509.CertificateInvalidError
		alert    tls.AlertError
		header   tls.RecordHeaderError
		unknownP *x509.UnknownAuthorityError
		hostP    *x509.HostnameError
		invalidP *x509.CertificateInvalidError
	)
	if errors.As(err, &verify) || errors.As(err, &unknown) || errors.As(err, &host) || errors.As(err, &invalid) ||
		errors.As(err, &alert) || errors.As(err, &header) || errors.As(err, &unknownP) || errors.As(err, &hostP) || errors.As(err, &invalidP) {
		return Permanent, true
	}
	return Permanent, false
}

// PostgresRetriable reports whether a PostgreSQL SQLSTATE names a condition time may fix:
// class 08 (connection exception), class 53 (insufficient resources), 57P01
// admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now, 40001
// serialization_failure and 40P01 deadlock_detected (PostgreSQL's errcodes appendix).
func PostgresRetriable(sqlstate string) bool {
	switch {
	case strings.HasPrefix(sqlstate, "08"), strings.HasPrefix(sqlstate, "53"):
		return true
	}
	switch sqlstate {
	case "57P01", "57P02", "57P03", "40001", "40P01":
		return true
	}
	return false
}

func postgresRule(err error) (Kind, bool) {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return kind(PostgresRetriable(pe.Code)), true
	}
	if pgconn.SafeToRetry(err) || pgconn.Timeout(err) {
		return Retriable, true
	}
	return Permanent, false
}

// MySQLRetriable reports whether a MySQL/MariaDB server error number names a condition
// time may fix: ER_CON_COUNT_ERROR (1040), ER_SERVER_SHUTDOWN (1053), ER_LOCK_WAIT_TIMEOUT
// (1205), ER_LOCK_DEADLOCK (1213), ER_CONNECTION_KILLED (1927), CR_SERVER_GONE_ERROR
// (2006) and CR_SERVER_LOST (2013).
func MySQLRetriable(number uint16) bool {
	switch number {
	case 1040, 1053, 1205, 1213, 1927, 2006, 2013:
		return true
	}
	return false
}

func mysqlRule(err error) (Kind, bool) {
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		return kind(MySQLRetriable(me.Number)), true
	}
	if errors.Is(err, mysql.ErrInvalidConn) || errors.Is(err, driver.ErrBadConn) {
		return Retriable, true
	}
	return Permanent, false
}

// kafkaRule: a broker error code is as kafka-go's Temporary says; the client's own
// "not in my metadata" errors mean stale metadata (a topic created a moment ago, a leader
// that moved), which a refresh fixes.
func kafkaRule(err error) (Kind, bool) {
	// A batch the writer gave up on: retriable when any of its messages failed retriably
	// (kafka-go's WriteErrors does not unwrap to them).
	var we kafkago.WriteErrors
	if errors.As(err, &we) {
		for _, e := range we {
			if e != nil && Is(e) {
				return Retriable, true
			}
		}
		return Permanent, true
	}
	var ke kafkago.Error
	if errors.As(err, &ke) {
		return kind(ke.Temporary()), true
	}
	if errors.Is(err, kafkaprotocol.ErrNoTopic) || errors.Is(err, kafkaprotocol.ErrNoPartition) || errors.Is(err, kafkaprotocol.ErrNoLeader) {
		return Retriable, true
	}
	return Permanent, false
}

// awsRule is the AWS SDK retryer's classification; an API error it does not call
// retriable (AccessDenied, NoSuchBucket, ResourceNotFoundException, ...) is permanent.
// Its connection-error check serves every client's network errors, not only AWS's.
func awsRule(err error) (Kind, bool) {
	switch retry.IsErrorRetryables(retry.DefaultRetryables).IsErrorRetryable(err) {
	case aws.TrueTernary:
		return Retriable, true
	case aws.FalseTernary:
		return Permanent, true
	}
	if retry.IsErrorThrottles(retry.DefaultThrottles).IsErrorThrottle(err) == aws.TrueTernary {
		return Retriable, true
	}
	var status interface{ HTTPStatusCode() int }
	if errors.As(err, &status) && HTTPStatus(status.HTTPStatusCode()) {
		return Retriable, true
	}
	var api smithy.APIError
	if errors.As(err, &api) {
		return Permanent, true
	}
	return Permanent, false
}

// HTTPStatus reports whether an HTTP answer with this status may succeed when retried:
// 408 Request Timeout, 425 Too Early, 429 Too Many Requests and every 5xx (RFC 9110,
// RFC 8470, RFC 6585).
func HTTPStatus(code int) bool {
	switch code {
	case http.StatusRequestTimeout, http.StatusTooEarly, http.StatusTooManyRequests:
		return true
	}
	return code >= 500 && code <= 599
}

func httpRule(err error) (Kind, bool) {
	var status interface{ HTTPStatusCode() int }
	if errors.As(err, &status) {
		return kind(HTTPStatus(status.HTTPStatusCode())), true
	}
	return Permanent, false
}

// networkRule catches what the AWS SDK's check leaves: bare system errors and a
// connection closed in the middle of an answer.
func networkRule(err error) (Kind, bool) {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		switch errno {
		case syscall.ECONNREFUSED, syscall.ECONNRESET, syscall.ECONNABORTED, syscall.EPIPE,
			syscall.ETIMEDOUT, syscall.EHOSTUNREACH, syscall.ENETUNREACH, syscall.ENETDOWN:
			return Retriable, true
		}
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return Retriable, true
	}
	return Permanent, false
}

func kind(retriable bool) Kind {
	if retriable {
		return Retriable
	}
	return Permanent
}
