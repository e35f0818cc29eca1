package dynamo

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// ErrNoTable reports a state table that is missing and was not created.
var ErrNoTable = errors.New("state table missing")

// EnsureTable makes sure the state table exists before a worker or function serves anything,
// as Kafka Connect creates its internal topics: an existing table must have the right key
// schema; a missing one is created (on-demand billing, see CreateTable) when create is true.
// When the table is missing and create is false, or creating it is refused (for example by
// IAM), the error is one line naming the table, the region and endpoint, and the fix.
func EnsureTable(ctx context.Context, client *dynamodb.Client, table string, create bool, log *slog.Logger) error {
	where := fmt.Sprintf("DynamoDB table %q (region %s, endpoint %s)", table, orDefault(client.Options().Region, "not set"),
		orDefault(aws.ToString(client.Options().BaseEndpoint), "the region's default"))
	out, err := client.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)})
	var missing *types.ResourceNotFoundException
	switch {
	case err == nil:
		if !sameKeySchema(out.Table.KeySchema) {
			return fmt.Errorf("state.dynamodb.table: %s has another key schema than pk (S, HASH), sk (S, RANGE): name another table in state.dynamodb.table", where)
		}
		return nil
	case !errors.As(err, &missing):
		return fmt.Errorf("state.dynamodb.table: describe %s: %w", where, err)
	case !create:
		return fmt.Errorf("%w: %s does not exist and state.dynamodb.table.create=false: create it (the SAM template does) or set state.dynamodb.table.create=true", ErrNoTable, where)
	}
	if err := CreateTable(ctx, client, table); err != nil {
		return fmt.Errorf("%w: %s does not exist and creating it failed (%v): grant dynamodb:CreateTable and dynamodb:DescribeTable, or create the table (the SAM template does)", ErrNoTable, where, err)
	}
	if log != nil {
		log.Info("created the state table (on-demand billing), as state.dynamodb.table.create=true allows", "table", table,
			"region", client.Options().Region)
	}
	return nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
