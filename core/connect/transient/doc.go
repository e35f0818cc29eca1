// Package transient decides, for any error a connector or the runtime meets, whether time
// may fix it (retriable: an outage, a throttle, a leader election) or only a person can
// (permanent: bad credentials, a missing bucket or table, invalid configuration, poison
// data). The runtime retries retriable failures across slices and fails a task at once on
// permanent ones, so the rule lives in one place and every connector gets it by wrapping
// errors with %w.
//
// Classification uses each SDK's own checks, never the text of a message:
//
//   - explicit markers first: connect.RetriableError (Kafka Connect's RetriableException)
//     and Permanent;
//   - TLS and certificate failures are permanent (a retry will meet the same certificate);
//   - PostgreSQL (pgconn): SQLSTATE classes 08 (connection exception), 53 (insufficient
//     resources), 57P01..57P03 (shutdown, cannot connect now), 40001 and 40P01
//     (serialization failure, deadlock) are retriable, as are errors pgconn.SafeToRetry or
//     pgconn.Timeout accept; any other server error is permanent;
//   - MySQL and MariaDB (go-sql-driver/mysql): server errors 1040, 1053, 1205, 1213, 1927,
//     2006 and 2013 and mysql.ErrInvalidConn are retriable; other server errors permanent;
//     database/sql's driver.ErrBadConn is retriable;
//   - Kafka (kafka-go): an error code is retriable when kafka-go's Error.Temporary says so
//     (UNKNOWN_TOPIC_OR_PARTITION, NOT_LEADER_OR_FOLLOWER, LEADER_NOT_AVAILABLE,
//     REQUEST_TIMED_OUT, NETWORK_EXCEPTION, ...), and the client's stale-metadata errors
//     (topic, partition or leader not found in its metadata) are retriable; a writer's
//     WriteErrors is retriable when one of its messages failed retriably;
//   - AWS (aws-sdk-go-v2): the SDK retryer's own classification (retry.DefaultRetryables
//     and retry.DefaultThrottles: connection errors, 500/502/503/504, throttling codes such
//     as SlowDown and ProvisionedThroughputExceededException), including the last error
//     behind "exceeded maximum number of attempts"; any other API error is permanent;
//   - HTTP answers (any error with an HTTPStatusCode method): 408, 425, 429 and 5xx are
//     retriable (HTTPStatus);
//   - network errors that reach here unclassified (the AWS SDK's connection-error check,
//     then refused, reset, broken pipe, unreachable and timed-out system errors, and a
//     connection cut mid-answer, io.ErrUnexpectedEOF) are retriable;
//   - context.DeadlineExceeded (an operation's own timeout) is retriable;
//     context.Canceled is not;
//   - everything else is permanent.
package transient
