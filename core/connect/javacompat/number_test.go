package javacompat

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// Expected values are Java's own output, with the source named per group.
func TestFormatDoubleJava(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		// JDK javadoc of the Double constants: MAX_VALUE, MIN_NORMAL, MIN_VALUE.
		{math.MaxFloat64, "1.7976931348623157E308"},
		{0x1p-1022, "2.2250738585072014E-308"},
		{math.SmallestNonzeroFloat64, "4.9E-324"},
		// JDK 19 release note for JDK-4511638 (Double.toString now prints the shortest
		// decimal): 2e23 was printed 1.9999999999999998E23, and 2×Double.MIN_VALUE
		// (1.0E-323 before) is 9.9E-324. Trino's TestJsonFunctions expects the same
		// 9.9E-324 for CAST(1e-323 AS JSON) on JDK >= 19.
		{2e23, "2.0E23"},
		{2 * math.SmallestNonzeroFloat64, "9.9E-324"},
		// JDK-4511638's report: 1.0E23 and 9.999999999999999E22 are one double.
		{1e23, "1.0E23"},
		// "Java Doesn't Print The Shortest Strings That Round-Trip" (exploringbinary.com):
		// Java's output for d += 0.1, ten times.
		{tenths(3), "0.30000000000000004"},
		{tenths(8), "0.7999999999999999"},
		{tenths(10), "0.9999999999999999"},
		// Double.toString javadoc layout: plain for 10^-3 <= |d| < 10^7, else
		// computerized scientific notation; at least one fractional digit.
		{100, "100.0"},
		{0.001, "0.001"},
		{1e-4, "1.0E-4"},
		{9999999, "9999999.0"},
		{1e7, "1.0E7"},
		{-1e7, "-1.0E7"},
		{1234567890123456, "1.234567890123456E15"},
		{12345678.9, "1.23456789E7"},
		{9999999.999, "9999999.999"},
		{-2.5, "-2.5"},
		{1.0 / 3, "0.3333333333333333"},
		{math.Copysign(0, -1), "-0.0"},
		{0, "0.0"},
		{math.NaN(), "NaN"},
		{math.Inf(1), "Infinity"},
		{math.Inf(-1), "-Infinity"},
	}
	for _, tt := range tests {
		if got := FormatDouble(tt.in); got != tt.want {
			t.Errorf("FormatDouble(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFormatFloatJava(t *testing.T) {
	tests := []struct {
		in   float32
		want string
	}{
		// JDK javadoc of the Float constants: MAX_VALUE, MIN_VALUE.
		{math.MaxFloat32, "3.4028235E38"},
		{math.SmallestNonzeroFloat32, "1.4E-45"},
		{1e10, "1.0E10"},
		{0.1, "0.1"},
		{1.5, "1.5"},
		{12345678, "1.2345678E7"},
		{float32(math.Inf(-1)), "-Infinity"},
	}
	for _, tt := range tests {
		if got := FormatFloat(tt.in); got != tt.want {
			t.Errorf("FormatFloat(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// The subnormals where Java's digits are not strconv's shortest ones: JDK 25's complete list,
// found by running Double.toString and Float.toString over every subnormal bit pattern (as
// published with the ryu-based Java formatter of the "jvmrs" project, F64/F32 overrides).
// Every other subnormal in the scanned range must print strconv's shortest digits.
func TestSubnormalsJava(t *testing.T) {
	doubles := map[uint64]string{
		0x01: "4.9E-324", 0x02: "9.9E-324", 0x0a: "4.9E-323", 0x0c: "5.9E-323",
		0x0e: "6.9E-323", 0x10: "7.9E-323", 0x12: "8.9E-323", 0x14: "9.9E-323",
	}
	floats := map[uint32]string{
		0x01: "1.4E-45", 0x02: "2.8E-45", 0x03: "4.2E-45", 0x04: "5.6E-45", 0x06: "8.4E-45",
		0x07: "9.8E-45", 0x15: "2.9E-44", 0x1d: "4.1E-44", 0x47: "9.9E-44",
	}
	for bits := uint64(1); bits <= 20000; bits++ {
		f := math.Float64frombits(bits)
		want, special := doubles[bits]
		if !special {
			want = javaLayout(strconv.FormatFloat(f, 'e', -1, 64))
		}
		if got := FormatDouble(f); got != want {
			t.Fatalf("FormatDouble(bits %#x) = %q, want %q", bits, got, want)
		}
		if got := FormatDouble(-f); got != "-"+want {
			t.Fatalf("FormatDouble(-bits %#x) = %q, want -%q", bits, got, want)
		}
	}
	for bits := uint32(1); bits <= 20000; bits++ {
		f := math.Float32frombits(bits)
		want, special := floats[bits]
		if !special {
			want = javaLayout(strconv.FormatFloat(float64(f), 'e', -1, 32))
		}
		if got := FormatFloat(f); got != want {
			t.Fatalf("FormatFloat(bits %#x) = %q, want %q", bits, got, want)
		}
	}
}

// javaLayout turns strconv's d[.ddd]e-xx of a value below 10^-3 into Java's d.dddE-xx.
func javaLayout(e string) string {
	mant, exp, _ := strings.Cut(e, "e")
	if len(mant) == 1 {
		mant += ".0"
	}
	n, _ := strconv.Atoi(exp)
	return mant + "E" + strconv.Itoa(n)
}

// tenths adds 0.1 n times at run time, as the Java loop does (a Go constant sum is exact).
func tenths(n int) float64 {
	d := 0.0
	for range n {
		d += 0.1
	}
	return d
}

// For every double Java prints the decimal of the fewest digits (at least two) that rounds to
// it and, of those, the closest: the correctly rounded n-digit decimal when it round-trips.
// Checked here on random doubles of every magnitude.
func TestShortestIsClosest(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 4511638))
	for range 200000 {
		f := math.Float64frombits(r.Uint64() &^ (1 << 63))
		if math.IsNaN(f) || math.IsInf(f, 0) || f == 0 {
			continue
		}
		shortest := strconv.FormatFloat(f, 'e', -1, 64)
		n := len(shortest) - len(shortest[len(shortest)-5:]) // digits and point, without e±xxx
		if n > 2 {
			n-- // the point
		}
		n = max(n, 2)
		rounded := strconv.FormatFloat(f, 'e', n-1, 64)
		if g, _ := strconv.ParseFloat(rounded, 64); g != f {
			continue // the closest n-digit decimal does not round-trip: another one is chosen
		}
		got, _ := strconv.ParseFloat(FormatDouble(f), 64)
		want, _ := strconv.ParseFloat(rounded, 64)
		if got != want || len(digitsOf(FormatDouble(f))) > n {
			t.Fatalf("FormatDouble(%b) = %s, want the digits of %s", f, FormatDouble(f), rounded)
		}
	}
}

func digitsOf(s string) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s) && s[i] != 'E'; i++ {
		if s[i] >= '0' && s[i] <= '9' {
			out = append(out, s[i])
		}
	}
	for len(out) > 1 && out[0] == '0' {
		out = out[1:]
	}
	return string(out)
}

func TestAppendJSONDoubleQuotesNonFinite(t *testing.T) {
	for f, want := range map[float64]string{math.Inf(1): `"Infinity"`, math.Inf(-1): `"-Infinity"`, 1e7: `1.0E7`, 0.5: `0.5`} {
		if got := string(AppendJSONDouble(nil, f)); got != want {
			t.Errorf("AppendJSONDouble(%v) = %s, want %s", f, got, want)
		}
	}
	if got := string(AppendJSONDouble(nil, math.NaN())); got != `"NaN"` {
		t.Errorf("AppendJSONDouble(NaN) = %s", got)
	}
	if got := string(AppendJSONFloat(nil, float32(math.NaN()))); got != `"NaN"` {
		t.Errorf("AppendJSONFloat(NaN) = %s", got)
	}
}
