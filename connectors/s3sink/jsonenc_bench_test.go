package s3sink

import "testing"

// BenchmarkAppendJSONString escapes the strings of a typical log line.
func BenchmarkAppendJSONString(b *testing.B) {
	strs := []string{"2024-05-01T12:34:56.789Z", "INFO", "checkout", "checkout-7", "4bf92f3577b34da6",
		"request served a b c d e f g h i j k l m n o p q r s t u v w x y z a b c d e f g h i j k l m n o p"}
	buf := make([]byte, 0, 512)
	b.ReportAllocs()
	for b.Loop() {
		buf = buf[:0]
		for _, s := range strs {
			buf = appendJSONString(buf, s)
		}
	}
}
