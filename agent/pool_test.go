package agent

import (
	"bytes"
	"sync"
	"testing"
)

func TestPoolGetPutReset(t *testing.T) {
	made := 0
	p := Pool[bytes.Buffer]{
		New:   func() *bytes.Buffer { made++; return new(bytes.Buffer) },
		Reset: func(b *bytes.Buffer) { b.Reset() },
	}
	b := p.Get()
	b.WriteString("hello")
	p.Put(b)
	c := p.Get()
	if c.Len() != 0 {
		t.Errorf("Get after Put: %q, want a reset buffer", c.String())
	}
	if made < 1 {
		t.Errorf("New was not called")
	}
	p.Put(c)
	var zero Pool[[64]byte]
	if x := zero.Get(); x == nil {
		t.Error("a Pool without New returned nil")
	}
}

func TestPoolConcurrent(t *testing.T) {
	p := Pool[[256]byte]{}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 1000 {
				x := p.Get()
				x[0] = byte(g)
				p.Check(x)
				p.Put(x)
			}
		}()
	}
	wg.Wait()
}
