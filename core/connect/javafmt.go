package connect

import "github.com/connectless/connectless/core/connect/internal/javanum"

// FormatDouble renders f as Java's Double.toString does (100.0, 0.001, 1.0E7, 4.9E-324).
//
// Deprecated: use javacompat.FormatDouble, which documents the JDK behaviour it follows.
func FormatDouble(f float64) string {
	var buf [32]byte
	return string(javanum.AppendDouble(buf[:0], f))
}

// FormatFloat renders f as Java's Float.toString does (1.4E-45, 1.0E10).
//
// Deprecated: use javacompat.FormatFloat.
func FormatFloat(f float32) string {
	var buf [32]byte
	return string(javanum.AppendFloat(buf[:0], f))
}
