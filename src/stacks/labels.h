// Goroutine labels (runtime/pprof.Do, pprof.SetGoroutineLabels) as the runtime prints them. Three
// spellings of one idea:
//   ?debug=1 profile:   # labels: {"k":"v", "k2":"v2"}
//   Go 1.26 traceback:  [chan receive labels:{"k": "v"}]   (GODEBUG=tracebacklabels=1)
//   Go 1.27 traceback:  [chan receive] {k: v, "a b": "x"}  (on by default; keys and values are
//                       quoted only when they hold more than [A-Za-z0-9./_])
// The reader keeps each goroutine's label set as printed (one interned string per distinct set);
// these helpers turn it into key/value pairs for filtering, JSON and text.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace godx::stacks {

struct Label {
  std::string key;
  std::string value;
};

// Parses "{k: v, ...}" in any of the spellings above, unquoting Go-quoted strings (\", \\, \n,
// \t, \r, \xNN, \uNNNN, \UNNNNNNNN). False, with `out` holding what was read, when the text is
// not a label set.
bool ParseLabelSet(std::string_view text, std::vector<Label>* out);

// "k=v": the form `--focus` patterns are matched against.
std::string LabelText(const Label& label);

// The first `closer` in `text` outside Go-quoted strings (a label value may hold ']' or '}');
// npos when there is none.
size_t FindOutsideQuotes(std::string_view text, char closer);

// Where a label set's closing '}' is, quoted strings skipped: `text` starts at its '{'. npos when
// it is not closed.
size_t LabelSetEnd(std::string_view text);

}  // namespace godx::stacks
