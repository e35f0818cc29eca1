package sqldb

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
)

func TestRestoreOffset(t *testing.T) {
	cases := []struct {
		name    string
		mode    string
		offset  map[string]any
		wantInc int64
		wantTs  time.Time
		wantErr error
	}{
		{"none", ModeTimestampIncrementing, nil, -1, time.Unix(0, 0).UTC(), nil},
		{"int64", ModeIncrementing, map[string]any{"incrementing": int64(42)}, 42, time.Time{}, nil},
		{"float64 from JSON", ModeIncrementing, map[string]any{"incrementing": float64(42)}, 42, time.Time{}, nil},
		{"json.Number", ModeIncrementing, map[string]any{"incrementing": json.Number("42")}, 42, time.Time{}, nil},
		{"timestamp with nanos", ModeTimestampIncrementing,
			map[string]any{"timestamp": int64(1714557600250), "timestamp_nanos": int64(250123456), "incrementing": int64(7)},
			7, time.Date(2024, 5, 1, 10, 0, 0, 250123456, time.UTC), nil},
		{"timestamp without nanos", ModeTimestamp, map[string]any{"timestamp": int64(1714557600250)},
			-1, time.Date(2024, 5, 1, 10, 0, 0, 250e6, time.UTC), nil},
		{"before the epoch", ModeTimestamp, map[string]any{"timestamp": int64(-1500), "timestamp_nanos": int64(500e6)},
			-1, time.Unix(-2, 500e6).UTC(), nil},
		{"string", ModeIncrementing, map[string]any{"incrementing": "42"}, 0, time.Time{}, ErrBadOffset},
		{"fraction", ModeIncrementing, map[string]any{"incrementing": 4.5}, 0, time.Time{}, ErrBadOffset},
		{"nanos out of range", ModeTimestamp, map[string]any{"timestamp": int64(0), "timestamp_nanos": int64(2e9)}, 0, time.Time{}, ErrBadOffset},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			q := &querier{cfg: sourceConfig{mode: tc.mode}, inc: -1}
			err := q.restore(t.Context(), tc.offset)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if q.inc != tc.wantInc || !q.ts.Equal(tc.wantTs) {
				t.Errorf("restored inc %d ts %v, want %d %v", q.inc, q.ts, tc.wantInc, tc.wantTs)
			}
			// What is restored is written back the same way.
			if tc.offset != nil {
				back := q.offset()
				for k, v := range tc.offset {
					if n, ok := v.(json.Number); ok {
						v, _ = n.Int64()
					}
					if f, ok := v.(float64); ok {
						v = int64(f)
					}
					if back[k] != v {
						t.Errorf("offset()[%s] = %v, want %v", k, back[k], v)
					}
				}
			}
		})
	}
}
