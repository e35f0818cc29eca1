package avrodata

import "math/big"

// twosComplement is n as big-endian two's complement in the fewest bytes, as Java's
// BigInteger.toByteArray (the Avro decimal encoding).
func twosComplement(n *big.Int) []byte {
	if n == nil {
		return []byte{0}
	}
	if n.Sign() >= 0 {
		l := n.BitLen()/8 + 1
		return n.FillBytes(make([]byte, l))
	}
	m := new(big.Int).Not(n) // -n-1, non-negative
	l := m.BitLen()/8 + 1
	v := new(big.Int).Lsh(big.NewInt(1), uint(8*l))
	v.Add(v, n)
	return v.FillBytes(make([]byte, l))
}

// fromTwosComplement reads big-endian two's complement bytes.
func fromTwosComplement(b []byte) *big.Int {
	n := new(big.Int).SetBytes(b)
	if len(b) > 0 && b[0]&0x80 != 0 {
		n.Sub(n, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
	}
	return n
}

// unscaled turns a decoded decimal (value × 10^scale must be whole) back into its unscaled
// integer.
func unscaled(r *big.Rat, scale int) (*big.Int, bool) {
	p := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(max(scale, 0))), nil)
	v := new(big.Rat).Mul(r, new(big.Rat).SetInt(p))
	if !v.IsInt() {
		return nil, false
	}
	return new(big.Int).Set(v.Num()), true
}
