package javacompat

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// Vectors verified against java.util.HashMap on JDK 17 and JDK 25.
func TestHashMapOrder(t *testing.T) {
	split := func(s string) []string { return strings.Split(s, ",") }
	tests := []struct {
		name string
		got  []string
		want string
	}{
		{"default log", HashMapOrder(split("timestamp,level,message,service,host,trace_id")), "trace_id,level,service,host,message,timestamp"},
		{"copy+topic jdk17", HashMapCopyOrder(append(split("trace_id,level,service,host,message,timestamp"), "topic"), JDK17), "trace_id,level,service,host,topic,message,timestamp"},
		{"copy only jdk17", HashMapCopyOrder(split("trace_id,level,service,host,message,timestamp"), JDK17), "trace_id,level,service,host,message,timestamp"},
		{"copy only jdk25", HashMapCopyOrder(split("trace_id,level,service,host,message,timestamp"), JDK21), "host,trace_id,message,level,service,timestamp"},
		{"sized 6", HashMapSizedOrder(6, split("timestamp,level,message,service,host,trace_id")), "host,trace_id,message,level,service,timestamp"},
		{"b,a,c", HashMapOrder(split("b,a,c,id,name,ts")), "a,b,c,name,id,ts"},
		{"id,name", HashMapOrder(split("id,name,email,created_at")), "name,created_at,id,email"},
		{"12 keys", HashMapOrder(split("a1,b2,c3,d4,e5,f6,g7,h8,i9,j10,k11,l12")), "j10,k11,l12,a1,b2,c3,d4,e5,f6,g7,h8,i9"},
		{"12 keys copy jdk17", HashMapCopyOrder(split("j10,k11,l12,a1,b2,c3,d4,e5,f6,g7,h8,i9"), JDK17), "j10,k11,l12,b2,d4,f6,h8,a1,c3,e5,g7,i9"},
		{"12 keys copy jdk25", HashMapCopyOrder(split("j10,k11,l12,a1,b2,c3,d4,e5,f6,g7,h8,i9"), JDK21), "j10,k11,l12,a1,b2,c3,d4,e5,f6,g7,h8,i9"},
	}
	for _, tt := range tests {
		if !reflect.DeepEqual(tt.got, split(tt.want)) {
			t.Errorf("%s: got %s, want %s", tt.name, strings.Join(tt.got, ","), tt.want)
		}
	}
}

func TestStringHash(t *testing.T) {
	for s, want := range map[string]int32{"": 0, "a": 97, "hello": 99162322, "timestamp": 55126294, "😀": 0xD83D*31 + 0xDE00} {
		if got := StringHash(s); got != want {
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
	if StringHash(crowd[3]) != StringHash(crowd[12]) {
		t.Fatal("crowd keys do not collide")
	}
	sets = append(sets, crowd)
	for _, ks := range sets {
		want := HashMapOrder(ks)
		if got := hashOrder(ks); !reflect.DeepEqual(got, want) {
			t.Fatalf("hashOrder(%v)\n got %v\nwant %v", ks, got, want)
		}
	}
}

// A java.util.HashMap<Integer, String> filled with 16, 6, 1 prints
// {16=hello16, 1=hello1, 6=hello6}, and with 15, 6, 1 prints {1=hello1, 6=hello6, 15=hello15}
// (the output quoted in Stack Overflow question 47357126, "Why does a HashMap sometimes print
// in natural order?").
func TestHashMapOrderIntegerKeys(t *testing.T) {
	for _, tt := range []struct {
		m    map[any]any
		want string
	}{
		{map[any]any{int32(16): "hello16", int32(6): "hello6", int32(1): "hello1"}, "{16=hello16, 1=hello1, 6=hello6}"},
		{map[any]any{int32(15): "hello15", int32(6): "hello6", int32(1): "hello1"}, "{1=hello1, 6=hello6, 15=hello15}"},
	} {
		if got := ToString(tt.m); got != tt.want {
			t.Errorf("ToString = %s, want %s", got, tt.want)
		}
	}
}

func TestHashCodeBoxed(t *testing.T) {
	// Values of Java's hashCode: Long.hashCode(1L<<32) = 1, Boolean.TRUE 1231, FALSE 1237,
	// Double.hashCode(1.0) = 1072693248, Float.hashCode(1.0f) = 1065353216.
	for _, tt := range []struct {
		k    any
		want int32
	}{
		{int64(1) << 32, 1}, {true, 1231}, {false, 1237}, {1.0, 1072693248}, {float32(1), 1065353216}, {int8(-3), -3},
	} {
		if got := HashCode(tt.k); got != tt.want {
			t.Errorf("HashCode(%#v) = %d, want %d", tt.k, got, tt.want)
		}
	}
	if StringHash([]byte("hello")) != StringHash("hello") {
		t.Error("StringHash of bytes differs from the string's")
	}
}

// Key orders of java.util.HashMap offsets that Kafka Connect wrote to connect-offsets, as
// published: Debezium PostgreSQL's offset in Timescale's Debezium tutorial, and the JDBC source
// connector's in Robin Moffatt's "Reset Kafka Connect Source Connector Offsets". Different
// buckets, so insertion order does not matter and sorted insertion gives the same order.
func TestSortedHashMapOrderPublishedOffsets(t *testing.T) {
	for _, tt := range []struct{ keys, want string }{
		{"last_snapshot_record,lsn,snapshot,snapshot_completed,ts_usec,txId", "last_snapshot_record,lsn,txId,ts_usec,snapshot,snapshot_completed"},
		{"timestamp,timestamp_nanos", "timestamp_nanos,timestamp"},
	} {
		if got := strings.Join(SortedHashMapOrder(strings.Split(tt.keys, ",")), ","); got != tt.want {
			t.Errorf("SortedHashMapOrder(%s) = %s, want %s", tt.keys, got, tt.want)
		}
	}
}
