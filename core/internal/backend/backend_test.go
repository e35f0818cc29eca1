package backend

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/connectless/connectless/core/store"
)

func TestOpen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "state.db")
	st, err := Open(ctx, Options{Backend: Bolt, BoltPath: path})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.CreateConnector(ctx, "c", map[string]string{"k": "v"}, store.TargetRunning); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(ctx, Options{Backend: Bolt, BoltPath: path}); err == nil {
		t.Error("a second open of a held bolt file succeeded")
	}
	st.Close()
	st, err = Open(ctx, Options{Backend: Bolt, BoltPath: path})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if c, err := st.Connector(ctx, "c"); err != nil || c.Config["k"] != "v" {
		t.Errorf("reopened bolt store: %+v, %v", c, err)
	}
	if _, err := Open(ctx, Options{Backend: Memory}); err != nil {
		t.Errorf("memory: %v", err)
	}
	if _, err := Open(ctx, Options{Backend: "mongo"}); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("unknown backend: err = %v, want store.ErrInvalid", err)
	}
	if _, err := Open(ctx, Options{Backend: DynamoDB}); err == nil {
		t.Error("dynamodb without an AWS configuration loader opened")
	}
}
