package store_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/store"
)

func TestPartitionKey(t *testing.T) {
	tests := []struct {
		name      string
		partition map[string]any
		want      string
		err       error
	}{
		{"file", map[string]any{"filename": "/tmp/in.txt"}, `{"filename":"/tmp/in.txt"}`, nil},
		{"keys sorted", map[string]any{"table": "t", "db": "d"}, `{"db":"d","table":"t"}`, nil},
		{"int and float alike", map[string]any{"shard": 3}, `{"shard":3}`, nil},
		{"float spelling", map[string]any{"shard": 3.0}, `{"shard":3}`, nil},
		{"int32", map[string]any{"shard": int32(3)}, `{"shard":3}`, nil},
		{"nested", map[string]any{"a": map[string]any{"z": 1, "b": []any{"x"}}}, `{"a":{"b":["x"],"z":1}}`, nil},
		{"no HTML escaping", map[string]any{"q": "a<b&c>"}, `{"q":"a<b&c>"}`, nil},
		{"unicode kept", map[string]any{"f": "ünï✓"}, `{"f":"ünï✓"}`, nil},
		{"nil", nil, "", store.ErrInvalid},
		{"not encodable", map[string]any{"f": func() {}}, "", store.ErrInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := store.PartitionKey(tc.partition)
			if !errors.Is(err, tc.err) {
				t.Fatalf("error %v, want %v", err, tc.err)
			}
			if got != tc.want {
				t.Fatalf("got %s, want %s", got, tc.want)
			}
		})
	}
}

func TestTopicPartitionKey(t *testing.T) {
	tests := []struct {
		tp   connect.TopicPartition
		want string
	}{
		{connect.TopicPartition{Topic: "logs", Partition: 0}, "logs/0"},
		{connect.TopicPartition{Topic: "a.b-c_d", Partition: 2147483647}, "a.b-c_d/2147483647"},
	}
	for _, tc := range tests {
		got := store.TopicPartitionKey(tc.tp)
		if got != tc.want {
			t.Fatalf("key of %v: %s, want %s", tc.tp, got, tc.want)
		}
		back, err := store.ParseTopicPartitionKey(got)
		if err != nil || back != tc.tp {
			t.Fatalf("parse %s: %v %v", got, back, err)
		}
	}
	for _, bad := range []string{"nopartition", "t/x", "t/99999999999"} {
		if _, err := store.ParseTopicPartitionKey(bad); err == nil || !strings.Contains(err.Error(), bad) {
			t.Fatalf("parse %q: %v, want an error naming it", bad, err)
		}
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		err  error
	}{
		{"empty connector", store.ValidateConnector("")},
		{"NUL in connector", store.ValidateConnector("a\x00b")},
		{"negative task", store.ValidateTask("c", -1)},
		{"bad target state", store.ValidateTargetState("SLEEPING")},
		{"empty topic", store.ValidateTopicPartition(connect.TopicPartition{})},
		{"slash in topic", store.ValidateTopicPartition(connect.TopicPartition{Topic: "a/b"})},
		{"negative partition", store.ValidateTopicPartition(connect.TopicPartition{Topic: "a", Partition: -1})},
	}
	for _, tc := range tests {
		if !errors.Is(tc.err, store.ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", tc.name, tc.err)
		}
	}
	for _, err := range []error{store.ValidateConnector("ok"), store.ValidateTask("ok", 0), store.ValidateTargetState(store.TargetStopped),
		store.ValidateTopicPartition(connect.TopicPartition{Topic: "t", Partition: 0})} {
		if err != nil {
			t.Errorf("valid input refused: %v", err)
		}
	}
}

func TestTooLargeError(t *testing.T) {
	err := store.TooLargeError(`commit source offsets of "c" task 0`, 500, 400)
	if !errors.Is(err, store.ErrTooLarge) || !strings.Contains(err.Error(), "500 bytes exceeds the limit of 400 bytes") {
		t.Fatalf("got %v", err)
	}
}

func TestValidateLeaseArguments(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want string // "" for no error
	}{
		{"acquire", store.ValidateAcquire("c", 0, time.Second), ""},
		{"acquire empty connector", store.ValidateAcquire("", 0, time.Second), "acquire lease: "},
		{"acquire negative task", store.ValidateAcquire("c", -1, time.Second), `acquire lease: connector "c": task id -1 is negative`},
		{"acquire zero ttl", store.ValidateAcquire("c", 2, 0), `acquire lease of "c" task 2: ttl 0s is not positive`},
		{"renew", store.ValidateRenew(store.Lease{Connector: "c", Task: 1}, time.Second), ""},
		{"renew negative ttl", store.ValidateRenew(store.Lease{Connector: "c", Task: 1}, -time.Second), `renew lease of "c" task 1: ttl -1s is not positive`},
	} {
		if tc.want == "" {
			if tc.err != nil {
				t.Errorf("%s: %v", tc.name, tc.err)
			}
			continue
		}
		if !errors.Is(tc.err, store.ErrInvalid) || !strings.HasPrefix(tc.err.Error(), tc.want) {
			t.Errorf("%s: %v, want ErrInvalid starting %q", tc.name, tc.err, tc.want)
		}
	}
}
