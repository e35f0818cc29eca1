package jsontree

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

func TestParseKeepsOrderAndLiterals(t *testing.T) {
	v, err := Parse([]byte(`{"z":1.50,"a":[true,null,"s"],"m":{"k":-0}} trailing`), 10)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, m := range v.Members {
		keys = append(keys, m.Key)
	}
	if !reflect.DeepEqual(keys, []string{"z", "a", "m"}) {
		t.Errorf("member order %v", keys)
	}
	if z := v.Get("z"); z.Kind != Number || z.Text != "1.50" {
		t.Errorf("z = %+v, want the literal 1.50", z)
	}
	if v.Get("m").Get("k").Text != "-0" || v.Get("nope") != nil || v.Str("a") != "" {
		t.Error("Get/Str")
	}
	want := map[string]any{"z": json.Number("1.50"), "a": []any{true, nil, "s"}, "m": map[string]any{"k": json.Number("-0")}}
	if !reflect.DeepEqual(v.Any(), want) {
		t.Errorf("Any = %#v", v.Any())
	}
}

func TestParseLimitsDepth(t *testing.T) {
	if _, err := Parse([]byte(`[[[1]]]`), 2); !errors.Is(err, ErrTooDeep) {
		t.Errorf("depth 3 with limit 2: %v", err)
	}
	if _, err := Parse([]byte(`[[[1]]]`), 3); err != nil {
		t.Errorf("depth 3 with limit 3: %v", err)
	}
	if _, err := Parse([]byte(`{"a":`), 3); err == nil {
		t.Error("truncated JSON accepted")
	}
}
