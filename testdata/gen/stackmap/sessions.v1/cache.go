// Package sessions is the session cache of stackmap. Its import path ends in "sessions.v1", as
// gopkg.in-style versioned packages do, so the linker escapes the '.' in its symbol names and
// tracebacks print "godx.test/gen/stackmap/sessions%2ev1.(*Cache).Put".
package sessions

import "sync"

type Session struct {
	User    string
	Expires int64
}

// Cache maps session ids to sessions. mu exists but the methods below do not take it.
type Cache struct {
	mu       sync.Mutex
	sessions map[string]Session
}

func New() *Cache { return &Cache{sessions: map[string]Session{}} }

//go:noinline
func (c *Cache) Put(id string, s Session) {
	c.sessions[id] = s
}

//go:noinline
func (c *Cache) Get(id string) (Session, bool) {
	s, ok := c.sessions[id]
	return s, ok
}

//go:noinline
func (c *Cache) Expired(now int64) int {
	n := 0
	for _, s := range c.sessions {
		if s.Expires < now {
			n++
		}
	}
	return n
}
