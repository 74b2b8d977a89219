//go:build !godxpooldebug

package agent

import (
	"sync"
	"testing"
)

// Without the tag the checks compile to nothing: Get/Put cost what sync.Pool costs and allocate
// nothing once warm.
func TestPoolReleaseBuildAllocatesNothing(t *testing.T) {
	var p Pool[[128]byte]
	p.Put(p.Get())
	allocs := testing.AllocsPerRun(1000, func() {
		x := p.Get()
		p.Retain(x)
		p.Release(x)
		p.Check(x)
		p.CheckGeneration(x, p.Generation(x))
		p.Put(x)
	})
	if allocs != 0 {
		t.Errorf("%v allocations per Get/Put, want 0", allocs)
	}
	// A double Put goes unnoticed here, as with sync.Pool: that is what the debug tag is for.
	x := p.Get()
	p.Put(x)
	p.Put(x)
}

func BenchmarkPoolTyped(b *testing.B) {
	var p Pool[[128]byte]
	b.ReportAllocs()
	for b.Loop() {
		x := p.Get()
		x[0]++
		p.Check(x)
		p.Put(x)
	}
}

// The same loop without the debug hooks: equal to BenchmarkPoolTyped when they compile away.
func BenchmarkPoolTypedNoChecks(b *testing.B) {
	var p Pool[[128]byte]
	b.ReportAllocs()
	for b.Loop() {
		x := p.Get()
		x[0]++
		p.Put(x)
	}
}

func BenchmarkPoolSyncPool(b *testing.B) {
	p := sync.Pool{New: func() any { return new([128]byte) }}
	b.ReportAllocs()
	for b.Loop() {
		x := p.Get().(*[128]byte)
		x[0]++
		p.Put(x)
	}
}
