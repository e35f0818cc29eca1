package transform

import "testing"

func TestSmokeInsertField(t *testing.T) {
	tr := newT(t, "InsertField$Value", map[string]string{"topic.field": "t", "static.field": "s", "static.value": "v"})
	in := map[string]any{"a": int64(1)}
	out, err := tr.Apply(rec(nil, in))
	if err != nil {
		t.Fatal(err)
	}
	equalValue(t, "value", out.Value, map[string]any{"a": int64(1), "t": "orders", "s": "v"})
	equalValue(t, "input", in, map[string]any{"a": int64(1)})
}
