package connect

import "testing"

func TestSchemaEqual(t *testing.T) {
	str := func() *Schema { return &Schema{Type: TypeString, Optional: true} }
	withDefault := func(d any) *Schema { s := str(); s.Default = d; return s }
	tests := []struct {
		name string
		a, b *Schema
		want bool
	}{
		{"both nil", nil, nil, true},
		{"one nil", str(), nil, false},
		{"same fields, two pointers", str(), str(), true},
		{"default on one side only", withDefault("x"), str(), false},
		{"default on the other side only", str(), withDefault("x"), false},
		{"same default", withDefault("x"), withDefault("x"), true},
		{"other default", withDefault("x"), withDefault("y"), false},
		{"non-comparable defaults print alike", withDefault([]byte("ab")), withDefault([]byte("ab")), true},
		{"other type", str(), &Schema{Type: TypeBytes, Optional: true}, false},
		{"struct fields differ", &Schema{Type: TypeStruct, Fields: []Field{{Name: "a", Schema: str()}}},
			&Schema{Type: TypeStruct, Fields: []Field{{Name: "b", Schema: str()}}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.a.Equal(tt.b); got != tt.want {
				t.Errorf("Equal = %v, want %v", got, tt.want)
			}
		})
	}
}

// BenchmarkSchemaEqual compares two separately built optional bytes schemas, as a sink does
// for every record of ByteArrayConverter.
func BenchmarkSchemaEqual(b *testing.B) {
	x, y := &Schema{Type: TypeBytes, Optional: true}, &Schema{Type: TypeBytes, Optional: true}
	b.ReportAllocs()
	for b.Loop() {
		if !x.Equal(y) {
			b.Fatal("not equal")
		}
	}
}
