package serverless

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/store/dynamo"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

// TestIntegrationFunctionsCreateDynamoDBTable: the functions' runtime (REST and scheduler)
// creates a missing state table at cold start, and with state.dynamodb.table.create=false
// fails with one line naming the table, the region, the endpoint and the fix.
func TestIntegrationFunctionsCreateDynamoDBTable(t *testing.T) {
	ddb := devstacktest.DynamoDB(t)
	awsCfg := func(ctx context.Context) (aws.Config, error) {
		ac, err := ddb.AWSConfig(ctx)
		ac.BaseEndpoint = aws.String(ddb.Endpoint)
		return ac, err
	}
	reg, err := connect.NewRegistry()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	table := fmt.Sprintf("functions-made-%d", time.Now().UnixNano())
	opts := Options{Registry: reg, Logger: slog.New(slog.DiscardHandler), AWSConfig: awsCfg}
	_, err = Open(ctx, map[string]string{"state.backend": "dynamodb", "state.dynamodb.table": table, "state.dynamodb.table.create": "false"}, opts)
	if !errors.Is(err, dynamo.ErrNoTable) || !strings.Contains(err.Error(), table) || !strings.Contains(err.Error(), ddb.Endpoint) {
		t.Fatalf("creation off: %v, want ErrNoTable naming the table and endpoint", err)
	}
	rt, err := Open(ctx, map[string]string{"state.backend": "dynamodb", "state.dynamodb.table": table}, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	dc, _ := ddb.NewClient(ctx)
	if _, err := dc.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)}); err != nil {
		t.Fatalf("table not created: %v", err)
	}
	if names, err := rt.Store.Connectors(ctx); err != nil || len(names) != 0 {
		t.Fatalf("new table: %v %v", names, err)
	}
}
