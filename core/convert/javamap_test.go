package convert

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// Vectors verified against java.util.HashMap (JDK 17 and 25), s3-sink-smt.md §6.6.
func TestJavaHashMapOrder(t *testing.T) {
	split := func(s string) []string { return strings.Split(s, ",") }
	tests := []struct {
		name string
		got  []string
		want string
	}{
		{"default log", JavaHashMapOrder(split("timestamp,level,message,service,host,trace_id")), "trace_id,level,service,host,message,timestamp"},
		{"copy+topic jdk17", JavaHashMapCopyOrder(append(split("trace_id,level,service,host,message,timestamp"), "topic"), JDK17), "trace_id,level,service,host,topic,message,timestamp"},
		{"copy only jdk17", JavaHashMapCopyOrder(split("trace_id,level,service,host,message,timestamp"), JDK17), "trace_id,level,service,host,message,timestamp"},
		{"copy only jdk25", JavaHashMapCopyOrder(split("trace_id,level,service,host,message,timestamp"), JDK21), "host,trace_id,message,level,service,timestamp"},
		{"sized 6", JavaHashMapSizedOrder(6, split("timestamp,level,message,service,host,trace_id")), "host,trace_id,message,level,service,timestamp"},
		{"b,a,c", JavaHashMapOrder(split("b,a,c,id,name,ts")), "a,b,c,name,id,ts"},
		{"id,name", JavaHashMapOrder(split("id,name,email,created_at")), "name,created_at,id,email"},
		{"12 keys", JavaHashMapOrder(split("a1,b2,c3,d4,e5,f6,g7,h8,i9,j10,k11,l12")), "j10,k11,l12,a1,b2,c3,d4,e5,f6,g7,h8,i9"},
		{"12 keys copy jdk17", JavaHashMapCopyOrder(split("j10,k11,l12,a1,b2,c3,d4,e5,f6,g7,h8,i9"), JDK17), "j10,k11,l12,b2,d4,f6,h8,a1,c3,e5,g7,i9"},
		{"12 keys copy jdk25", JavaHashMapCopyOrder(split("j10,k11,l12,a1,b2,c3,d4,e5,f6,g7,h8,i9"), JDK21), "j10,k11,l12,a1,b2,c3,d4,e5,f6,g7,h8,i9"},
	}
	for _, tt := range tests {
		if !reflect.DeepEqual(tt.got, split(tt.want)) {
			t.Errorf("%s: got %s, want %s", tt.name, strings.Join(tt.got, ","), tt.want)
		}
	}
}

func TestJavaStringHash(t *testing.T) {
	for s, want := range map[string]int32{"": 0, "a": 97, "hello": 99162322, "timestamp": 55126294, "😀": 0xD83D*31 + 0xDE00} {
		if got := JavaStringHash(s); got != want {
			t.Errorf("hash(%q) = %d, want %d", s, got, want)
		}
	}
}

// TestHashOrderMatchesTable checks the fast ordering against the table emulation, including
// maps large enough to resize and buckets crowded enough to trigger treeifyBin's resize.
func TestHashOrderMatchesTable(t *testing.T) {
	var sets [][]string
	for n := 1; n <= 200; n += 7 {
		var ks []string
		for i := range n {
			ks = append(ks, fmt.Sprintf("k%d", i*31))
		}
		sets = append(sets, ks)
	}
	// ten keys with one hash ("Aa" and "BB" hash alike), so one bucket reaches 9 entries and
	// treeifyBin resizes the table twice, plus ordinary keys around them.
	crowd := []string{"x", "y", "level"}
	for m := range 10 {
		var b strings.Builder
		for bit := range 4 {
			if m>>bit&1 == 1 {
				b.WriteString("Aa")
			} else {
				b.WriteString("BB")
			}
		}
		crowd = append(crowd, b.String())
	}
	if JavaStringHash(crowd[3]) != JavaStringHash(crowd[12]) {
		t.Fatal("crowd keys do not collide")
	}
	sets = append(sets, crowd)
	for _, ks := range sets {
		want := JavaHashMapOrder(ks)
		if got := hashOrder(ks); !reflect.DeepEqual(got, want) {
			t.Fatalf("hashOrder(%v)\n got %v\nwant %v", ks, got, want)
		}
	}
}
