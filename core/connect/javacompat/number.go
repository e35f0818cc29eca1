package javacompat

import (
	"math"

	"github.com/connectless/connectless/core/connect/internal/javanum"
)

// AppendDouble appends Java's Double.toString(f) as JDK 19 and later print it (Raffaello
// Giulietti's algorithm, JDK-4511638): the decimal of fewest digits, but at least two, that
// rounds to f, and of those the one closest to f. Kafka 3.9's own container images run JDK 21,
// so this is what their workers print. JDK 18 and earlier print more digits than needed for
// some doubles (1.0E23 as 9.999999999999999E22) and the two-digit subnormals differently
// (2×Double.MIN_VALUE as 1.0E-323 where JDK 19+ prints 9.9E-324).
//
// Layout: NaN, Infinity, -Infinity, 0.0, -0.0; plain with at least one fractional digit when
// 10^-3 <= |f| < 10^7 (100.0, 0.001); else d.dddE±n (1.0E7, 1.0E-4, 4.9E-324).
func AppendDouble(b []byte, f float64) []byte { return javanum.AppendDouble(b, f) }

// AppendFloat appends Java's Float.toString(f), by AppendDouble's rules over float
// (Float.MIN_VALUE is 1.4E-45, 1.0E10f is 1.0E10).
func AppendFloat(b []byte, f float32) []byte { return javanum.AppendFloat(b, f) }

// FormatDouble returns Java's Double.toString(f); see AppendDouble.
func FormatDouble(f float64) string {
	var buf [32]byte
	return string(AppendDouble(buf[:0], f))
}

// FormatFloat returns Java's Float.toString(f); see AppendFloat.
func FormatFloat(f float32) string {
	var buf [32]byte
	return string(AppendFloat(buf[:0], f))
}

// AppendJSONDouble appends f as Jackson writes a double: Double.toString, with NaN and the
// infinities quoted ("NaN", "Infinity", "-Infinity"; WRITE_NAN_AS_STRINGS is on by default).
func AppendJSONDouble(b []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(AppendDouble(append(b, '"'), f), '"')
	}
	return AppendDouble(b, f)
}

// AppendJSONFloat appends f as Jackson writes a float: Float.toString, NaN and infinities
// quoted.
func AppendJSONFloat(b []byte, f float32) []byte {
	if math.IsNaN(float64(f)) || math.IsInf(float64(f), 0) {
		return append(AppendFloat(append(b, '"'), f), '"')
	}
	return AppendFloat(b, f)
}
