package dynamo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// KeySchema returns the table's primary key, for infrastructure templates to mirror: a
// string partition key "pk" (HASH) and a string sort key "sk" (RANGE).
func KeySchema() []types.KeySchemaElement {
	return []types.KeySchemaElement{
		{AttributeName: aws.String(attrPK), KeyType: types.KeyTypeHash},
		{AttributeName: aws.String(attrSK), KeyType: types.KeyTypeRange},
	}
}

// AttributeDefinitions returns the key attributes' types: both strings (S).
func AttributeDefinitions() []types.AttributeDefinition {
	return []types.AttributeDefinition{
		{AttributeName: aws.String(attrPK), AttributeType: types.ScalarAttributeTypeS},
		{AttributeName: aws.String(attrSK), AttributeType: types.ScalarAttributeTypeS},
	}
}

// PartitionKeyName and SortKeyName are the table's key attribute names.
const (
	PartitionKeyName = attrPK
	SortKeyName      = attrSK
)

// CreateTable creates the state table with on-demand billing and waits until it is ACTIVE
// (tables start in CREATING). An existing table with the right key schema is accepted, so
// the call is idempotent; one with another key schema is an error.
func CreateTable(ctx context.Context, client *dynamodb.Client, table string) error {
	_, err := client.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String(table),
		KeySchema:            KeySchema(),
		AttributeDefinitions: AttributeDefinitions(),
		BillingMode:          types.BillingModePayPerRequest,
	})
	var inUse *types.ResourceInUseException
	switch {
	case errors.As(err, &inUse):
		out, err := client.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)})
		if err != nil {
			return fmt.Errorf("create table %q: describe existing table: %w", table, err)
		}
		if !sameKeySchema(out.Table.KeySchema) {
			return fmt.Errorf("create table %q: a table of that name exists with another key schema", table)
		}
	case err != nil:
		return fmt.Errorf("create table %q: %w", table, err)
	}
	w := dynamodb.NewTableExistsWaiter(client, func(o *dynamodb.TableExistsWaiterOptions) {
		o.MinDelay = 100 * time.Millisecond
		o.MaxDelay = 2 * time.Second
	})
	if err := w.Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)}, 5*time.Minute); err != nil {
		return fmt.Errorf("create table %q: wait until active: %w", table, err)
	}
	return nil
}

func sameKeySchema(ks []types.KeySchemaElement) bool {
	want := KeySchema()
	if len(ks) != len(want) {
		return false
	}
	for i := range ks {
		if aws.ToString(ks[i].AttributeName) != aws.ToString(want[i].AttributeName) || ks[i].KeyType != want[i].KeyType {
			return false
		}
	}
	return true
}
