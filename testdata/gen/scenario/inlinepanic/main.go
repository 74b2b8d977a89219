// inlinepanic is a CSV import job: it parses order records and sums the amount column. One
// record in the batch is short (a truncated line), and the small helper that picks a column,
// which the compiler inlines into parseOrder, indexes past its end: "index out of range [3] with
// length 3". The traceback names the inlined helper's line; the listing (go tool objdump) holds
// the bounds check at the caller's address. The planted index is marked godx:scenario-site.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
)

type order struct {
	id       string
	customer string
	sku      string
	amount   int64
}

// column returns field i of a record; small enough to be inlined into every caller.
func column(fields []string, i int) string {
	return fields[i] // godx:scenario-site
}

//go:noinline
func parseOrder(line string) (order, error) {
	fields := strings.Split(line, ",")
	o := order{id: column(fields, 0), customer: column(fields, 1), sku: column(fields, 2)}
	amount, err := strconv.ParseInt(column(fields, 3), 10, 64)
	if err != nil {
		return order{}, fmt.Errorf("order %s: amount: %w", o.id, err)
	}
	o.amount = amount
	return o, nil
}

func batch(n int, badAt int) []string {
	lines := make([]string, 0, n)
	for i := 0; i < n; i++ {
		if i == badAt {
			lines = append(lines, fmt.Sprintf("o-%d,cust-%d,sku-%d", i, i%17, i%5))
			continue
		}
		lines = append(lines, fmt.Sprintf("o-%d,cust-%d,sku-%d,%d", i, i%17, i%5, 100+i))
	}
	return lines
}

func importBatch(lines []string) (int64, int) {
	var total int64
	var bad int
	for _, l := range lines {
		o, err := parseOrder(l)
		if err != nil {
			bad++
			continue
		}
		total += o.amount
	}
	return total, bad
}

func main() {
	n := flag.Int("n", 5000, "records in the batch")
	badAt := flag.Int("bad-at", 4200, "index of the truncated record (-1: none)")
	flag.Parse()
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	total, bad := importBatch(batch(*n, *badAt))
	fmt.Fprintf(w, "imported %d records, total %d, %d rejected\n", *n, total, bad)
}
