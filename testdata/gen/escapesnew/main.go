// escapesnew is the next version of escapes (testdata/gen/escapes): lines moved, one more value
// escapes (Identity now keeps its argument), Small grew past the inlining budget, and Polynomial
// shrank under it. `godx escape diff` compares the two builds (scripts/gen-compiler-fixtures).
//
// The extra comment lines above shift every position, as real edits do.
package main

import (
	"fmt"
	"os"
	"strings"
)

type Point struct{ X, Y int }

// NewPoint returns a pointer: the composite literal moves to the heap.
func NewPoint(x, y int) *Point { return &Point{x, y} }

// Store keeps what it is given: p leaks to the heap.
type Store struct{ items []*Point }

func (s *Store) Add(p *Point) { s.items = append(s.items, p) }

var last *Point

// Identity now remembers its argument, so p leaks to the heap.
func Identity(p *Point) *Point {
	last = p
	return p
}

// Describe passes values to fmt through ...interface{}.
func Describe(p Point, name string) string {
	return fmt.Sprintf("%s at (%d,%d)", name, p.X, p.Y)
}

// Counter returns a closure that captures n by reference.
func Counter() func() int {
	n := 0
	return func() int {
		n++
		return n
	}
}

// Buffer makes a slice whose size is not constant.
func Buffer(n int) []byte {
	b := make([]byte, n)
	return b[:n/2]
}

// Big is too large for the stack.
func Big() int {
	var big [1 << 20]int64
	big[3] = 7
	p := &big
	return int(p[3])
}

// Shape is an interface implemented by Square, for devirtualization.
type Shape interface{ Area() int }

type Square struct{ S int }

func (q Square) Area() int { return q.S * q.S }

func TotalArea() int {
	var s Shape = Square{3}
	return s.Area()
}

// Polynomial is just over the inlining budget.
func Polynomial(x int) int {
	a := x*x*x*x + 3*x*x*x - 2*x*x + 7*x - 11
	b := a*a - x*a + 5*x*x*x - 13
	c := b*b + a*b - x*b + 17*a - 19
	return a + b + c
}

// Small is well under the budget.
func Small(x int) int {
	y := x*x*x*x + 3*x*x*x - 2*x*x + 7*x - 11
	z := y*y - x*y + 5*x*x*x - 13
	w := z*z + y*z - x*z + 17*y - 19
	v := w*w - z*w + y*w - x*w + 23
	return x*2 + 1 + y + z + w + v
}

//go:noinline
func NoInline(x int) int { return x + 1 }

// Recurse calls itself.
func Recurse(n int) int {
	if n <= 1 {
		return 1
	}
	return n * Recurse(n-1)
}

func Join(parts []string) string {
	var sb strings.Builder
	for _, p := range parts {
		sb.WriteString(p)
	}
	return sb.String()
}

func main() {
	var st Store
	p := NewPoint(1, 2)
	st.Add(p)
	q := Identity(&Point{3, 4})
	fmt.Println(Describe(*q, "q"))
	c := Counter()
	c()
	fmt.Fprintln(os.Stderr, len(Buffer(len(os.Args)*64)), Big(), TotalArea())
	fmt.Println(Polynomial(len(os.Args)), Small(2), NoInline(3), Recurse(5))
	fmt.Println(Join(os.Args), len(st.items))
	fmt.Println(Checks(os.Args, len(os.Args)))
}
