// boundsinline indexes past the end of a slice inside a small function that the compiler inlines
// into its caller, as an accessor in a request handler would be. The traceback then prints the
// inlined frame without an offset ("main.get(...)" and its line) above the caller's frame with
// one, and the listings give the failing check the inlined body's position: godx must resolve
// the caller's offset to the check in the inlined body (godx asm --traceback, godx stacks
// --objdump).
package main

import (
	"fmt"
	"os"
)

type user struct {
	name  string
	email string
}

// get is small enough to be inlined into every caller.
func get(users []user, id int) string {
	return users[id].name
}

//go:noinline
func handler(users []user, ids []int) int {
	n := 0
	for _, id := range ids {
		n += len(get(users, id))
	}
	return n
}

func main() {
	users := []user{{"ann", "a@x"}, {"bob", "b@x"}, {"cy", "c@x"}, {"dee", "d@x"}}
	ids := []int{0, 1, 2, 3, len(os.Args) + 4}
	fmt.Println(handler(users, ids))
}
