package agent

import "fmt"

// PoolMisuse describes a misuse the debug build of [Pool] found. It is built only with the
// godxpooldebug build tag.
type PoolMisuse struct {
	// Kind is "double Put", "Put while still in use", "use after Put" or "Put of a foreign object".
	Kind string
	// Type is the pooled type.
	Type string
	// Detail says what was seen (which bytes changed, how many references are held).
	Detail string
	// GetStack is where the object was last taken from the pool; PutStack where it was last put
	// back; NowStack where the misuse was detected. Empty when unknown.
	GetStack, PutStack, NowStack string
}

func (m *PoolMisuse) Error() string {
	s := fmt.Sprintf("godx agent: pool misuse: %s of %s", m.Kind, m.Type)
	if m.Detail != "" {
		s += ": " + m.Detail
	}
	for _, st := range []struct{ name, stack string }{{"detected at", m.NowStack}, {"last Get at", m.GetStack}, {"last Put at", m.PutStack}} {
		if st.stack != "" {
			s += "\n" + st.name + ":\n" + st.stack
		}
	}
	return s
}
