package connect

import "github.com/connectless/connectless/core/connect/internal/javanum"

// formatDouble renders f as Java's Double.toString does (100.0, 0.001, 1.0E7, 4.9E-324), for
// config values; connectors and converters use javacompat.FormatDouble, the same digits.
func formatDouble(f float64) string {
	var buf [32]byte
	return string(javanum.AppendDouble(buf[:0], f))
}

// formatFloat renders f as Java's Float.toString does (1.4E-45, 1.0E10).
func formatFloat(f float32) string {
	var buf [32]byte
	return string(javanum.AppendFloat(buf[:0], f))
}
