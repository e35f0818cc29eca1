package workerprops

import (
	"errors"
	"testing"
	"time"
)

var errTest = errors.New("test sentinel")

func TestMillis(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
		bad  bool
	}{
		{"1500", 1500 * time.Millisecond, false},
		{" 7 ", 7 * time.Millisecond, false},
		{"0", 0, true},
		{"-3", 0, true},
		{"1s", 0, true},
	} {
		p := NewProblems(errTest)
		got := p.Millis("k.ms", tc.in)
		if got != tc.want {
			t.Errorf("Millis(%q) = %v, want %v", tc.in, got, tc.want)
		}
		if err := p.Err(); (err != nil) != tc.bad || (err != nil && !errors.Is(err, errTest)) {
			t.Errorf("Millis(%q) error = %v, want bad=%v wrapping the sentinel", tc.in, err, tc.bad)
		}
	}
}

func TestConvertersSet(t *testing.T) {
	var key, value, header string
	c := Converters{Key: &key, Value: &value, Header: &header,
		KeyProps: map[string]string{}, ValueProps: map[string]string{}, HeaderProps: map[string]string{}}
	for _, tc := range []struct {
		key, v string
		want   bool
	}{
		{"key.converter", " K ", true},
		{"value.converter", "V", true},
		{"header.converter", "H", true},
		{"key.converter.schemas.enable", " false", true},
		{"value.converter.x", "1", true},
		{"header.converter.y", "2", true},
		{"key.converterx", "z", false},
		{"bootstrap.servers", "b", false},
	} {
		if got := c.Set(tc.key, tc.v); got != tc.want {
			t.Errorf("Set(%q) = %v, want %v", tc.key, got, tc.want)
		}
	}
	if key != "K" || value != "V" || header != "H" {
		t.Errorf("classes = %q %q %q, want K V H", key, value, header)
	}
	if c.KeyProps["schemas.enable"] != " false" || c.ValueProps["x"] != "1" || c.HeaderProps["y"] != "2" {
		t.Errorf("options = %v %v %v", c.KeyProps, c.ValueProps, c.HeaderProps)
	}
}

func TestSplitList(t *testing.T) {
	got := SplitList(" a, ,b ,")
	if len(got) != 2 || got[0] != "a" || got[1] != "b" {
		t.Errorf("SplitList = %q, want [a b]", got)
	}
	if got := SplitList(" , "); got != nil {
		t.Errorf("SplitList of blanks = %q, want nil", got)
	}
}
