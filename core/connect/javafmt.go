package connect

import (
	"math"
	"strconv"
	"strings"
)

// FormatDouble renders f as Java's Double.toString does (shortest round-trip digits, plain
// notation for 1e-3 <= |f| < 1e7 with at least one fractional digit, else "d.dddE±n"),
// which is also how Jackson writes a double: 100.0, 0.001, 1.0E7, 1.0E-4, -0.0, NaN, Infinity.
func FormatDouble(f float64) string { return formatJava(f, 64) }

// FormatFloat renders f as Java's Float.toString does (float32 shortest digits, same layout
// as FormatDouble).
func FormatFloat(f float32) string { return formatJava(float64(f), 32) }

func formatJava(f float64, bits int) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0:
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	if math.Abs(f) == math.SmallestNonzeroFloat64 && bits == 64 {
		// Java keeps two digits for the smallest subnormal.
		if f < 0 {
			return "-4.9E-324"
		}
		return "4.9E-324"
	}
	// digits and decimal exponent from the shortest representation.
	e := strconv.FormatFloat(f, 'e', -1, bits) // -d.dddde±xx
	neg := e[0] == '-'
	if neg {
		e = e[1:]
	}
	mant, expS, _ := strings.Cut(e, "e")
	exp, _ := strconv.Atoi(expS)
	digits := strings.Replace(mant, ".", "", 1)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	abs := math.Abs(f)
	if abs >= 1e-3 && abs < 1e7 {
		// plain notation: point after exp+1 digits.
		point := exp + 1
		switch {
		case point <= 0:
			b.WriteString("0.")
			b.WriteString(strings.Repeat("0", -point))
			b.WriteString(digits)
		case point >= len(digits):
			b.WriteString(digits)
			b.WriteString(strings.Repeat("0", point-len(digits)))
			b.WriteString(".0")
		default:
			b.WriteString(digits[:point])
			b.WriteByte('.')
			b.WriteString(digits[point:])
		}
		return b.String()
	}
	b.WriteByte(digits[0])
	b.WriteByte('.')
	if len(digits) > 1 {
		b.WriteString(digits[1:])
	} else {
		b.WriteByte('0')
	}
	b.WriteByte('E')
	b.WriteString(strconv.Itoa(exp))
	return b.String()
}
