package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/connectless/connectless/core/store/dynamo"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

// TestIntegrationWorkerCreatesDynamoDBTable points a worker at a dynalite endpoint whose state
// table does not exist: it creates the table at start (state.dynamodb.table.create defaults to
// true) and serves connectors on it. With creation off, the worker does not start, and the
// error is one line naming the table, the region, the endpoint and the fix.
func TestIntegrationWorkerCreatesDynamoDBTable(t *testing.T) {
	ddb := devstacktest.DynamoDB(t)
	awsCfg := func(ctx context.Context) (aws.Config, error) {
		ac, err := ddb.AWSConfig(ctx)
		ac.BaseEndpoint = aws.String(ddb.Endpoint)
		return ac, err
	}
	brokers := newKafka(t, "logs", 1)
	table := fmt.Sprintf("worker-made-%d", time.Now().UnixNano())

	off := baseProps(t, brokers)
	off["state.backend"], off["state.dynamodb.table"], off["state.dynamodb.table.create"] = "dynamodb", table, "false"
	w0, err := New(context.Background(), off, Options{Registry: testRegistry(&collector{}), Logger: slog.New(slog.DiscardHandler), AWSConfig: awsCfg})
	if err != nil {
		t.Fatal(err)
	}
	// The store is opened when the worker starts (Run), not by New.
	if err = w0.Run(context.Background()); !errors.Is(err, dynamo.ErrNoTable) {
		t.Fatalf("creation off: %v, want ErrNoTable", err)
	}
	for _, want := range []string{table, ddb.Region, ddb.Endpoint, "state.dynamodb.table.create=true"} {
		if msg := err.Error(); !strings.Contains(msg, want) || strings.Contains(msg, "\n") {
			t.Errorf("error %q: want one line naming %q", msg, want)
		}
	}

	props := baseProps(t, brokers)
	props["state.backend"], props["state.dynamodb.table"] = "dynamodb", table
	ctx, cancel := context.WithCancel(context.Background())
	w, err := New(ctx, props, Options{Registry: testRegistry(&collector{}), Logger: slog.New(slog.DiscardHandler), AWSConfig: awsCfg})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("worker run: %v", err)
		}
	}()
	c := &client{t: t, base: "http://" + waitReady(t, w)[0].String()}
	if code, body := c.do("POST", "/connectors", map[string]any{"name": "d", "config": map[string]string{
		"connector.class": collectSinkClass, "topics": "logs"}}); code != http.StatusCreated {
		t.Fatalf("create connector on the new table: %d %v", code, body)
	}
	dc, _ := ddb.NewClient(ctx)
	out, err := dc.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)})
	if err != nil || out.Table.BillingModeSummary == nil || out.Table.BillingModeSummary.BillingMode != "PAY_PER_REQUEST" {
		t.Fatalf("table: %+v %v, want on-demand billing", out, err)
	}
}
