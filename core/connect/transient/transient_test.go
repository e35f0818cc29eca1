package transient_test

import (
	"context"
	"crypto/x509"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"syscall"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"
	kafkago "github.com/segmentio/kafka-go"
	kafkaprotocol "github.com/segmentio/kafka-go/protocol"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/transient"
)

func responseError(status int, err error) error {
	return &smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status}}, Err: err}
}

func dialRefused() error {
	return &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
}

type statusErr int

func (e statusErr) Error() string       { return fmt.Sprintf("status %d", int(e)) }
func (e statusErr) HTTPStatusCode() int { return int(e) }

func TestClassify(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want transient.Kind
	}{
		{"nil", nil, transient.Permanent},
		{"plain error", errors.New("invalid value for s3.bucket.name"), transient.Permanent},
		{"explicit retriable", connect.Retriable(errors.New("busy")), transient.Retriable},
		{"explicit permanent around a refused connection", transient.MarkPermanent(dialRefused()), transient.Permanent},
		{"outermost marker wins", connect.Retriable(transient.MarkPermanent(errors.New("x"))), transient.Retriable},
		{"canceled", fmt.Errorf("put: %w", context.Canceled), transient.Permanent},
		{"own timeout", fmt.Errorf("put: %w", context.DeadlineExceeded), transient.Retriable},

		// The S3 outage: the SDK retried 4 times, then gave up with the dial error.
		{"aws max attempts over connection refused", fmt.Errorf("start sink task: head bucket %q: %w", "b",
			&retry.MaxAttemptsError{Attempt: 4, Err: &url.Error{Op: "Head", URL: "http://127.0.0.1:1/b", Err: dialRefused()}}), transient.Retriable},
		{"aws connection reset", &url.Error{Op: "Put", URL: "http://s3", Err: &net.OpError{Op: "read", Err: os.NewSyscallError("read", syscall.ECONNRESET)}}, transient.Retriable},
		{"aws 503", &smithy.OperationError{ServiceID: "S3", OperationName: "PutObject", Err: responseError(503, &smithy.GenericAPIError{Code: "ServiceUnavailable"})}, transient.Retriable},
		{"aws SlowDown", responseError(503, &smithy.GenericAPIError{Code: "SlowDown"}), transient.Retriable},
		{"dynamodb throttling", &smithy.GenericAPIError{Code: "ProvisionedThroughputExceededException"}, transient.Retriable},
		{"aws 429 unmodeled", responseError(429, &smithy.GenericAPIError{Code: "TooManyRequests"}), transient.Retriable},
		{"aws access denied", responseError(403, &smithy.GenericAPIError{Code: "AccessDenied"}), transient.Permanent},
		{"aws bad key", responseError(403, &smithy.GenericAPIError{Code: "InvalidAccessKeyId"}), transient.Permanent},
		{"aws no such bucket", responseError(404, &smithy.GenericAPIError{Code: "NoSuchBucket"}), transient.Permanent},
		{"dynamodb missing table", &smithy.GenericAPIError{Code: "ResourceNotFoundException"}, transient.Permanent},
		{"dns no such host", &net.DNSError{Err: "no such host", Name: "s3.invalid", IsNotFound: true}, transient.Permanent},
		{"dns timeout", &net.DNSError{Err: "i/o timeout", Name: "s3", IsTimeout: true}, transient.Retriable},

		// PostgreSQL Appendix A (Error Codes): 57P01 admin_shutdown, class 08 connection
		// exception, 28P01 invalid_password, 42P01 undefined_table.
		{"pg admin shutdown", fmt.Errorf("jdbc source: %w", &pgconn.PgError{Code: "57P01"}), transient.Retriable},
		{"pg connection failure", &pgconn.PgError{Code: "08006"}, transient.Retriable},
		{"pg cannot connect now", &pgconn.PgError{Code: "57P03"}, transient.Retriable},
		{"pg too many connections", &pgconn.PgError{Code: "53300"}, transient.Retriable},
		{"pg serialization failure", &pgconn.PgError{Code: "40001"}, transient.Retriable},
		{"pg bad password", &pgconn.PgError{Code: "28P01"}, transient.Permanent},
		{"pg missing table", &pgconn.PgError{Code: "42P01"}, transient.Permanent},
		{"bad conn", fmt.Errorf("exec: %w", driver.ErrBadConn), transient.Retriable},
		{"mysql server gone", &mysql.MySQLError{Number: 2006}, transient.Retriable},
		{"mysql deadlock", &mysql.MySQLError{Number: 1213}, transient.Retriable},
		{"mysql access denied", &mysql.MySQLError{Number: 1045}, transient.Permanent},
		{"mysql invalid conn", mysql.ErrInvalidConn, transient.Retriable},

		// Kafka's protocol guide: UNKNOWN_TOPIC_OR_PARTITION (3), NOT_LEADER_OR_FOLLOWER (6),
		// LEADER_NOT_AVAILABLE (5) are retriable; TOPIC_AUTHORIZATION_FAILED (29) and
		// SASL_AUTHENTICATION_FAILED (58) are not.
		{"kafka unknown topic", fmt.Errorf("produce: %w", kafkago.UnknownTopicOrPartition), transient.Retriable},
		{"kafka not leader", kafkago.NotLeaderForPartition, transient.Retriable},
		{"kafka leader not available", kafkago.LeaderNotAvailable, transient.Retriable},
		{"kafka topic authorization", kafkago.TopicAuthorizationFailed, transient.Permanent},
		{"kafka sasl", kafkago.SASLAuthenticationFailed, transient.Permanent},
		{"kafka stale metadata fetch", fmt.Errorf("fetch t-0 at 0: %w", kafkaprotocol.NewErrNoTopic("t")), transient.Retriable},
		{"kafka stale metadata partition", kafkaprotocol.NewErrNoPartition("t", 3), transient.Retriable},
		{"kafka broker gone", fmt.Errorf("fetch: %w", io.ErrUnexpectedEOF), transient.Retriable},
		{"write errors with a leader change", fmt.Errorf("notify: %w", kafkago.WriteErrors{nil, kafkago.NotLeaderForPartition}), transient.Retriable},
		{"write errors all refused", kafkago.WriteErrors{kafkago.TopicAuthorizationFailed}, transient.Permanent},
		{"broken pipe", fmt.Errorf("write: %w", os.NewSyscallError("write", syscall.EPIPE)), transient.Retriable},

		{"http 503", statusErr(503), transient.Retriable},
		{"http 429", statusErr(429), transient.Retriable},
		{"http 401", statusErr(401), transient.Permanent},
		{"http 400", statusErr(400), transient.Permanent},
		{"untrusted certificate", &url.Error{Op: "Post", URL: "https://x", Err: x509.UnknownAuthorityError{}}, transient.Permanent},
		{"joined with a retriable part", errors.Join(errors.New("a"), connect.Retriable(errors.New("b"))), transient.Retriable},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := transient.Classify(tc.err); got != tc.want {
				t.Errorf("Classify(%v) = %s, want %s", tc.err, got, tc.want)
			}
			if got := transient.Is(tc.err); got != (tc.want == transient.Retriable) {
				t.Errorf("Is(%v) = %v", tc.err, got)
			}
		})
	}
}

func TestHTTPStatus(t *testing.T) {
	for code, want := range map[int]bool{200: false, 400: false, 401: false, 404: false, 408: true, 425: true, 429: true, 500: true, 502: true, 503: true, 504: true, 600: false} {
		if got := transient.HTTPStatus(code); got != want {
			t.Errorf("HTTPStatus(%d) = %v, want %v", code, got, want)
		}
	}
}

func TestMarkLater(t *testing.T) {
	base := errors.New("commit lost to another invocation")
	err := fmt.Errorf("pre-commit: %w", transient.MarkLater(base))
	if !transient.Is(err) || !errors.Is(err, base) {
		t.Fatalf("MarkLater: Is %v, wraps base %v", transient.Is(err), errors.Is(err, base))
	}
	if connect.IsRetriable(err) {
		t.Fatal("a LaterError must not ask for a retry of the batch within the slice")
	}
	if transient.MarkLater(nil) != nil {
		t.Fatal("MarkLater(nil) != nil")
	}
}
