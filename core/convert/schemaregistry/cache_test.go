package schemaregistry

import (
	"errors"
	"testing"

	"github.com/connectless/connectless/core/connect"
)

func TestWritersCompileOncePerText(t *testing.T) {
	w := NewWriters[string](10)
	compiles := 0
	fail := errors.New("bad schema")
	get := func(s *connect.Schema) (string, error) {
		return w.Get(s, func() (string, error) { return s.Name, nil }, func(text string) (string, error) {
			compiles++
			if text == "bad" {
				return "", fail
			}
			return "compiled " + text, nil
		})
	}
	a1, a2 := &connect.Schema{Name: "a"}, &connect.Schema{Name: "a"} // rebuilt: same shape, new pointer
	for _, s := range []*connect.Schema{a1, a1, a2} {
		if got, err := get(s); err != nil || got != "compiled a" {
			t.Fatalf("Get(a) = %q, %v", got, err)
		}
	}
	if compiles != 1 {
		t.Errorf("compiled %d times for one text, want 1", compiles)
	}
	bad := &connect.Schema{Name: "bad"}
	for range 2 {
		if _, err := get(bad); !errors.Is(err, fail) {
			t.Fatalf("Get(bad) error = %v, want %v", err, fail)
		}
	}
	if compiles != 3 {
		t.Errorf("compiled %d times, want a failed compile not cached (3)", compiles)
	}
}
