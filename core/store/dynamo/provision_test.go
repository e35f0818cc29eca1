package dynamo_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/core/store/dynamo"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

// TestIntegrationEnsureTable: a missing table is created when allowed and then works; when
// creation is off, the error is one line naming the table, the region, the endpoint and the
// fix; an existing table is accepted as it is, and one with another key schema is refused.
func TestIntegrationEnsureTable(t *testing.T) {
	d := devstacktest.DynamoDB(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	client, err := d.NewClient(ctx)
	if err != nil {
		t.Fatal(err)
	}
	table := fmt.Sprintf("ensure-%d", time.Now().UnixNano())

	err = dynamo.EnsureTable(ctx, client, table, false, nil)
	if !errors.Is(err, dynamo.ErrNoTable) {
		t.Fatalf("creation off: %v, want ErrNoTable", err)
	}
	for _, want := range []string{table, d.Region, d.Endpoint, "state.dynamodb.table.create=true"} {
		if msg := err.Error(); !strings.Contains(msg, want) || strings.Contains(msg, "\n") {
			t.Errorf("error %q: want one line mentioning %q", msg, want)
		}
	}
	if _, err := client.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)}); err == nil {
		t.Fatal("table created although creation was off")
	}

	if err := dynamo.EnsureTable(ctx, client, table, true, nil); err != nil {
		t.Fatalf("create: %v", err)
	}
	s := dynamo.New(client, table)
	if err := s.CreateConnector(ctx, "c", map[string]string{"k": "v"}, store.TargetRunning); err != nil {
		t.Fatalf("use the created table: %v", err)
	}
	if err := dynamo.EnsureTable(ctx, client, table, false, nil); err != nil {
		t.Fatalf("existing table: %v", err)
	}
	if names, err := s.Connectors(ctx); err != nil || len(names) != 1 {
		t.Fatalf("connectors after a second EnsureTable: %v %v", names, err)
	}
}
