package agent

import (
	"bytes"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
)

// procStatus holds the /proc/self/status fields the cross-check and the bundle need. Values are
// -1 when the kernel does not print the field (RssAnon needs Linux 4.5) or there is no /proc.
type procStatus struct {
	Threads, VmRSS, RssAnon, RssFile, VmHWM, VmSwap int64
}

// readProcStatus parses "Key:\tvalue[ kB]" lines; sizes are returned in bytes.
func readProcStatus(b []byte) procStatus {
	s := procStatus{-1, -1, -1, -1, -1, -1}
	for len(b) > 0 {
		line := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		colon := bytes.IndexByte(line, ':')
		if colon < 0 {
			continue
		}
		var dst *int64
		kb := true
		switch string(line[:colon]) { // no allocation: the compiler special-cases this form
		case "Threads":
			dst, kb = &s.Threads, false
		case "VmRSS":
			dst = &s.VmRSS
		case "RssAnon":
			dst = &s.RssAnon
		case "RssFile":
			dst = &s.RssFile
		case "VmHWM":
			dst = &s.VmHWM
		case "VmSwap":
			dst = &s.VmSwap
		default:
			continue
		}
		v := bytes.TrimSpace(line[colon+1:])
		v = bytes.TrimSuffix(v, []byte(" kB"))
		n, err := strconv.ParseInt(string(v), 10, 64)
		if err != nil {
			continue
		}
		if kb {
			n <<= 10
		}
		*dst = n
	}
	return s
}

func readSelfStatus() ([]byte, procStatus, error) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return nil, readProcStatus(nil), err
	}
	return b, readProcStatus(b), nil
}

// programName is the base name of the executable, for file names.
func programName() string {
	name := os.Args[0]
	if exe, err := os.Executable(); err == nil {
		name = exe
	}
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	if name == "" {
		name = "program"
	}
	return name
}

// goVersionLine is the line `go version` prints for this binary. godx's goroutine dump reader
// takes a line of this form as the name of the release that wrote the dump.
func goVersionLine() string {
	return "go version " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH
}

// buildFacts are the build info godx's manifests call go_version and go_module, and the
// program's GODEBUG settings: the environment's and the ones the build recorded (//go:debug and
// go.mod godebug lines), which change runtime behaviour a crash may depend on.
func buildFacts() map[string]any {
	facts := map[string]any{"go_version": runtime.Version()}
	if bi, ok := debug.ReadBuildInfo(); ok {
		facts["go_module"] = bi.Main.Path
		if bi.Main.Version != "" {
			facts["go_module_version"] = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision", "vcs.time", "vcs.modified", "GOOS", "GOARCH", "-race", "CGO_ENABLED":
				facts["build_"+s.Key] = s.Value
			}
			if strings.HasPrefix(s.Key, "DefaultGODEBUG") {
				facts["godebug_default"] = s.Value
			}
		}
	}
	if v, ok := os.LookupEnv("GODEBUG"); ok {
		facts["godebug_env"] = v
	}
	return facts
}

// buildInfoText is `go version -m` in spirit: the runtime's own rendering of the build info.
func buildInfoText() string {
	var w bytes.Buffer
	w.WriteString(goVersionLine() + "\n")
	if bi, ok := debug.ReadBuildInfo(); ok {
		w.WriteString(bi.String())
		w.WriteString("\n")
	}
	if v, ok := os.LookupEnv("GODEBUG"); ok {
		w.WriteString("GODEBUG=" + v + "\n")
	}
	return w.String()
}
