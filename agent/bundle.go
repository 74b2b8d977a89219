package agent

import (
	"encoding/json"
	"os"
	"path/filepath"
	"time"
)

// Version is the agent's version, written into every manifest it makes.
const Version = "0.1.0"

// The manifest godx reads from a bundle directory (docs/formats/live-bundle.md in the godx
// repository, format "godx-bundle/1"). Field order follows godx's own writer so the files diff
// cleanly against bundles godx captured itself.
type manifest struct {
	Format      string         `json:"format"`
	GodxVersion string         `json:"godx_version"`
	Target      string         `json:"target"`
	TargetKind  string         `json:"target_kind"`
	Created     string         `json:"created"`
	URL         string         `json:"url"`
	PID         int            `json:"pid"`
	Complete    bool           `json:"complete"`
	Facts       map[string]any `json:"facts"`
	Entries     []entry        `json:"entries"`
}

type entry struct {
	File      string  `json:"file"`
	What      string  `json:"what"`
	Source    string  `json:"source"`
	Started   string  `json:"started"`
	Seconds   float64 `json:"seconds"`
	Bytes     int64   `json:"bytes"`
	Truncated bool    `json:"truncated"`
	Error     string  `json:"error"`
}

const (
	manifestName   = "manifest.json"
	manifestFormat = "godx-bundle/1"
	// The crash bundle's traceback has the name godx run gives its own crash bundles.
	crashFileName = "traceback.txt"
)

func utc(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

func stamp(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

func newManifest(kind string) *manifest {
	return &manifest{
		Format:      manifestFormat,
		GodxVersion: "godx-agent " + Version,
		Target:      programName(),
		TargetKind:  kind,
		Created:     utc(time.Now()),
		PID:         os.Getpid(),
		Facts:       buildFacts(),
		Entries:     []entry{},
	}
}

func (m *manifest) marshal() []byte {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil { // only plain values are stored: cannot happen
		panic(err)
	}
	return append(b, '\n')
}

// writeManifest writes to a temporary name and renames, as godx does, so a reader never sees half
// a manifest.
func writeManifest(dir string, m *manifest) error {
	tmp := filepath.Join(dir, manifestName+".tmp")
	if err := os.WriteFile(tmp, m.marshal(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, manifestName))
}
