package dynamo_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/core/store/dynamo"
)

// TestIntegrationItemLimit fills one task item commit by commit: the commit that would take
// it over 400 KB is refused whole with sizes in the message, earlier offsets stay, and a
// status that no longer fits beside the offsets is refused as too large as well.
func TestIntegrationItemLimit(t *testing.T) {
	newClient := dynamoClient(t)
	c := newClient()
	const table = "limits"
	if err := dynamo.CreateTable(t.Context(), c, table); err != nil {
		t.Fatalf("create table: %v", err)
	}
	s := dynamo.New(c, table)
	ctx := t.Context()
	l, err := s.Acquire(ctx, "big", 0, "w", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	chunk := strings.Repeat("y", 120*1024)
	for _, p := range []string{"a", "b", "c"} {
		err := s.CommitSourceOffsets(ctx, l, []store.SourceOffset{{Partition: map[string]any{"p": p}, Offset: map[string]any{"blob": chunk}}})
		if err != nil {
			t.Fatalf("commit %s: %v", p, err)
		}
	}
	err = s.CommitSourceOffsets(ctx, l, []store.SourceOffset{{Partition: map[string]any{"p": "d"}, Offset: map[string]any{"blob": chunk}}})
	if !errors.Is(err, store.ErrTooLarge) {
		t.Fatalf("fourth 120 KB offset: %v, want ErrTooLarge", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "409600") || !strings.Contains(msg, `"big" task 0`) {
		t.Fatalf("message %q should give the limit and name the task", msg)
	}
	got, err := s.SourceOffsets(ctx, "big")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("after the refused commit: %d source offsets, want the 3 committed", len(got))
	}
	// Sink offsets of the same task land in the same item: also refused once it is full.
	many := map[connect.TopicPartition]int64{}
	for p := range 2000 {
		many[connect.TopicPartition{Topic: "a-rather-long-topic-name-for-archival", Partition: int32(p)}] = int64(p)
	}
	if err := s.CommitSinkOffsets(ctx, l, many); !errors.Is(err, store.ErrTooLarge) {
		t.Fatalf("2000 sink offsets into a full item: %v, want ErrTooLarge", err)
	}
	// The status check alone passes (a 50 KB trace), but the item is full: DynamoDB refuses.
	err = s.PutTaskStatus(ctx, l, store.Status{State: store.StateFailed, Trace: strings.Repeat("t", 50*1024)})
	if !errors.Is(err, store.ErrTooLarge) {
		t.Fatalf("status beside full offsets: %v, want ErrTooLarge", err)
	}
	// A tombstone frees room.
	if err := s.CommitSourceOffsets(ctx, l, []store.SourceOffset{{Partition: map[string]any{"p": "a"}, Offset: nil}}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutTaskStatus(ctx, l, store.Status{State: store.StateRunning}); err != nil {
		t.Fatalf("small status: %v", err)
	}
}

func TestIntegrationCreateTable(t *testing.T) {
	newClient := dynamoClient(t)
	c := newClient()
	ctx := t.Context()
	if err := dynamo.CreateTable(ctx, c, "twice"); err != nil {
		t.Fatalf("create: %v", err)
	}
	if err := dynamo.CreateTable(ctx, c, "twice"); err != nil {
		t.Fatalf("create an existing table: %v", err)
	}
	out, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("twice")})
	if err != nil {
		t.Fatal(err)
	}
	if out.Table.TableStatus != types.TableStatusActive {
		t.Fatalf("status %s, want ACTIVE", out.Table.TableStatus)
	}
	if out.Table.BillingModeSummary == nil || out.Table.BillingModeSummary.BillingMode != types.BillingModePayPerRequest {
		t.Fatalf("billing mode %+v, want PAY_PER_REQUEST", out.Table.BillingModeSummary)
	}
	_, err = c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("other-schema"),
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: types.KeyTypeHash}},
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: types.ScalarAttributeTypeS}},
		BillingMode:          types.BillingModePayPerRequest,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := dynamo.CreateTable(ctx, c, "other-schema"); err == nil || !strings.Contains(err.Error(), "key schema") {
		t.Fatalf("create over a table with another key schema: %v", err)
	}
}
