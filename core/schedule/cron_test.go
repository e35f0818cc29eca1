package schedule

import (
	"errors"
	"testing"
	"time"
)

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestPrev(t *testing.T) {
	tests := []struct {
		expr, at, want string
	}{
		{"continuous", "2026-11-26T10:17:31Z", "2026-11-26T10:17:31Z"},
		{"", "2026-11-26T10:17:31Z", "2026-11-26T10:17:31Z"},
		{"rate(1 hour)", "2026-11-26T10:17:31Z", "2026-11-26T10:00:00Z"},
		{"rate(5 minutes)", "2026-11-26T10:17:31Z", "2026-11-26T10:15:00Z"},
		{"rate(1 day)", "2026-11-26T10:17:31Z", "2026-11-26T00:00:00Z"},
		{"cron(5 * * * ? *)", "2026-11-26T10:17:31Z", "2026-11-26T10:05:00Z"},
		{"cron(5 * * * ? *)", "2026-11-26T10:04:59Z", "2026-11-26T09:05:00Z"},
		{"cron(0/15 * * * ? *)", "2026-11-26T10:44:00Z", "2026-11-26T10:30:00Z"},
		{"cron(0 12 * * ? *)", "2026-11-26T11:00:00Z", "2026-11-25T12:00:00Z"},
		{"cron(0 8 1 * ? *)", "2026-11-26T11:00:00Z", "2026-11-01T08:00:00Z"},
		{"cron(0 18 ? * MON-FRI *)", "2026-11-29T11:00:00Z", "2026-11-27T18:00:00Z"}, // Sunday → Friday
		{"cron(0 9 ? * 2 *)", "2026-11-26T11:00:00Z", "2026-11-23T09:00:00Z"},        // 2 = Monday
		{"cron(0 0 L * ? *)", "2026-11-26T11:00:00Z", "2026-10-31T00:00:00Z"},
		{"cron(0 0 ? * 6L *)", "2026-11-26T11:00:00Z", "2026-10-30T00:00:00Z"},  // last Friday of October
		{"cron(0 0 ? * 3#2 *)", "2026-11-26T11:00:00Z", "2026-11-10T00:00:00Z"}, // 2nd Tuesday
		{"cron(0 0 15W * ? *)", "2026-11-26T11:00:00Z", "2026-11-16T00:00:00Z"}, // 15th is a Sunday
		{"cron(30 1 1 JAN ? 2026)", "2026-11-26T11:00:00Z", "2026-01-01T01:30:00Z"},
		{"cron(0 10-12 * * ? *)", "2026-11-26T09:59:00Z", "2026-11-25T12:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.expr+"@"+tt.at, func(t *testing.T) {
			s, err := Parse(tt.expr)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			got, ok := s.Prev(mustTime(t, tt.at))
			if !ok {
				t.Fatal("no firing found")
			}
			if want := mustTime(t, tt.want); !got.Equal(want) {
				t.Errorf("Prev = %s, want %s", got.Format(time.RFC3339), tt.want)
			}
		})
	}
}

func TestPrevNoFiring(t *testing.T) {
	s, err := Parse("cron(0 0 1 1 ? 2030)")
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := s.Prev(mustTime(t, "2026-11-26T00:00:00Z")); ok {
		t.Errorf("Prev = %s, want none before 2030", got)
	}
}

func TestParseErrors(t *testing.T) {
	for _, expr := range []string{
		"hourly", "rate(0 hours)", "rate(1 week)", "rate(x minutes)", "rate(1)",
		"cron(* * * * *)", "cron(60 * * * ? *)", "cron(* 24 * * ? *)", "cron(* * * * * *)",
		"cron(* * ? * ? *)", "cron(* * * 13 ? *)", "cron(* * ? * 8 *)", "cron(5-1 * * * ? *)",
		"cron(*/0 * * * ? *)", "cron(* * * * ? 1969)",
	} {
		t.Run(expr, func(t *testing.T) {
			_, err := Parse(expr)
			if !errors.Is(err, ErrInvalidSchedule) {
				t.Fatalf("Parse(%q) error = %v, want ErrInvalidSchedule", expr, err)
			}
		})
	}
}
