package workerprops

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Problems collects the errors found while parsing worker properties. Each wraps the sentinel
// given to NewProblems and names the key it is about.
type Problems struct {
	sentinel error
	errs     []error
}

// NewProblems returns an empty collection whose errors wrap sentinel.
func NewProblems(sentinel error) *Problems { return &Problems{sentinel: sentinel} }

// Bad records that key's value is wrong, as "<sentinel>: <key>: <message>".
func (p *Problems) Bad(key, format string, args ...any) {
	p.errs = append(p.errs, fmt.Errorf("%w: %s: %s", p.sentinel, key, fmt.Sprintf(format, args...)))
}

// Add records an error built elsewhere; nil is ignored.
func (p *Problems) Add(err error) {
	if err != nil {
		p.errs = append(p.errs, err)
	}
}

// Err returns every recorded error joined, or nil when there are none.
func (p *Problems) Err() error { return errors.Join(p.errs...) }

// Millis reads a positive number of milliseconds. Anything else is recorded against key and
// gives 0.
func (p *Problems) Millis(key, v string) time.Duration {
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || n <= 0 {
		p.Bad(key, "want a positive number of milliseconds, got %q", v)
		return 0
	}
	return time.Duration(n) * time.Millisecond
}

// SplitList splits a comma-separated list, trimming each item and dropping empty ones.
func SplitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Default converter classes, as Kafka Connect names them.
const (
	// JSONConverter is the default of key.converter and value.converter.
	JSONConverter = "org.apache.kafka.connect.json.JsonConverter"
	// SimpleHeaderConverter is the default of header.converter.
	SimpleHeaderConverter = "org.apache.kafka.connect.storage.SimpleHeaderConverter"
)

// Converters points at a configuration's default converter settings: the classes and the
// options of each (the keys after the prefix). Mirrors Kafka Connect's key.converter,
// value.converter and header.converter.
type Converters struct {
	Key, Value, Header                *string
	KeyProps, ValueProps, HeaderProps map[string]string
}

// Set applies key when it is one of the converter keys: a class (trimmed) or an option
// (kept as given). It reports whether key was a converter key.
func (c Converters) Set(key, v string) bool {
	switch key {
	case "key.converter":
		*c.Key = strings.TrimSpace(v)
	case "value.converter":
		*c.Value = strings.TrimSpace(v)
	case "header.converter":
		*c.Header = strings.TrimSpace(v)
	default:
		switch {
		case strings.HasPrefix(key, "key.converter."):
			c.KeyProps[strings.TrimPrefix(key, "key.converter.")] = v
		case strings.HasPrefix(key, "value.converter."):
			c.ValueProps[strings.TrimPrefix(key, "value.converter.")] = v
		case strings.HasPrefix(key, "header.converter."):
			c.HeaderProps[strings.TrimPrefix(key, "header.converter.")] = v
		default:
			return false
		}
	}
	return true
}
