package taskslice

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
)

func TestParseErrorConfig(t *testing.T) {
	tests := []struct {
		name    string
		props   map[string]string
		want    ErrorConfig
		wantErr []string
	}{
		{name: "defaults", props: map[string]string{"topics": "a"}, want: DefaultErrorConfig()},
		{name: "everything set, trimmed, booleans in any case", props: map[string]string{
			KeyTolerance: " all ", KeyRetryTimeout: "+30000", KeyRetryDelayMax: "500", KeyLogEnable: "TRUE",
			KeyLogIncludeMessages: "True", KeyDLQTopic: " dlq ", KeyDLQReplication: "1", KeyDLQContextHeaders: "true",
		}, want: ErrorConfig{Tolerance: ToleranceAll, RetryTimeout: 30 * time.Second, RetryDelayMax: 500 * time.Millisecond,
			LogEnable: true, LogIncludeMessages: true, DLQTopic: "dlq", DLQReplicationFactor: 1, DLQContextHeaders: true}},
		{name: "retry forever and broker default replication", props: map[string]string{KeyRetryTimeout: "-1", KeyDLQReplication: "-1"},
			want: ErrorConfig{Tolerance: ToleranceNone, RetryTimeout: -1, RetryDelayMax: time.Minute, DLQReplicationFactor: -1}},
		{name: "tolerance is case-sensitive", props: map[string]string{KeyTolerance: "ALL"},
			wantErr: []string{"Invalid value ALL for configuration errors.tolerance: String must be one of: none, all"}},
		{name: "every bad value is reported", props: map[string]string{
			KeyRetryTimeout: "1s", KeyRetryDelayMax: "-5", KeyLogEnable: "yes", KeyDLQReplication: "70000", KeyDLQContextHeaders: "",
		}, wantErr: []string{
			"Invalid value 1s for configuration errors.retry.timeout: Not a number of type LONG",
			"Invalid value -5 for configuration errors.retry.delay.max.ms: Value must be at least 0",
			"Invalid value yes for configuration errors.log.enable: Expected value to be either true or false",
			"Invalid value 70000 for configuration errors.deadletterqueue.topic.replication.factor: Not a number of type SHORT",
			"Invalid value  for configuration errors.deadletterqueue.context.headers.enable: Expected value to be either true or false",
		}},
		{name: "zero replication factor", props: map[string]string{KeyDLQReplication: "0"},
			wantErr: []string{"errors.deadletterqueue.topic.replication.factor"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseErrorConfig(tt.props)
			if len(tt.wantErr) > 0 {
				if !errors.Is(err, ErrInvalidConfig) {
					t.Fatalf("got %v, want ErrInvalidConfig", err)
				}
				for _, w := range tt.wantErr {
					if !strings.Contains(strings.ToLower(err.Error()), strings.ToLower(w)) {
						t.Errorf("error %q lacks %q", err, w)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestBackoff(t *testing.T) {
	tests := []struct {
		attempt int
		max     time.Duration
		want    time.Duration // exact when below the cap
	}{
		{1, time.Minute, 300 * time.Millisecond},
		{2, time.Minute, 600 * time.Millisecond},
		{5, time.Minute, 4800 * time.Millisecond},
		{1, 0, 0},
	}
	for _, tt := range tests {
		if got := backoff(tt.attempt, tt.max); got != tt.want {
			t.Errorf("backoff(%d, %v) = %v, want %v", tt.attempt, tt.max, got, tt.want)
		}
	}
	// Past the cap the delay is random below it (jitter), also for huge attempt counts.
	for _, attempt := range []int{9, 64, 1000} {
		if got := backoff(attempt, time.Second); got < 0 || got >= time.Second {
			t.Errorf("backoff(%d, 1s) = %v, want in [0, 1s)", attempt, got)
		}
	}
	// A RetriableError's own Wait is honoured when longer.
	err := &connect.RetriableError{Err: errors.New("throttled"), Wait: 2 * time.Second}
	if got := wait(err, 1, time.Minute); got != 2*time.Second {
		t.Errorf("wait = %v, want the error's 2s", got)
	}
}

func TestRecordError(t *testing.T) {
	cause := connect.Retriable(errors.New("boom"))
	var err error = &RecordError{Topic: "t", Partition: 3, Offset: 42, Stage: StageTransformation, Class: "x.Cast$Value", Err: cause}
	if !errors.Is(err, ErrToleranceExceeded) || !errors.Is(err, cause) || !connect.IsRetriable(err) {
		t.Fatalf("%v does not match its sentinel and cause", err)
	}
	for _, s := range []string{"t-3@42", "TRANSFORMATION", "x.Cast$Value", "boom"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("%q lacks %q", err, s)
		}
	}
}
