package main

import "errors"

var errEmpty = errors.New("empty")

// Checks holds one of each runtime check the compiler can emit: index and slice bounds, integer
// division, shifts, type assertions, nil dereference and an explicit panic.
func Checks(args []string, n int) int {
	first := args[n-1]           // bounds check (panicIndex)
	rest := args[1:n]            // slice bounds (panicSliceB / panicSliceAcap)
	q := len(first) / (n - 1)    // division by zero check (panicdivide)
	s := len(rest) << uint(n)    // shift (no check: unsigned count)
	t := len(rest) >> (n - 2)    // shift with a signed count (panicshift)
	var v interface{} = first
	str := v.(string)            // type assertion (panicdottypeE)
	var p *int
	if n > 100 {
		p = &n
	}
	if len(str) == 0 {
		panic(errEmpty) // explicit panic (gopanic)
	}
	return q + s + t + *p // nil check
}
