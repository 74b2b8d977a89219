//go:build !godxpooldebug

package agent

import "sync"

// PoolDebug says whether this build checks pools (the godxpooldebug build tag).
const PoolDebug = false

// Pool is a typed sync.Pool. Built without the godxpooldebug tag it is exactly a sync.Pool with
// a type assertion: Retain, Release, Check and Generation do nothing and compile away. Built with
// `-tags godxpooldebug` the same calls detect a Put of an object still in use, a double Put, and
// writes after Put (see pool_debug.go), reporting the Get and Put stacks.
type Pool[T any] struct {
	// New makes an object when the pool is empty; nil means new(T).
	New func() *T
	// Reset, when set, is called on each object Put back (e.g. to truncate a buffer).
	Reset func(*T)
	// OnMisuse receives each misuse the debug build finds; nil means panic with the
	// *PoolMisuse. Unused without the tag.
	OnMisuse func(*PoolMisuse)

	p sync.Pool
}

// Get takes an object from the pool, or makes one.
func (p *Pool[T]) Get() *T {
	if v := p.p.Get(); v != nil {
		return v.(*T)
	}
	if p.New != nil {
		return p.New()
	}
	return new(T)
}

// Put gives x back; the caller must not use x afterwards.
func (p *Pool[T]) Put(x *T) {
	if x == nil {
		return
	}
	if p.Reset != nil {
		p.Reset(x)
	}
	p.p.Put(x)
}

// Retain records that x is shared with another owner (e.g. handed to a writer goroutine); a Put
// before the matching Release is a misuse in debug builds.
func (p *Pool[T]) Retain(x *T) {}

// Release ends a Retain.
func (p *Pool[T]) Release(x *T) {}

// Check reports a use after Put in debug builds when x is not currently taken from the pool.
func (p *Pool[T]) Check(x *T) {}

// Generation returns how many times x was taken from the pool (0 without the debug tag). Hold it
// with a reference that may outlive its owner and pass it to CheckGeneration before use.
func (p *Pool[T]) Generation(x *T) uint64 { return 0 }

// CheckGeneration reports a use after Put in debug builds when x was put back (and maybe taken
// by someone else) since Generation returned gen.
func (p *Pool[T]) CheckGeneration(x *T, gen uint64) {}
