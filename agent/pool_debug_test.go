//go:build godxpooldebug

package agent

import (
	"strconv"
	"strings"
	"testing"
)

type frame struct {
	seq  uint32
	data [60]byte
}

type conn struct {
	name string
	buf  []byte
}

func collect(t *testing.T) (func(*PoolMisuse), func() []*PoolMisuse) {
	var got []*PoolMisuse
	return func(m *PoolMisuse) { got = append(got, m) }, func() []*PoolMisuse { return got }
}

func takeFrame(p *Pool[frame]) *frame { return p.Get() } // godx:site pool-get

func giveFrame(p *Pool[frame], f *frame) { p.Put(f) } // godx:site pool-put

func TestPoolDebugDoublePut(t *testing.T) {
	on, got := collect(t)
	p := &Pool[frame]{OnMisuse: on}
	f := takeFrame(p)
	giveFrame(p, f)
	p.Put(f)
	ms := got()
	if len(ms) != 1 || ms[0].Kind != "double Put" {
		t.Fatalf("misuses %v", ms)
	}
	_, getLine := siteLine(t, "pool-get")
	_, putLine := siteLine(t, "pool-put")
	if !strings.Contains(ms[0].GetStack, "godx.dev/agent.takeFrame()\n") || !strings.Contains(ms[0].GetStack, "pool_debug_test.go:"+itoa(getLine)) ||
		!strings.Contains(ms[0].PutStack, "pool_debug_test.go:"+itoa(putLine)) ||
		!strings.Contains(ms[0].NowStack, "TestPoolDebugDoublePut") {
		t.Errorf("stacks do not name the Get (line %d) and the Put (line %d):\n%s", getLine, putLine, ms[0].Error())
	}
}

func TestPoolDebugPutWhileRetained(t *testing.T) {
	on, got := collect(t)
	p := &Pool[frame]{OnMisuse: on}
	f := p.Get()
	p.Retain(f) // handed to a writer that has not finished
	p.Put(f)
	if ms := got(); len(ms) != 1 || ms[0].Kind != "Put while still in use" || !strings.Contains(ms[0].Detail, "1 Retain") {
		t.Fatalf("misuses %v", ms)
	}
	p.Release(f)
	p.Put(f)
	if ms := got(); len(ms) != 1 {
		t.Fatalf("a Put after Release was reported: %v", ms[1:])
	}
}

func TestPoolDebugWriteAfterPutIsFoundAtTheNextGet(t *testing.T) {
	on, got := collect(t)
	p := &Pool[frame]{OnMisuse: on, Reset: func(f *frame) { f.seq = 0 }}
	f := p.Get()
	f.seq = 7
	p.Put(f)
	if f.seq != 0xA5A5A5A5 || f.data[0] != 0xA5 {
		t.Fatalf("a pointer-free object is not poisoned after Put: %+v", f.seq)
	}
	f.data[3] = 1 // a stale reference writes after Put
	g := p.Get()
	ms := got()
	if g != f || len(ms) != 1 || ms[0].Kind != "use after Put" || !strings.Contains(ms[0].Detail, "byte 7 ") {
		t.Fatalf("misuses %v", ms)
	}
	if g.seq != 0 || g.data[0] != 0 {
		t.Errorf("Get returned the poison, not what Reset left: %+v", g.seq)
	}
}

func TestPoolDebugObjectsWithPointersAreComparedNotPoisoned(t *testing.T) {
	on, got := collect(t)
	p := &Pool[conn]{OnMisuse: on}
	c := p.Get()
	c.name = "a"
	p.Put(c)
	if c.name != "a" {
		t.Fatal("an object with pointers was overwritten")
	}
	c.name = "b" // write after Put
	p.Get()
	if ms := got(); len(ms) != 1 || ms[0].Kind != "use after Put" {
		t.Fatalf("misuses %v", ms)
	}
}

func TestPoolDebugGenerationAndCheck(t *testing.T) {
	on, got := collect(t)
	p := &Pool[frame]{OnMisuse: on}
	f := p.Get()
	gen := p.Generation(f)
	p.CheckGeneration(f, gen)
	p.Put(f)
	p.Check(f)
	g := p.Get() // the same object, taken again by someone else
	if g != f {
		t.Fatal("the pool did not hand the object out again")
	}
	p.CheckGeneration(f, gen) // the stale owner
	ms := got()
	if len(ms) != 2 || ms[0].Kind != "use after Put" || !strings.Contains(ms[1].Detail, "generation 1") {
		t.Fatalf("misuses %v", ms)
	}
	p.Put(&frame{})
	if ms := got(); len(ms) != 3 || ms[2].Kind != "Put of a foreign object" {
		t.Fatalf("misuses %v", ms)
	}
}

func TestPoolDebugPanicsByDefault(t *testing.T) {
	p := &Pool[frame]{}
	f := p.Get()
	p.Put(f)
	defer func() {
		m, ok := recover().(*PoolMisuse)
		if !ok || m.Kind != "double Put" || !strings.Contains(m.Error(), "last Put at:") {
			t.Errorf("recovered %v", m)
		}
	}()
	p.Put(f)
}

func itoa(n int) string { return strconv.Itoa(n) }
