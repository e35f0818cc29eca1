package memory_test

import (
	"testing"
	"time"

	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/core/store/memory"
	"github.com/connectless/connectless/core/store/storetest"
)

func TestStore(t *testing.T) {
	storetest.Run(t, storetest.Harness{
		MaxValueSize: 64 << 10,
		Open: func(t *testing.T, now func() time.Time) (store.Store, func(*testing.T) store.Store) {
			s := memory.New(memory.WithClock(now), memory.WithMaxValueSize(64<<10))
			return s, func(*testing.T) store.Store { return s }
		},
	})
}
