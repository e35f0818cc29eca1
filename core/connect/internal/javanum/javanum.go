package javanum

import (
	"math"
	"strconv"
)

// AppendDouble appends Double.toString(f) as JDK 19 and later print it (Raffaello Giulietti's
// algorithm, JDK-4511638): the decimal of fewest digits, but at least two, that rounds to f,
// and of those the closest to f. Kafka 3.9's container images run JDK 21, so this is what
// their Connect workers print. JDK 17 and earlier print the same digits for every double
// except some that need 16 or 17 digits (where they may print an extra, needless digit) and
// the smallest subnormals (2×Double.MIN_VALUE: "1.0E-323" there, "9.9E-324" here).
//
// Layout: NaN, Infinity, -Infinity, 0.0, -0.0; plain notation with at least one fractional
// digit when 10^-3 <= |f| < 10^7 (100.0, 0.001); else "d.dddE±n" (1.0E7, 1.0E-4).
func AppendDouble(b []byte, f float64) []byte { return appendJava(b, f, 64) }

// AppendFloat appends Float.toString(f), by the same rules over float (Float.MIN_VALUE is
// "1.4E-45").
func AppendFloat(b []byte, f float32) []byte { return appendJava(b, float64(f), 32) }

func appendJava(b []byte, f float64, bits int) []byte {
	switch {
	case math.IsNaN(f):
		return append(b, "NaN"...)
	case math.IsInf(f, 1):
		return append(b, "Infinity"...)
	case math.IsInf(f, -1):
		return append(b, "-Infinity"...)
	case f == 0:
		if math.Signbit(f) {
			return append(b, "-0.0"...)
		}
		return append(b, "0.0"...)
	}
	if f < 0 {
		b = append(b, '-')
		f = -f
	}
	var buf [32]byte
	digits, exp := shortest(buf[:0], f, bits)
	if len(digits) == 1 && subnormal(f, bits) {
		// Java keeps two digits when one suffices, choosing the two-digit decimal closest to
		// f; where doubles are far apart (subnormals) that is not always the one digit
		// followed by a zero. Elsewhere it is, and the layout below adds that zero.
		digits, exp = closestTwoDigits(buf[:0], f, bits)
	}
	if exp >= -3 && exp < 7 {
		point := exp + 1 // digits before the decimal point
		switch {
		case point <= 0:
			b = append(b, '0', '.')
			for range -point {
				b = append(b, '0')
			}
			return append(b, digits...)
		case point >= len(digits):
			b = append(b, digits...)
			for range point - len(digits) {
				b = append(b, '0')
			}
			return append(b, '.', '0')
		}
		b = append(b, digits[:point]...)
		b = append(b, '.')
		return append(b, digits[point:]...)
	}
	b = append(b, digits[0], '.')
	if len(digits) > 1 {
		b = append(b, digits[1:]...)
	} else {
		b = append(b, '0')
	}
	b = append(b, 'E')
	return strconv.AppendInt(b, int64(exp), 10)
}

// subnormal reports whether f (positive) is below the smallest normal value of its type.
func subnormal(f float64, bits int) bool {
	if bits == 32 {
		return f < 0x1p-126
	}
	return f < 0x1p-1022
}

// shortest returns the significant digits of the shortest decimal that rounds to f (the
// closest such when several have that length), and the decimal exponent of the first digit.
// strconv's shortest formatting (Ryū) picks exactly that decimal.
func shortest(buf []byte, f float64, bits int) (digits []byte, exp int) {
	return splitE(strconv.AppendFloat(buf, f, 'e', -1, bits))
}

// closestTwoDigits returns the two-digit decimal closest to f, f being subnormal. It rounds
// to f: a one-digit decimal does, and the closest two-digit one is no farther from f, while
// the doubles around a subnormal are equally spaced, so f's rounding interval is symmetric.
func closestTwoDigits(buf []byte, f float64, bits int) ([]byte, int) {
	return splitE(strconv.AppendFloat(buf, f, 'e', 1, bits))
}

// splitE splits strconv's 'e' form d[.ddd]e±xx into its digits (trailing zeros dropped) and
// exponent. The digits reuse s.
func splitE(s []byte) ([]byte, int) {
	i := 0
	for s[i] != 'e' {
		i++
	}
	mant, e := s[:i], s[i+1:]
	exp := 0
	neg := e[0] == '-'
	for _, c := range e[1:] {
		exp = exp*10 + int(c-'0')
	}
	if neg {
		exp = -exp
	}
	digits := mant[:1]
	if len(mant) > 2 {
		digits = append(digits, mant[2:]...) // shifts left over the point, in place
	}
	for len(digits) > 1 && digits[len(digits)-1] == '0' {
		digits = digits[:len(digits)-1]
	}
	return digits, exp
}
