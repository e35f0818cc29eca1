// Command devstack starts every local service of the connectless devstack (Kafka, S3,
// DynamoDB, the Lambda runtime emulator, PostgreSQL, MariaDB), shows each one answering a real
// client, prints how to reach it, and stops them all. With -wait it keeps them running until
// Ctrl-C, for trying things by hand.
package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	_ "github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"
	"github.com/segmentio/kafka-go"

	"github.com/connectless/connectless/infra/devstack"
)

func main() {
	wait := flag.Bool("wait", false, "keep the services running until interrupted")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Stdout, *wait); err != nil {
		fmt.Fprintln(os.Stderr, "devstack:", err)
		os.Exit(1)
	}
}

// step is one service: start it, show it answering, and say how to reach it.
type step struct {
	name string
	run  func(ctx context.Context) (closer func() error, info string, err error)
}

func run(ctx context.Context, out io.Writer, wait bool) error {
	// Start every service at once; report in a fixed order.
	type result struct {
		closer  func() error
		info    string
		err     error
		elapsed time.Duration
	}
	all := steps()
	results := make([]result, len(all))
	var wg sync.WaitGroup
	for i, s := range all {
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := time.Now()
			closer, info, err := s.run(ctx)
			results[i] = result{closer, info, err, time.Since(start)}
		}()
	}
	wg.Wait()
	defer func() {
		for i := len(results) - 1; i >= 0; i-- {
			if c := results[i].closer; c != nil {
				if err := c(); err != nil {
					fmt.Fprintln(out, "stop:", err)
				}
			}
		}
	}()
	var errs []error
	for i, r := range results {
		if r.err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", all[i].name, r.err))
			fmt.Fprintf(out, "%-9s FAILED\n", all[i].name)
			continue
		}
		fmt.Fprintf(out, "%-9s ok in %-7s %s\n", all[i].name, r.elapsed.Round(time.Millisecond), r.info)
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if wait {
		fmt.Fprintln(out, "all services running; Ctrl-C stops them")
		<-ctx.Done()
	}
	return nil
}

func steps() []step {
	return []step{
		{"kafka", kafkaStep},
		{"s3", s3Step},
		{"dynamodb", dynamoStep},
		{"lambda", rieStep},
		{"postgres", postgresStep},
		{"mariadb", mariadbStep},
	}
}

func kafkaStep(ctx context.Context) (func() error, string, error) {
	k, err := devstack.StartKafka(ctx, devstack.KafkaOptions{OutOfProcess: true, Partitions: 3, Topics: []string{"demo"}})
	if err != nil {
		return nil, "", err
	}
	w := &kafka.Writer{Addr: kafka.TCP(k.Brokers()...), Topic: "demo", Balancer: &kafka.LeastBytes{}, BatchTimeout: 10 * time.Millisecond}
	defer w.Close()
	if err := w.WriteMessages(ctx, kafka.Message{Key: []byte("hello"), Value: []byte("world")}); err != nil {
		return k.Close, "", fmt.Errorf("produce: %w", err)
	}
	conn, err := kafka.DialContext(ctx, "tcp", k.Addr())
	if err != nil {
		return k.Close, "", err
	}
	defer conn.Close()
	parts, err := conn.ReadPartitions("demo")
	if err != nil {
		return k.Close, "", err
	}
	return k.Close, fmt.Sprintf("broker %s, topic demo with %d partitions, 1 record produced", k.Addr(), len(parts)), nil
}

func s3Step(ctx context.Context) (func() error, string, error) {
	s, err := devstack.StartS3(ctx, devstack.S3Options{})
	if err != nil {
		return nil, "", err
	}
	c, _ := s.NewClient(ctx)
	if err := s.CreateBucket(ctx, "demo"); err != nil {
		return s.Close, "", err
	}
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("demo"), Key: aws.String("hello.txt"), Body: strings.NewReader("world")}); err != nil {
		return s.Close, "", err
	}
	list, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("demo")})
	if err != nil {
		return s.Close, "", err
	}
	return s.Close, fmt.Sprintf("AWS_ENDPOINT_URL_S3=%s, bucket demo holds %d object", s.Endpoint, len(list.Contents)), nil
}

func dynamoStep(ctx context.Context) (func() error, string, error) {
	d, err := devstack.StartDynamoDB(ctx)
	if err != nil {
		return nil, "", err
	}
	c, _ := d.NewClient(ctx)
	out, err := c.ListTables(ctx, &dynamodb.ListTablesInput{})
	if err != nil {
		return d.Close, "", err
	}
	return d.Close, fmt.Sprintf("AWS_ENDPOINT_URL_DYNAMODB=%s, %d tables", d.Endpoint, len(out.TableNames)), nil
}

func rieStep(ctx context.Context) (func() error, string, error) {
	bootstrap, err := devstack.FindBinary("echo-bootstrap")
	if err != nil {
		return nil, "", err
	}
	r, err := devstack.StartRIE(ctx, devstack.RIEOptions{Bootstrap: bootstrap, Env: []string{"ECHO_GREETING=hi"}})
	if err != nil {
		return nil, "", err
	}
	body, err := r.Invoke(ctx, []byte(`{"message":"demo"}`))
	if err != nil {
		return r.Close, "", err
	}
	return r.Close, fmt.Sprintf("%s%s answered %s", r.Endpoint, devstack.RIEInvokePath, body), nil
}

func postgresStep(ctx context.Context) (func() error, string, error) {
	p, err := devstack.StartPostgres(ctx)
	if err != nil {
		return nil, "", err
	}
	conn, err := pgx.Connect(ctx, p.DSN)
	if err != nil {
		return p.Close, "", err
	}
	defer conn.Close(context.Background())
	var v string
	if err := conn.QueryRow(ctx, "SHOW server_version").Scan(&v); err != nil {
		return p.Close, "", err
	}
	return p.Close, fmt.Sprintf("%s (PostgreSQL %s)", p.DSN, v), nil
}

func mariadbStep(ctx context.Context) (func() error, string, error) {
	m, err := devstack.StartMariaDB(ctx)
	if err != nil {
		return nil, "", err
	}
	db, err := sql.Open("mysql", m.DSN)
	if err != nil {
		return m.Close, "", err
	}
	defer db.Close()
	var v string
	if err := db.QueryRowContext(ctx, "SELECT VERSION()").Scan(&v); err != nil {
		return m.Close, "", err
	}
	return m.Close, fmt.Sprintf("%s (MariaDB %s)", m.DSN, v), nil
}
