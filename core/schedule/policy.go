package schedule

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// Connector config keys of the retry and restart policy. They have no Kafka Connect
// equivalent: Kafka Connect fails a task on the first error its stage retries do not
// absorb and never restarts a FAILED task by itself.
const (
	// KeyRetryTimeout bounds a whole outage: how long, in milliseconds, a task keeps
	// retrying retriable failures across slices before it is FAILED with the last cause;
	// -1 retries forever. Default -1.
	KeyRetryTimeout = "task.retry.timeout.ms"
	// KeyRestartPolicy is never (default: a FAILED task waits for a person, as in Kafka
	// Connect) or on-failure (a FAILED task is restarted after a backoff).
	KeyRestartPolicy = "task.restart.policy"
	// KeyRestartBackoff is the wait, in milliseconds, before the first automatic restart of
	// a FAILED task; it doubles with each restart in the last hour. Default 60000.
	KeyRestartBackoff = "task.restart.backoff.ms"
	// KeyRestartMaxPerHour caps automatic restarts of one task in any hour; past it the task
	// stays FAILED until a person restarts it. Default 3.
	KeyRestartMaxPerHour = "task.restart.max.per.hour"
	// keyRetryDelayMax is Kafka Connect's errors.retry.delay.max.ms: it also caps the wait
	// between slices that retry an outage.
	keyRetryDelayMax = "errors.retry.delay.max.ms"
)

// Restart policies.
const (
	RestartNever     = "never"
	RestartOnFailure = "on-failure"
)

// Policy defaults.
const (
	DefaultRestartBackoff    = time.Minute
	DefaultRestartMaxPerHour = 3
	defaultRetryDelayMax     = 60 * time.Second
	// retryDelayMin is the wait after the first retriable failure of an outage.
	retryDelayMin = time.Second
)

// ErrBadPolicy is wrapped by ParsePolicy for a value it cannot accept.
var ErrBadPolicy = errors.New("invalid retry or restart policy")

// Policy is how a connector's tasks ride out failures.
type Policy struct {
	// RetryTimeout bounds retrying one outage; negative means forever. Default -1.
	RetryTimeout time.Duration
	// RetryDelayMax caps the wait between slices that retry (errors.retry.delay.max.ms,
	// default 60s); the slice length caps it too.
	RetryDelayMax time.Duration
	// Restart is RestartNever or RestartOnFailure. Default never.
	Restart string
	// RestartBackoff is the wait before the first automatic restart. Default 1 minute.
	RestartBackoff time.Duration
	// RestartMaxPerHour caps automatic restarts in any hour. Default 3.
	RestartMaxPerHour int
}

// DefaultPolicy retries outages forever and never restarts a FAILED task.
func DefaultPolicy() Policy {
	return Policy{RetryTimeout: -1, RetryDelayMax: defaultRetryDelayMax, Restart: RestartNever,
		RestartBackoff: DefaultRestartBackoff, RestartMaxPerHour: DefaultRestartMaxPerHour}
}

// PolicyError names the key and value ParsePolicy refused.
type PolicyError struct {
	Key, Value, Reason string
}

// Error says which key to fix.
func (e *PolicyError) Error() string {
	return fmt.Sprintf("%s: invalid value %s for configuration %s: %s", ErrBadPolicy, e.Value, e.Key, e.Reason)
}

// Message is the validation message in Kafka's ConfigException wording.
func (e *PolicyError) Message() string {
	return fmt.Sprintf("Invalid value %s for configuration %s: %s", e.Value, e.Key, e.Reason)
}

// Unwrap returns ErrBadPolicy.
func (e *PolicyError) Unwrap() error { return ErrBadPolicy }

// PolicyErrors returns the PolicyErrors joined in an error from ParsePolicy.
func PolicyErrors(err error) []*PolicyError {
	var out []*PolicyError
	var pe *PolicyError
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			out = append(out, PolicyErrors(e)...)
		}
	} else if errors.As(err, &pe) {
		out = append(out, pe)
	}
	return out
}

// ParsePolicy reads the task.retry.* and task.restart.* keys (and errors.retry.delay.max.ms)
// of a connector configuration; missing keys take their defaults.
func ParsePolicy(props map[string]string) (Policy, error) {
	p := DefaultPolicy()
	var errs []error
	millis := func(key string, min int64, dst *time.Duration) {
		v, ok := props[key]
		if !ok {
			return
		}
		v = strings.TrimSpace(v)
		n, err := strconv.ParseInt(v, 10, 64)
		switch {
		case err != nil:
			errs = append(errs, &PolicyError{key, v, "Not a number of type LONG"})
		case n < min:
			errs = append(errs, &PolicyError{key, v, fmt.Sprintf("Value must be at least %d", min)})
		case n < 0:
			*dst = -1
		default:
			*dst = time.Duration(n) * time.Millisecond
		}
	}
	millis(KeyRetryTimeout, -1, &p.RetryTimeout)
	millis(keyRetryDelayMax, 0, &p.RetryDelayMax)
	millis(KeyRestartBackoff, 0, &p.RestartBackoff)
	if v, ok := props[KeyRestartPolicy]; ok {
		switch v = strings.TrimSpace(v); v {
		case RestartNever, RestartOnFailure:
			p.Restart = v
		default:
			errs = append(errs, &PolicyError{KeyRestartPolicy, v, "String must be one of: never, on-failure"})
		}
	}
	if v, ok := props[KeyRestartMaxPerHour]; ok {
		v = strings.TrimSpace(v)
		n, err := strconv.Atoi(v)
		switch {
		case err != nil:
			errs = append(errs, &PolicyError{KeyRestartMaxPerHour, v, "Not a number of type INT"})
		case n < 1:
			errs = append(errs, &PolicyError{KeyRestartMaxPerHour, v, "Value must be at least 1"})
		default:
			p.RestartMaxPerHour = n
		}
	}
	if err := errors.Join(errs...); err != nil {
		return Policy{}, err
	}
	return p, nil
}

// RetryDelay is the wait before the slice that makes attempt number attempt (1 for the
// first retry) of an outage: one second doubled per attempt, capped by RetryDelayMax and
// by the slice length, then jittered down by up to half so tasks that failed together do
// not retry together.
func (p Policy) RetryDelay(attempt int, slice time.Duration) time.Duration {
	d := retryDelayMin << min(max(attempt-1, 0), 30)
	if p.RetryDelayMax > 0 {
		d = min(d, p.RetryDelayMax)
	}
	if slice > 0 {
		d = min(d, slice)
	}
	if d <= 1 {
		return d
	}
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

// RetriesExhausted reports whether an outage that began at since has outlasted the
// RetryTimeout at now.
func (p Policy) RetriesExhausted(since, now time.Time) bool {
	return p.RetryTimeout >= 0 && now.Sub(since) >= p.RetryTimeout
}

// NextRestart says when a task FAILED at failedAt may be restarted automatically, given
// the automatic restarts it had in the hour before now; ok is false when the policy is
// never or the hourly cap is reached.
func (p Policy) NextRestart(failedAt time.Time, restarts []time.Time, now time.Time) (at time.Time, ok bool) {
	if p.Restart != RestartOnFailure {
		return time.Time{}, false
	}
	recent := RecentRestarts(restarts, now)
	if len(recent) >= p.RestartMaxPerHour {
		return time.Time{}, false
	}
	return failedAt.Add(p.RestartBackoff << min(len(recent), 20)), true
}

// RecentRestarts returns the restarts within the hour before now.
func RecentRestarts(restarts []time.Time, now time.Time) []time.Time {
	var out []time.Time
	for _, t := range restarts {
		if now.Sub(t) < time.Hour {
			out = append(out, t)
		}
	}
	return out
}
