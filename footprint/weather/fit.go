package weather

import (
	"math"
)

// fitDegreeDays fits y = a·x0 + b·x1 + c·x2 by least squares with every
// coefficient ≥ 0: a term whose coefficient comes out negative (or whose
// column is all zero) is dropped and the fit redone. It returns the
// coefficients and R² (1 − SSres/SStot; 1 when y is constant and fitted).
func fitDegreeDays(xs [][3]float64, ys []float64) ([3]float64, float64) {
	active := [3]bool{true, true, true}
	for j := 0; j < 3; j++ {
		nonzero := false
		for _, x := range xs {
			if x[j] != 0 {
				nonzero = true
			}
		}
		active[j] = nonzero
	}
	var coef [3]float64
	for iter := 0; iter < 4; iter++ {
		var idx []int
		for j := 0; j < 3; j++ {
			if active[j] {
				idx = append(idx, j)
			}
		}
		coef = [3]float64{}
		if len(idx) == 0 {
			break
		}
		sol, ok := leastSquares(xs, ys, idx)
		if !ok {
			active[idx[len(idx)-1]] = false // collinear: drop the last term
			continue
		}
		neg := -1
		for k, j := range idx {
			coef[j] = sol[k]
			if sol[k] < 0 && (neg < 0 || sol[k] < coef[neg]) {
				neg = j
			}
		}
		if neg < 0 {
			break
		}
		active[neg] = false
		coef = [3]float64{}
	}
	var mean, ssTot, ssRes float64
	for _, y := range ys {
		mean += y
	}
	mean /= float64(len(ys))
	for i, x := range xs {
		fit := coef[0]*x[0] + coef[1]*x[1] + coef[2]*x[2]
		ssRes += (ys[i] - fit) * (ys[i] - fit)
		ssTot += (ys[i] - mean) * (ys[i] - mean)
	}
	r2 := 1.0
	if ssTot > 0 {
		r2 = 1 - ssRes/ssTot
	} else if ssRes > 1e-9*(1+mean*mean) {
		r2 = 0
	}
	return coef, r2
}

// leastSquares solves the normal equations of the columns idx of xs by
// Gaussian elimination with partial pivoting; ok is false when they are
// singular.
func leastSquares(xs [][3]float64, ys []float64, idx []int) ([]float64, bool) {
	n := len(idx)
	a := make([][]float64, n)
	for r := range a {
		a[r] = make([]float64, n+1)
		for c := 0; c < n; c++ {
			for _, x := range xs {
				a[r][c] += x[idx[r]] * x[idx[c]]
			}
		}
		for i, x := range xs {
			a[r][n] += x[idx[r]] * ys[i]
		}
	}
	for col := 0; col < n; col++ {
		p := col
		for r := col + 1; r < n; r++ {
			if math.Abs(a[r][col]) > math.Abs(a[p][col]) {
				p = r
			}
		}
		if math.Abs(a[p][col]) < 1e-9*(1+math.Abs(a[col][col])) || a[p][col] == 0 {
			return nil, false
		}
		a[col], a[p] = a[p], a[col]
		for r := 0; r < n; r++ {
			if r == col {
				continue
			}
			f := a[r][col] / a[col][col]
			for c := col; c <= n; c++ {
				a[r][c] -= f * a[col][c]
			}
		}
	}
	out := make([]float64, n)
	for r := 0; r < n; r++ {
		out[r] = a[r][n] / a[r][r]
	}
	return out, true
}
