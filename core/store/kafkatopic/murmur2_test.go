package kafkatopic

import "testing"

// The murmur2 values of Apache Kafka's UtilsTest.testMurmur2 (clients/src/test/java/org/
// apache/kafka/common/utils/UtilsTest.java); the default partitioner picks
// toPositive(murmur2(key)) % partitions.
func TestPartitionForJavaVectors(t *testing.T) {
	for _, c := range []struct {
		in      []byte
		murmur2 int32
	}{
		{[]byte("21"), -973932308},
		{[]byte("foobar"), -790332482},
		{[]byte("a-little-bit-long-string"), -985981536},
		{[]byte("a-little-bit-longer-string"), -1486304829},
		{[]byte("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8"), -58897971},
		{[]byte{'a', 'b', 'c'}, 479470107},
	} {
		for _, n := range []int{1, 5, 7, 25, 50} {
			want := int(uint32(c.murmur2)&0x7fffffff) % n
			if got := PartitionFor(c.in, n); got != want {
				t.Errorf("PartitionFor(%q, %d) = %d, want %d", c.in, n, got, want)
			}
		}
	}
	if got := PartitionFor([]byte("x"), 0); got != 0 {
		t.Fatalf("PartitionFor with no partitions = %d, want 0", got)
	}
}
