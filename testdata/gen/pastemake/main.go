// pastemake turns a program's real output into the forms users paste it in: behind a log
// collector's or CI runner's prefix, indented, quoted, with tabs lost, double spaced, with CRLF
// line ends, wrapped at 80 columns, or cut at its start or end. scripts/gen-paste-fixtures runs it
// over the real output of testdata/gen/pastecrash and of the stacks fixtures.
//
//	pastemake TRANSFORM < real.txt > paste.txt
//	pastemake interleave OTHER.txt [PREFIX PREFIX_OTHER] < real.txt > paste.txt
//	pastemake facts < paste.txt > paste.expect
//
// "facts" reads a crash the simple way a person would and prints what any reader must report
// (see facts.go); it knows only the runtime's line shapes and that this corpus's own code is
// package main or under the module paths godx.test/ and app/.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"
)

// prefixed puts make(i) before line i.
func prefixed(lines []string, make func(i int) string) []string {
	out := make0(len(lines))
	for i, l := range lines {
		out = append(out, make(i)+l)
	}
	return out
}

func make0(n int) []string { return make([]string, 0, n) }

// crashStart is the index of the first line the runtime wrote for the crash (after the program's
// own output), or 0.
func crashStart(lines []string) int {
	for i, l := range lines {
		for _, p := range []string{"panic: ", "fatal error: ", "SIG", "goroutine ", "==================", "Exception ", "runtime: "} {
			if strings.HasPrefix(l, p) {
				return i
			}
		}
	}
	return 0
}

func transform(name string, lines []string) ([]string, string, error) {
	sep := "\n"
	switch name {
	case "kubectl": // kubectl logs --timestamps: RFC 3339, nanoseconds without trailing zeros
		lines = prefixed(lines, func(i int) string {
			frac := strings.TrimRight(fmt.Sprintf("%09d", 123456789+i*1000), "0")
			return fmt.Sprintf("2024-08-09T01:45:%02d.%sZ ", 13+i/40, frac)
		})
	case "compose": // docker compose logs
		lines = prefixed(lines, func(int) string { return "api-1  | " })
	case "gha": // a GitHub Actions raw log: step line number and timestamp
		lines = prefixed(lines, func(i int) string {
			return fmt.Sprintf("%d 2024-08-09T01:45:%02d.%07dZ ", 13043+i, 13+i/40, 1234567+i)
		})
	case "jenkins": // Jenkins timestamper
		lines = prefixed(lines, func(i int) string {
			return fmt.Sprintf("[2021-01-23T02:00:%02d.%03dZ] ", 22+i/50, 76+i%900)
		})
	case "markdown": // an indented code block
		lines = prefixed(lines, func(int) string { return "    " })
	case "gotest": // output re-indented under a test's name by a test runner
		lines = prefixed(lines, func(int) string { return "        " })
	case "quote": // a quoted reply
		lines = prefixed(lines, func(int) string { return "> " })
	case "losttabs": // a web page dropped the tab before each file line
		for i, l := range lines {
			lines[i] = strings.TrimPrefix(l, "\t")
		}
	case "twospaces": // an editor turned the tab into two spaces
		for i, l := range lines {
			if strings.HasPrefix(l, "\t") {
				lines[i] = "  " + l[1:]
			}
		}
	case "double": // a blank line after every line (rich-text editors, some chat clients)
		out := make0(2 * len(lines))
		for _, l := range lines {
			out = append(out, l, "")
		}
		lines = out
	case "crlf":
		sep = "\r\n"
	case "wrap80": // a terminal or mail client wrapping at 80 columns
		out := make0(len(lines))
		for _, l := range lines {
			for len(l) > 80 {
				out = append(out, l[:80])
				l = l[80:]
			}
			out = append(out, l)
		}
		lines = out
	case "cutstart": // the copy starts in the middle of the first goroutine's frames
		start := crashStart(lines)
		for i := start; i+3 < len(lines); i++ {
			if strings.HasPrefix(lines[i], "goroutine ") {
				// At its second call line when it has one, else at its first.
				if lines[i+3] != "" && !strings.HasPrefix(lines[i+3], "\t") {
					i += 2
				}
				lines = lines[i+1:]
				break
			}
		}
	case "cutend": // the copy stops in the middle of a goroutine, after a call line
		for i := len(lines) * 2 / 3; i < len(lines); i++ {
			if !strings.HasPrefix(lines[i], "\t") && strings.HasSuffix(lines[i], ")") {
				lines = lines[:i+1]
				break
			}
		}
	case "tail": // only the end: the last frame before the register dump, and the registers
		for i, l := range lines {
			if register.MatchString(l) && i >= 2 {
				// Back to the last goroutine's innermost call line still printed.
				start := i - 1
				for start > 0 && (lines[start] == "" || strings.HasPrefix(lines[start], "\t") ||
					strings.HasPrefix(lines[start], "created by ")) {
					start--
				}
				end := i
				for end < len(lines) && register.MatchString(lines[end]) {
					end++
				}
				lines = lines[start:end]
				break
			}
		}
	case "fromsignal": // the copy starts at "[signal ...]", the "panic:" line above it lost
		for i, l := range lines {
			if strings.HasPrefix(l, "[signal ") {
				lines = lines[i:]
				break
			}
		}
	case "fromnested": // only the indented second line of a "[recovered]" test panic
		for i, l := range lines {
			if strings.HasPrefix(l, "\tpanic: ") {
				lines = lines[i:]
				break
			}
		}
	case "caret": // the terminal echoed Ctrl-\ before the runtime's first line
		i := crashStart(lines)
		lines[i] = "^\\" + lines[i]
	case "backtick": // a code span opened on the crash's first line
		i := crashStart(lines)
		lines[i] = "`" + lines[i]
	case "dots": // a progress indicator's dots before the crash
		i := crashStart(lines)
		lines[i] = "......" + lines[i]
	default:
		return nil, "", fmt.Errorf("unknown transform %q", name)
	}
	return lines, sep, nil
}

// interleave merges the output of two processes line by line, as a terminal or a log collector
// shows two programs writing at once: one line of each in turn, the longer one's rest at the end.
// With prefixes (docker compose's "api-1  | ") each line carries its process's.
func interleave(a, b []string, pa, pb string) []string {
	out := make0(len(a) + len(b))
	for i := 0; i < len(a) || i < len(b); i++ {
		if i < len(a) {
			out = append(out, pa+a[i])
		}
		if i < len(b) {
			out = append(out, pb+b[i])
		}
	}
	return out
}

func readLines(r io.Reader) ([]string, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return strings.Split(strings.TrimSuffix(string(data), "\n"), "\n"), nil
}

func main() {
	if len(os.Args) >= 3 && os.Args[1] == "interleave" {
		f, err := os.Open(os.Args[2])
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		other, err := readLines(f)
		f.Close()
		lines, err2 := readLines(os.Stdin)
		if err != nil || err2 != nil {
			fmt.Fprintln(os.Stderr, err, err2)
			os.Exit(1)
		}
		pa, pb := "", ""
		if len(os.Args) == 5 {
			pa, pb = os.Args[3], os.Args[4]
		}
		w := bufio.NewWriter(os.Stdout)
		for _, l := range interleave(lines, other, pa, pb) {
			w.WriteString(l + "\n")
		}
		w.Flush()
		return
	}
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: pastemake TRANSFORM < real.txt > paste.txt")
		os.Exit(2)
	}
	data, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if os.Args[1] == "facts" {
		fmt.Print(facts(lines))
		return
	}
	out, sep, err := transform(os.Args[1], lines)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	w := bufio.NewWriter(os.Stdout)
	for _, l := range out {
		w.WriteString(l + sep)
	}
	w.Flush()
}
