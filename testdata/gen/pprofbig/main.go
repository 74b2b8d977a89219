// pprofbig writes a large synthetic CPU profile (profile.proto, gzipped) for benchmarks: many
// functions, locations with inlined frames, and deep stacks, shaped like a big Go service's
// profile. It encodes the protobuf by hand so it depends on nothing but the standard library.
// Nothing it writes is committed; bench/compare-pprof.sh runs it at benchmark time.
package main

import (
	"bufio"
	"compress/gzip"
	"flag"
	"fmt"
	"math/rand"
	"os"
)

type buf []byte

func (b *buf) varint(v uint64) {
	for v >= 0x80 {
		*b = append(*b, byte(v)|0x80)
		v >>= 7
	}
	*b = append(*b, byte(v))
}
func (b *buf) key(field, wire int) { b.varint(uint64(field<<3 | wire)) }
func (b *buf) uint(field int, v uint64) {
	if v != 0 {
		b.key(field, 0)
		b.varint(v)
	}
}
func (b *buf) bytes(field int, p []byte) {
	b.key(field, 2)
	b.varint(uint64(len(p)))
	*b = append(*b, p...)
}

func main() {
	out := flag.String("o", "big.pb.gz", "output file")
	samples := flag.Int("samples", 600000, "number of samples")
	funcs := flag.Int("funcs", 40000, "number of functions")
	locs := flag.Int("locs", 120000, "number of locations")
	seed := flag.Int64("seed", 1, "random seed")
	flag.Parse()
	r := rand.New(rand.NewSource(*seed))
	// The binary (functions, locations) is the same for every seed, as for profiles taken from
	// one service; only the samples differ.
	bin := rand.New(rand.NewSource(42))

	strs := []string{"", "samples", "count", "cpu", "nanoseconds", "/usr/local/bin/service"}
	str := func(s string) uint64 { strs = append(strs, s); return uint64(len(strs) - 1) }
	var msg buf
	vt := func(field int, t, u uint64) {
		var m buf
		m.uint(1, t)
		m.uint(2, u)
		msg.bytes(field, m)
	}
	vt(1, 1, 2)
	vt(1, 3, 4)
	// Samples: stacks walk "call paths" so that many share prefixes, as real profiles do.
	var s, packed buf
	for i := 0; i < *samples; i++ {
		s = s[:0]
		packed = packed[:0]
		depth := 8 + r.Intn(56)
		base := r.Intn(*locs - depth)
		for d := 0; d < depth; d++ {
			packed.varint(uint64(base + d*(1+r.Intn(3))%(*locs-base) + 1))
		}
		s.bytes(1, packed)
		packed = packed[:0]
		n := uint64(1 + r.Intn(3))
		packed.varint(n)
		packed.varint(n * 10000000)
		s.bytes(2, packed)
		if i%4 == 0 {
			var l buf
			l.uint(1, 6)
			l.uint(2, uint64(7+r.Intn(8)))
			s.bytes(3, l)
		}
		msg.bytes(2, s)
	}
	strs = append(strs, "endpoint")
	for i := 0; i < 8; i++ {
		strs = append(strs, fmt.Sprintf("/api/v1/endpoint%d", i))
	}
	var m buf
	m.uint(1, 1)
	m.uint(2, 0x400000)
	m.uint(3, 0x4000000)
	m.uint(5, 5)
	m.uint(7, 1)
	m.uint(8, 1)
	m.uint(9, 1)
	m.uint(10, 1)
	msg.bytes(3, m)
	for i := 1; i <= *locs; i++ {
		var l buf
		l.uint(1, uint64(i))
		l.uint(2, 1)
		l.uint(3, uint64(0x401000+i*16))
		lines := 1 + bin.Intn(2)
		for k := 0; k < lines; k++ {
			var ln buf
			ln.uint(1, uint64(1+bin.Intn(*funcs)))
			ln.uint(2, uint64(10+bin.Intn(500)))
			l.bytes(4, ln)
		}
		msg.bytes(4, l)
	}
	for i := 1; i <= *funcs; i++ {
		var f buf
		name := str(fmt.Sprintf("github.com/example/service/internal/pkg%d.(*Handler%d).Method%d", i%300, i%97, i))
		file := str(fmt.Sprintf("/src/service/internal/pkg%d/file%d.go", i%300, i%31))
		f.uint(1, uint64(i))
		f.uint(2, name)
		f.uint(3, name)
		f.uint(4, file)
		f.uint(5, uint64(1+i%400))
		msg.bytes(5, f)
	}
	for _, x := range strs {
		msg.bytes(6, []byte(x))
	}
	msg.uint(9, 1700000000000000000)
	msg.uint(10, 60000000000)
	vt(11, 3, 4)
	msg.uint(12, 10000000)

	fh, err := os.Create(*out)
	if err != nil {
		panic(err)
	}
	w := bufio.NewWriter(fh)
	z, _ := gzip.NewWriterLevel(w, gzip.BestSpeed)
	z.Write(msg)
	z.Close()
	w.Flush()
	fh.Close()
	fmt.Fprintf(os.Stderr, "pprofbig: %d bytes uncompressed -> %s\n", len(msg), *out)
}
