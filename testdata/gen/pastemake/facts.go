package main

import (
	"fmt"
	"path"
	"regexp"
	"strings"
)

var (
	header   = regexp.MustCompile(`^goroutine ([1-9][0-9]*) .*\[.*:$`)
	callLine = regexp.MustCompile(`^[^\s(].*\)$`)
	raceID   = regexp.MustCompile(`(?:by|^Goroutine) goroutine ([0-9]+)|^Goroutine ([0-9]+) \(`)
	fileLine = regexp.MustCompile(`^\s+(\S.*\.(?:go|s)):([0-9]+)`)
	sigLine  = regexp.MustCompile(`^SIG[A-Z]+: `)
	register = regexp.MustCompile(`^[a-z][a-z0-9]{0,7} +0x[0-9a-f]+$`)
)

// function is a call line's function: the text before the parenthesis that opens its arguments,
// the one matching the line's last ')' ("pkg.(*T).M(0x1, {...})").
func function(call string) string {
	depth := 0
	for i := len(call) - 1; i >= 0; i-- {
		switch call[i] {
		case ')':
			depth++
		case '(':
			if depth--; depth == 0 {
				return call[:i]
			}
		}
	}
	return call
}

func userFunction(fn string) bool {
	return strings.HasPrefix(fn, "main.") || strings.HasPrefix(fn, "godx.test/") ||
		strings.HasPrefix(fn, "app/")
}

// facts reads the real, clean (or cut) output of one crash: the crash's kind and message, the
// first frame of this corpus's own code in the crashing stack, the goroutines printed and the
// races reported, and whether the text starts in the middle of a record.
func facts(lines []string) string {
	kind, message := "none", ""
	crashAt := -1
	goroutines, races := 0, 0
	fragment := ""
	first := true
	for i, l := range lines {
		if l == "" {
			continue
		}
		switch {
		case header.MatchString(l):
			goroutines++
		case strings.HasPrefix(l, "WARNING: DATA RACE"):
			races++
		case kind != "none":
		case strings.HasPrefix(l, "panic: "), strings.HasPrefix(l, "\tpanic: ") && first:
			kind, message, crashAt = "panic", strings.TrimSpace(l)[7:], i
			message = strings.TrimSuffix(strings.TrimSuffix(message, " [recovered]"),
				" [recovered, repanicked]")
			if strings.HasPrefix(l, "\t") {
				fragment = "start"
			}
		case strings.HasPrefix(l, "fatal error: "):
			kind, message, crashAt = "fatal", l[13:], i
		case sigLine.MatchString(l):
			kind, message, crashAt = "signal", l, i
		case strings.HasPrefix(l, "Exception 0x"):
			kind, message, crashAt = "signal", l, i
			goroutines++ // the crashing goroutine's stack is printed without a header
		case strings.HasPrefix(l, "[signal ") && first:
			kind, message, crashAt = "signal", strings.TrimSuffix(l[8:], "]"), i
			fragment = "start"
		}
		if first && (callLine.MatchString(l) || fileLine.MatchString(l) ||
			strings.HasPrefix(l, "Previous ")) {
			fragment = "start"
			if !strings.HasPrefix(l, "Previous ") {
				goroutines++ // a goroutine whose header was cut off
			}
		}
		first = false
	}
	if kind == "none" {
		// The runtime prints registers only after a fatal signal's report.
		for _, l := range lines {
			if register.MatchString(l) {
				kind = "signal"
				break
			}
		}
	}
	if goroutines == 0 && races > 0 {
		// A race report alone: its goroutines are the ones its stacks name.
		ids := map[string]bool{}
		for _, l := range lines {
			if m := raceID.FindStringSubmatch(l); m != nil {
				ids[m[1]+m[2]] = true
			}
		}
		goroutines = len(ids)
	}
	culprit, site := "", ""
	if crashAt >= 0 && !strings.HasPrefix(message, "SIGQUIT") {
		// The crashing stack: the first goroutine after the crash line (its header, if any, skipped).
		for i := crashAt + 1; i+1 < len(lines); i++ {
			if !callLine.MatchString(lines[i]) || strings.HasPrefix(lines[i], "goroutine ") {
				continue
			}
			fn := function(lines[i])
			if strings.HasPrefix(fn, "created by ") {
				break
			}
			if userFunction(fn) {
				culprit = fn
				if f := fileLine.FindStringSubmatch(lines[i+1]); f != nil {
					site = path.Base(f[1]) + ":" + f[2]
				}
				break
			}
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "crash=%s\n", kind)
	if kind != "none" {
		fmt.Fprintf(&b, "message=%s\n", message)
	}
	if culprit != "" {
		fmt.Fprintf(&b, "culprit=%s\nfile_line=%s\n", culprit, site)
	}
	fmt.Fprintf(&b, "goroutines=%d\nraces=%d\n", goroutines, races)
	if fragment != "" {
		fmt.Fprintf(&b, "fragment=%s\n", fragment)
	}
	return b.String()
}
