package dynamo_test

import (
	"testing"
	"time"

	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/core/store/dynamo"
	"github.com/connectless/connectless/core/store/storetest"
)

func TestIntegrationStore(t *testing.T) {
	newClient := dynamoClient(t)
	const table = "connectless-state"
	if err := dynamo.CreateTable(t.Context(), newClient(), table); err != nil {
		t.Fatalf("create table: %v", err)
	}
	storetest.Run(t, storetest.Harness{
		MaxValueSize: dynamo.MaxItemSize,
		Open: func(t *testing.T, now func() time.Time) (store.Store, func(*testing.T) store.Store) {
			s := dynamo.New(newClient(), table, dynamo.WithClock(now))
			return s, func(*testing.T) store.Store { return dynamo.New(newClient(), table, dynamo.WithClock(now)) }
		},
	})
}
