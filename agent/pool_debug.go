//go:build godxpooldebug

package agent

import (
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"unsafe"
)

// PoolDebug says whether this build checks pools (the godxpooldebug build tag).
const PoolDebug = true

// poison fills pointer-free objects after Put, so code that reads one after Put sees 0xA5 bytes
// rather than plausible stale data.
const poison = 0xA5

// quarantine bounds the objects the debug pool keeps between Put and Get, oldest reused first, so
// a write after Put has time to show; objects beyond it are dropped for the GC.
const quarantine = 1024

// Pool, built with the godxpooldebug tag, keeps its own free list instead of a sync.Pool so that
// it knows every object it handed out: each Get records the caller's stack and a new generation;
// each Put checks ownership (taken from this pool, not already put back, no Retain outstanding),
// records the stack and takes a copy of the object's bytes (after filling pointer-free objects
// with 0xA5); the next Get of that object compares the bytes, so a write after Put is caught with
// the stack of the Put that preceded it. Objects holding pointers are compared but never filled:
// writing arbitrary bytes over pointers would corrupt the heap. Writes through the object's own
// pointers (a slice's backing array) are not seen.
//
// The records keep every object handed out alive until it is put back: a debug build uses more
// memory, and an object never put back is never collected.
type Pool[T any] struct {
	New      func() *T
	Reset    func(*T)
	OnMisuse func(*PoolMisuse)

	mu   sync.Mutex
	recs map[*T]*poolRecord
	free []*T
}

type poolRecord struct {
	inUse              bool
	gen                uint64
	refs               int
	getStack, putStack string
	retainStacks       []string
	saved, poisoned    []byte
}

func objectBytes[T any](x *T) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(x)), unsafe.Sizeof(*x))
}

func callers() string {
	pc := make([]uintptr, 32)
	n := runtime.Callers(3, pc)
	frames := runtime.CallersFrames(pc[:n])
	var b strings.Builder
	for {
		f, more := frames.Next()
		if !strings.HasPrefix(f.Function, "godx.dev/agent.(*Pool[") {
			fmt.Fprintf(&b, "%s()\n\t%s:%d\n", f.Function, f.File, f.Line)
		}
		if !more {
			break
		}
	}
	return b.String()
}

func (p *Pool[T]) report(kind, detail string, rec *poolRecord) {
	m := &PoolMisuse{Kind: kind, Type: reflect.TypeFor[T]().String(), Detail: detail, NowStack: callers()}
	if rec != nil {
		m.GetStack, m.PutStack = rec.getStack, rec.putStack
	}
	if p.OnMisuse != nil {
		p.OnMisuse(m)
		return
	}
	panic(m)
}

func (p *Pool[T]) Get() *T {
	p.mu.Lock()
	if p.recs == nil {
		p.recs = map[*T]*poolRecord{}
	}
	var x *T
	var rec *poolRecord
	var changed = -1
	if len(p.free) > 0 {
		x = p.free[0]
		p.free = p.free[1:]
		rec = p.recs[x]
		cur := objectBytes(x)
		for i := range cur {
			if cur[i] != rec.poisoned[i] {
				changed = i
				break
			}
		}
		if !hasPointers(reflect.TypeFor[T]()) {
			copy(cur, rec.saved) // undo the poison: Get returns what Put left (after Reset)
		}
		rec.saved, rec.poisoned = nil, nil
	}
	p.mu.Unlock()
	if rec != nil && changed >= 0 {
		p.report("use after Put", fmt.Sprintf("byte %d of the object changed while it was in the pool (a write after Put)", changed), rec)
	}
	if x == nil {
		if p.New != nil {
			x = p.New()
		} else {
			x = new(T)
		}
		rec = &poolRecord{}
		p.mu.Lock()
		p.recs[x] = rec
		p.mu.Unlock()
	}
	p.mu.Lock()
	rec.inUse = true
	rec.gen++
	rec.refs = 0
	rec.retainStacks = nil
	rec.getStack = callers()
	p.mu.Unlock()
	return x
}

func (p *Pool[T]) Put(x *T) {
	if x == nil {
		return
	}
	p.mu.Lock()
	if p.recs == nil {
		p.recs = map[*T]*poolRecord{}
	}
	rec := p.recs[x]
	switch {
	case rec == nil:
		p.mu.Unlock()
		p.report("Put of a foreign object", "the object was not taken from this pool", nil)
		return
	case !rec.inUse:
		p.mu.Unlock()
		p.report("double Put", fmt.Sprintf("generation %d was already put back", rec.gen), rec)
		return
	case rec.refs > 0:
		detail := fmt.Sprintf("%d Retain without Release; first retained at:\n%s", rec.refs, rec.retainStacks[0])
		p.mu.Unlock()
		p.report("Put while still in use", detail, rec)
		return
	}
	rec.inUse = false
	rec.putStack = callers()
	p.mu.Unlock()
	if p.Reset != nil {
		p.Reset(x)
	}
	cur := objectBytes(x)
	p.mu.Lock()
	defer p.mu.Unlock()
	rec.saved = append([]byte(nil), cur...)
	if !hasPointers(reflect.TypeFor[T]()) {
		for i := range cur {
			cur[i] = poison
		}
	}
	rec.poisoned = append([]byte(nil), cur...)
	p.free = append(p.free, x)
	if len(p.free) > quarantine {
		delete(p.recs, p.free[0])
		p.free = p.free[1:]
	}
}

func (p *Pool[T]) Retain(x *T) {
	p.mu.Lock()
	rec := p.recs[x]
	if rec != nil && rec.inUse {
		rec.refs++
		rec.retainStacks = append(rec.retainStacks, callers())
		p.mu.Unlock()
		return
	}
	p.mu.Unlock()
	p.report("use after Put", "Retain of an object that is not taken from the pool", rec)
}

func (p *Pool[T]) Release(x *T) {
	p.mu.Lock()
	rec := p.recs[x]
	if rec != nil && rec.inUse && rec.refs > 0 {
		rec.refs--
		p.mu.Unlock()
		return
	}
	p.mu.Unlock()
	p.report("use after Put", "Release without a matching Retain, or after Put", rec)
}

func (p *Pool[T]) Check(x *T) {
	p.mu.Lock()
	rec := p.recs[x]
	ok := rec != nil && rec.inUse
	p.mu.Unlock()
	if !ok {
		p.report("use after Put", "the object is not taken from the pool", rec)
	}
}

func (p *Pool[T]) Generation(x *T) uint64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	if rec := p.recs[x]; rec != nil {
		return rec.gen
	}
	return 0
}

func (p *Pool[T]) CheckGeneration(x *T, gen uint64) {
	p.mu.Lock()
	rec := p.recs[x]
	ok := rec != nil && rec.inUse && rec.gen == gen
	var now uint64
	if rec != nil {
		now = rec.gen
	}
	p.mu.Unlock()
	if !ok {
		p.report("use after Put", fmt.Sprintf("the reference is of generation %d; the object was put back since (now generation %d)", gen, now), rec)
	}
}
