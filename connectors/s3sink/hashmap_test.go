package s3sink

import (
	"slices"
	"strings"
	"testing"
)

// Vectors verified on JDK 17 and 25 (spec §6.6), new HashMap<>() filled in insertion order.
func TestJavaHashMapOrder(t *testing.T) {
	tests := []struct{ in, want string }{
		{"timestamp,level,message,service,host,trace_id", "trace_id,level,service,host,message,timestamp"},
		{"b,a,c,id,name,ts", "a,b,c,name,id,ts"},
		{"id,name,email,created_at", "name,created_at,id,email"},
		{"a1,b2,c3,d4,e5,f6,g7,h8,i9,j10,k11,l12", "j10,k11,l12,a1,b2,c3,d4,e5,f6,g7,h8,i9"},
		{"x", "x"},
	}
	for _, tt := range tests {
		got := strings.Join(javaHashMapOrder(strings.Split(tt.in, ",")), ",")
		if got != tt.want {
			t.Errorf("order(%s) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestJavaHashMapOrderGrows(t *testing.T) {
	// 13 keys exceed the threshold of 12: capacity 32. Order must still be a permutation.
	var keys []string
	for i := range 40 {
		keys = append(keys, "k"+strings.Repeat("x", i%5)+string(rune('a'+i%26)))
	}
	keys = slices.Compact(keys)
	got := javaHashMapOrder(keys)
	if len(got) != len(keys) {
		t.Fatalf("len %d, want %d", len(got), len(keys))
	}
	s1, s2 := slices.Clone(got), slices.Clone(keys)
	slices.Sort(s1)
	slices.Sort(s2)
	if !slices.Equal(s1, s2) {
		t.Fatalf("not a permutation: %v", got)
	}
}
