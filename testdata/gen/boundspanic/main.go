// boundspanic indexes past the end of a slice so that the traceback names a function, file, line
// and return-address offset; its objdump then shows which check failed there (godx asm --at).
package main

import (
	"fmt"
	"os"
)

type table struct{ rows []int }

//go:noinline
func (t *table) lookup(i int) int {
	return t.rows[i] * 2
}

func main() {
	t := &table{rows: make([]int, 4)}
	sum := 0
	for i := 0; i <= len(os.Args)+4; i++ {
		sum += t.lookup(i)
	}
	fmt.Println(sum)
}
