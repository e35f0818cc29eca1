package dynamo_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

// dynamoClient starts dynalite for the test and returns a function making new clients of it
// (each a fresh client, as a restarted process would make).
func dynamoClient(t testing.TB) func() *dynamodb.Client {
	t.Helper()
	d := devstacktest.DynamoDB(t)
	return func() *dynamodb.Client {
		c, err := d.NewClient(t.Context())
		if err != nil {
			t.Fatalf("dynamodb client: %v", err)
		}
		return c
	}
}
