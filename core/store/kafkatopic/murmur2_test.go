package kafkatopic

import (
	"fmt"
	"testing"

	"github.com/segmentio/kafka-go"
)

// Vectors from Apache Kafka's UtilsTest.testMurmur2 (clients/src/test/java/org/apache/kafka/
// common/utils/UtilsTest.java): the values Java's Utils.murmur2 returns.
func TestMurmur2JavaVectors(t *testing.T) {
	for _, c := range []struct {
		in   []byte
		want int32
	}{
		{[]byte("21"), -973932308},
		{[]byte("foobar"), -790332482},
		{[]byte("a-little-bit-long-string"), -985981536},
		{[]byte("a-little-bit-longer-string"), -1486304829},
		{[]byte("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8"), -58897971},
		{[]byte{'a', 'b', 'c'}, 479470107},
	} {
		if got := Murmur2(c.in); got != c.want {
			t.Errorf("Murmur2(%q) = %d, want %d", c.in, got, c.want)
		}
	}
}

// The partition of a key must be the one kafka-go's Murmur2Balancer (documented as Java
// compatible) picks, for every key length (all tail cases) and the topic sizes we use.
func TestPartitionForMatchesKafkaGoMurmur2Balancer(t *testing.T) {
	bal := kafka.Murmur2Balancer{Consistent: true}
	for _, n := range []int{1, 5, 25, 7} {
		parts := make([]int, n)
		for i := range parts {
			parts[i] = i
		}
		for i := range 500 {
			key := []byte(fmt.Sprintf(`["conn-%d",{"filename":"/tmp/%s.txt"}]`, i, string(make([]byte, i%7))))
			if got, want := PartitionFor(key, n), bal.Balance(kafka.Message{Key: key}, parts...); got != want {
				t.Fatalf("PartitionFor(%q, %d) = %d, kafka-go says %d", key, n, got, want)
			}
		}
	}
	if got := PartitionFor([]byte("x"), 0); got != 0 {
		t.Fatalf("PartitionFor with no partitions = %d, want 0", got)
	}
}

func BenchmarkPartitionFor(b *testing.B) {
	key := []byte(`["my-connector",{"filename":"/tmp/in.txt"}]`)
	for b.Loop() {
		PartitionFor(key, 25)
	}
}
