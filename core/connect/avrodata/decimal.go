package avrodata

import "math/big"

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
