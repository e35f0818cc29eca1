package transform

import (
	"testing"

	"github.com/connectless/connectless/core/connect"
)

// Every SMT with replace.null.with.default reads an unset struct field as its default when
// true (the default) and as null when false.
func TestReplaceNullWithDefault(t *testing.T) {
	s := structSchema("n", &connect.Schema{Type: connect.TypeInt32, Optional: true, Default: int32(5)}, "k", sch(connect.TypeString))
	in := func() *connect.Record { return recS(nil, nil, s, newStruct(s, "k", "x")) }
	read := func(r *connect.Record) any {
		if st, ok := r.Value.(*connect.Struct); ok {
			v, _ := st.GetWithoutDefault("n")
			return v
		}
		return r.Value
	}
	for _, c := range []struct {
		class string
		props map[string]string
	}{
		{"InsertField$Value", map[string]string{"topic.field": "t"}},
		{"ReplaceField$Value", map[string]string{"exclude": "k"}},
		{"MaskField$Value", map[string]string{"fields": "k"}},
		{"Cast$Value", map[string]string{"spec": "k:string"}},
		{"TimestampConverter$Value", map[string]string{"field": "k", "target.type": "unix", "format": "yyyy"}},
		{"SetSchemaMetadata$Value", map[string]string{"schema.name": "x"}},
		{"ExtractField$Value", map[string]string{"field": "n"}},
		{"ValueToKey", map[string]string{"fields": "n"}},
		{"HeaderFrom$Value", map[string]string{"fields": "n", "headers": "h", "operation": "copy"}},
	} {
		for _, replace := range []bool{true, false} {
			props := map[string]string{}
			for k, v := range c.props {
				props[k] = v
			}
			if !replace {
				props["replace.null.with.default"] = "false"
			}
			tr := newT(t, c.class, props)
			r := in()
			if c.class == "TimestampConverter$Value" {
				// k is a string here: give it a parsable value.
				r = recS(nil, nil, s, newStruct(s, "k", "2024"))
			}
			out, err := tr.Apply(r)
			if err != nil {
				t.Fatalf("%s: %v", c.class, err)
			}
			var got any
			switch c.class {
			case "ValueToKey":
				st := out.Key.(*connect.Struct)
				got, _ = st.GetWithoutDefault("n")
			case "HeaderFrom$Value":
				h, _ := out.Headers.Last("h")
				got = h.Value
			default:
				got = read(out)
			}
			var want any
			if replace {
				want = int32(5)
			}
			if got != want {
				t.Errorf("%s replace=%v: n = %#v, want %#v", c.class, replace, got, want)
			}
		}
	}
}
