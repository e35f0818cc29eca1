package devstack_test

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

// TestIntegrationDynamoDBSurvivesResetClients resets connections in the middle of requests,
// as a SIGKILLed task process does, and checks that the server still answers: dynalite
// throws a request's connection error, which would end the server (architect/dynalite#183).
func TestIntegrationDynamoDBSurvivesResetClients(t *testing.T) {
	t.Parallel()
	d := devstacktest.DynamoDB(t)
	addr := strings.TrimPrefix(d.Endpoint, "http://")
	for i := range 5 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatalf("dial %d: %v", i, err)
		}
		// A request whose body never arrives in full, then a reset (SO_LINGER 0).
		fmt.Fprintf(c, "POST / HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-amz-json-1.0\r\n"+
			"X-Amz-Target: DynamoDB_20120810.ListTables\r\nContent-Length: 1000\r\n\r\n{\"Limit\":", addr)
		time.Sleep(50 * time.Millisecond)
		if err := c.(*net.TCPConn).SetLinger(0); err != nil {
			t.Fatal(err)
		}
		c.Close()
	}
	time.Sleep(200 * time.Millisecond)
	client, err := d.NewClient(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if _, err := client.ListTables(ctx, &dynamodb.ListTablesInput{}); err != nil {
		t.Fatalf("list tables after reset clients: %v", err)
	}
}
