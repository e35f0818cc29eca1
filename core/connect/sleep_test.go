package connect_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
)

func TestSleep(t *testing.T) {
	tests := []struct {
		name    string
		d       time.Duration
		cancel  bool
		wantErr error
	}{
		{name: "elapses", d: time.Millisecond},
		{name: "zero", d: 0},
		{name: "cancelled", d: time.Hour, cancel: true, wantErr: context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tt.cancel {
				cancel()
			}
			if err := connect.Sleep(ctx, tt.d); !errors.Is(err, tt.wantErr) {
				t.Fatalf("Sleep(%v) = %v, want %v", tt.d, err, tt.wantErr)
			}
		})
	}
}
