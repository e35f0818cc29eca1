package kafkatopic

// Murmur2 is the murmur2 hash of Apache Kafka's Java client (org.apache.kafka.common.utils.Utils.murmur2),
// returned as the signed 32-bit value Java computes.
func Murmur2(data []byte) int32 {
	const (
		seed uint32 = 0x9747b28c
		m    uint32 = 0x5bd1e995
		r           = 24
	)
	length := len(data)
	h := seed ^ uint32(length)
	n := length / 4
	for i := range n {
		i4 := i * 4
		k := uint32(data[i4]) | uint32(data[i4+1])<<8 | uint32(data[i4+2])<<16 | uint32(data[i4+3])<<24
		k *= m
		k ^= k >> r
		k *= m
		h *= m
		h ^= k
	}
	tail := data[n*4:]
	switch len(tail) {
	case 3:
		h ^= uint32(tail[2]) << 16
		fallthrough
	case 2:
		h ^= uint32(tail[1]) << 8
		fallthrough
	case 1:
		h ^= uint32(tail[0])
		h *= m
	}
	h ^= h >> 13
	h *= m
	h ^= h >> 15
	return int32(h)
}

// PartitionFor returns the partition Kafka's Java default partitioner picks for a non-null key
// among n partitions: toPositive(murmur2(key)) % n.
func PartitionFor(key []byte, n int) int {
	if n <= 0 {
		return 0
	}
	return int(uint32(Murmur2(key))&0x7fffffff) % n
}
