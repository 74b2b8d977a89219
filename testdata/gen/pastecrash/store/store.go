// Package store is the program's own package below main, so that with -trimpath its frames print
// under the module path ("godx.test/gen/pastecrash/store/store.go", or "app/store/store.go" when
// the generator renames the module), as a dependency's or the standard library's would.
package store

import "strings"

type Store struct{ items map[string]string }

func (s *Store) Get(key string) string {
	return s.items[key] // godx:paste-site nil
}

func Pad(id string, width int) string {
	return strings.Repeat(" ", width) + id // godx:paste-site repeat
}
