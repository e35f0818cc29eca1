package kafkatopic

import "github.com/segmentio/kafka-go"

// PartitionFor returns the partition Kafka's Java default partitioner picks for a non-null key
// among n partitions, toPositive(murmur2(key)) % n, as kafka-go's Murmur2Balancer computes it.
func PartitionFor(key []byte, n int) int {
	if n <= 0 {
		return 0
	}
	parts := make([]int, n)
	for i := range parts {
		parts[i] = i
	}
	return kafka.Murmur2Balancer{Consistent: true}.Balance(kafka.Message{Key: key}, parts...)
}
