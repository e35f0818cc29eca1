// Package devstacktest starts devstack services for tests. Each helper registers t.Cleanup to
// stop the service, and when a service binary is missing it skips the test with a message
// naming the make target that installs it, or fails the test when CI=true.
package devstacktest

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/connectless/connectless/infra/devstack"
)

// startTimeout bounds one service start, including its health check.
const startTimeout = 90 * time.Second

// check ends the test when err is not nil: a skip for a missing binary outside CI, else a failure.
func check(t testing.TB, service string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var missing *devstack.MissingError
	if errors.As(err, &missing) && os.Getenv("CI") != "true" {
		t.Skipf("%s: %v", service, err)
	}
	t.Fatalf("start %s: %v", service, err)
}

// Unavailable ends a test that cannot run on this machine (no pseudo-terminal, say): a skip
// outside CI, a failure when CI=true, as for a missing service.
func Unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") != "true" {
		t.Skipf(format, args...)
	}
	t.Fatalf(format, args...)
}

func startCtx(t testing.TB) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), startTimeout)
}

// Kafka starts a kfake broker with opts and stops it when the test ends.
func Kafka(t testing.TB, opts devstack.KafkaOptions) *devstack.Kafka {
	t.Helper()
	ctx, cancel := startCtx(t)
	defer cancel()
	start := time.Now()
	k, err := devstack.StartKafka(ctx, opts)
	check(t, "kafka", err)
	t.Logf("kafka ready in %s", time.Since(start).Round(time.Millisecond))
	t.Cleanup(func() {
		if err := k.Close(); err != nil {
			t.Errorf("stop kafka: %v", err)
		}
	})
	return k
}

// S3 starts a versitygw S3 gateway with default credentials and stops it when the test ends.
func S3(t testing.TB) *devstack.S3 {
	t.Helper()
	return S3With(t, devstack.S3Options{})
}

// S3With is S3 with options (another region, other root credentials).
func S3With(t testing.TB, opts devstack.S3Options) *devstack.S3 {
	t.Helper()
	ctx, cancel := startCtx(t)
	defer cancel()
	start := time.Now()
	s, err := devstack.StartS3(ctx, opts)
	check(t, "s3", err)
	t.Logf("s3 ready in %s", time.Since(start).Round(time.Millisecond))
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("stop s3: %v", err)
		}
	})
	return s
}

// DynamoDB starts an in-memory dynalite server and stops it when the test ends.
func DynamoDB(t testing.TB) *devstack.DynamoDB {
	t.Helper()
	ctx, cancel := startCtx(t)
	defer cancel()
	start := time.Now()
	d, err := devstack.StartDynamoDB(ctx)
	check(t, "dynamodb", err)
	t.Logf("dynamodb ready in %s", time.Since(start).Round(time.Millisecond))
	t.Cleanup(func() {
		if err := d.Close(); err != nil {
			t.Errorf("stop dynamodb: %v", err)
		}
	})
	return d
}

// RIE starts the Lambda runtime interface emulator for opts.Bootstrap and stops it when the
// test ends.
func RIE(t testing.TB, opts devstack.RIEOptions) *devstack.RIE {
	t.Helper()
	ctx, cancel := startCtx(t)
	defer cancel()
	start := time.Now()
	r, err := devstack.StartRIE(ctx, opts)
	check(t, "rie", err)
	t.Logf("rie ready in %s", time.Since(start).Round(time.Millisecond))
	t.Cleanup(func() {
		if err := r.Close(); err != nil {
			t.Errorf("stop rie: %v", err)
		}
	})
	return r
}

// Binary returns the path of a program found as devstack.FindBinary finds it (for example a
// bootstrap built by make deps), skipping the test when it is missing, or failing it when CI=true.
func Binary(t testing.TB, name string) string {
	t.Helper()
	p, err := devstack.FindBinary(name)
	check(t, name, err)
	return p
}

// Postgres starts a throwaway PostgreSQL server and stops it when the test ends.
func Postgres(t testing.TB) *devstack.Postgres {
	t.Helper()
	ctx, cancel := startCtx(t)
	defer cancel()
	start := time.Now()
	p, err := devstack.StartPostgres(ctx)
	check(t, "postgres", err)
	t.Logf("postgres ready in %s", time.Since(start).Round(time.Millisecond))
	t.Cleanup(func() {
		if err := p.Close(); err != nil {
			t.Errorf("stop postgres: %v", err)
		}
	})
	return p
}

// MariaDB starts a throwaway MariaDB server and stops it when the test ends.
func MariaDB(t testing.TB) *devstack.MariaDB {
	t.Helper()
	ctx, cancel := startCtx(t)
	defer cancel()
	start := time.Now()
	m, err := devstack.StartMariaDB(ctx)
	check(t, "mariadb", err)
	t.Logf("mariadb ready in %s", time.Since(start).Round(time.Millisecond))
	t.Cleanup(func() {
		if err := m.Close(); err != nil {
			t.Errorf("stop mariadb: %v", err)
		}
	})
	return m
}

// SchemaRegistry serves franz-go's in-memory Schema Registry (srfake) over HTTP on loopback
// and stops it when the test ends.
func SchemaRegistry(t testing.TB, opts devstack.SchemaRegistryOptions) *devstack.SchemaRegistry {
	t.Helper()
	ctx, cancel := startCtx(t)
	defer cancel()
	s, err := devstack.StartSchemaRegistry(ctx, opts)
	check(t, "schema registry", err)
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("stop schema registry: %v", err)
		}
	})
	return s
}
