package kafkatopic

import (
	"testing"
	"time"

	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/core/store/storetest"
)

// TestIntegrationStoreSuite runs the conformance suite on a kfake broker. Every subtest opens
// its own Store on the same topics; reopen is a fresh Store that reads them from the beginning.
func TestIntegrationStoreSuite(t *testing.T) {
	brokers := startKafka(t)
	storetest.Run(t, storetest.Harness{
		MaxValueSize: DefaultMaxRecordBytes,
		Open: func(t *testing.T, now func() time.Time) (store.Store, func(t *testing.T) store.Store) {
			open := func(t *testing.T) store.Store {
				return openStore(t, brokers, func(c *Config) { c.Now = now })
			}
			return open(t), open
		},
	})
}
