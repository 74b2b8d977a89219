#include "core/interleave.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "core/line_cursor.h"

namespace godx {
namespace {

// At most this many processes are told apart; more sequences than that are not read as processes.
constexpr size_t kMaxProcesses = 4;
// Cycle numbers a process may skip between two of its records (a line lost in the paste).
constexpr double kMaxNumGap = 3;
// Records per run (between two records that go back) below which the runs are not a program's
// restarts but several processes' records taking turns.
constexpr size_t kMinRunRecords = 4;

struct Record {
  size_t line_index;
  std::string_view prefix;
  SequenceKey key;
};

// The prefix as a process's name: "api-1  | " is "api-1".
std::string PrefixLabel(std::string_view p) {
  while (!p.empty() && (p.back() == ' ' || p.back() == '|' || p.back() == '\t' || p.back() == ':'))
    p.remove_suffix(1);
  while (!p.empty() && (p.front() == '[' || p.front() == ' ')) p.remove_prefix(1);
  if (!p.empty() && p.back() == ']') p.remove_suffix(1);
  return std::string(p);
}

// The prefix with digit runs folded into one '0': a timestamp's prefix is then the same on every
// line, while "api-1" and "db-1" stay apart.
std::string FoldDigits(std::string_view p) {
  std::string out;
  for (size_t i = 0; i < p.size(); ++i) {
    const bool digit = p[i] >= '0' && p[i] <= '9';
    if (digit && !out.empty() && out.back() == '0' && i > 0 && p[i - 1] >= '0' && p[i - 1] <= '9')
      continue;
    out += digit ? '0' : p[i];
  }
  return out;
}

bool GoesBack(const SequenceKey& prev, const SequenceKey& c) {
  return (!std::isnan(c.num) && !std::isnan(prev.num) && c.num <= prev.num) || c.at < prev.at;
}

// Whether `c` can be the record after `last` in one process: its number follows (a few may be
// lost) and its time does not go back.
bool Continues(const SequenceKey& last, const SequenceKey& c) {
  return !std::isnan(c.num) && c.num > last.num && c.num <= last.num + kMaxNumGap &&
         !(c.at < last.at);
}

// Assigns each record to a process by its prefix; empty when the prefixes do not name 2 to
// kMaxProcesses processes of `min_records` records or more each.
std::vector<int> ByPrefix(const std::vector<Record>& recs, std::vector<std::string>* labels,
                          bool* exact, size_t min_records) {
  for (bool fold : {false, true}) {
    std::map<std::string, int> ids;
    std::vector<int> of(recs.size());
    std::vector<size_t> counts;
    std::vector<std::string> names;
    bool ok = true;
    for (size_t i = 0; i < recs.size() && ok; ++i) {
      std::string k = fold ? FoldDigits(recs[i].prefix) : std::string(recs[i].prefix);
      auto [it, fresh] = ids.emplace(k, static_cast<int>(ids.size()));
      if (fresh) {
        if (ids.size() > kMaxProcesses) ok = false;
        counts.push_back(0);
        names.push_back(PrefixLabel(recs[i].prefix));
      }
      of[i] = it->second;
      ++counts[static_cast<size_t>(it->second)];
    }
    if (!ok || ids.size() < 2) continue;
    if (std::any_of(counts.begin(), counts.end(),
                    [&](size_t n) { return n < min_records; }))
      continue;
    // A prefix is a process's name only when each one's records form one sequence.
    std::vector<const SequenceKey*> last(ids.size(), nullptr);
    for (size_t i = 0; i < recs.size() && ok; ++i) {
      auto& l = last[static_cast<size_t>(of[i])];
      if (l != nullptr && GoesBack(*l, recs[i].key)) ok = false;
      l = &recs[i].key;
    }
    if (!ok) continue;
    *labels = std::move(names);
    *exact = !fold;
    return of;
  }
  return {};
}

// Assigns each record to a process by number continuity; empty when the numbers do not link the
// records up into at most kMaxProcesses sequences.
std::vector<int> BySequence(const std::vector<Record>& recs) {
  std::vector<int> of(recs.size());
  std::vector<SequenceKey> last;
  for (size_t i = 0; i < recs.size(); ++i) {
    const SequenceKey& c = recs[i].key;
    if (std::isnan(c.num)) return {};
    int best = -1;
    for (size_t s = 0; s < last.size(); ++s) {
      if (!Continues(last[s], c)) continue;
      if (best < 0 || c.num - last[s].num < c.num - last[static_cast<size_t>(best)].num)
        best = static_cast<int>(s);
    }
    if (best < 0) {
      if (last.size() == kMaxProcesses) return {};
      best = static_cast<int>(last.size());
      last.push_back(c);
    }
    last[static_cast<size_t>(best)] = c;
    of[i] = best;
  }
  return of;
}

}  // namespace

std::optional<InterleavedProcesses> SplitInterleaved(std::string_view data,
                                                     const SequenceKeyParser& parse,
                                                     bool unnumbered) {
  std::vector<std::string_view> lines;
  std::vector<Record> recs;
  InterleavedProcesses out;
  size_t backs = 0;  // records whose number or time goes back
  LineCursor cursor(data);
  std::string_view line;
  while (cursor.Next(&line)) {
    size_t start = 0;
    SequenceKey key;
    if (parse(line, &start, &key)) {
      if (!recs.empty() && GoesBack(recs.back().key, key)) {
        if (backs++ == 0) {
          out.back_line = lines.size() + 1;
          out.back_prev = recs.back().key;
          out.back_key = key;
        }
      }
      recs.push_back({lines.size(), line.substr(0, start), key});
    }
    lines.push_back(line);
  }
  if (out.back_line == 0 && !unnumbered) return std::nullopt;

  bool exact = false;  // each process's prefix is the same text on every line
  std::vector<int> of = ByPrefix(recs, &out.labels, &exact, unnumbered ? 1 : 2);
  out.by_prefix = !of.empty();
  if (unnumbered && of.empty()) return std::nullopt;  // nothing but a prefix tells them apart
  if (of.empty()) of = BySequence(recs);
  if (of.empty()) {
    // Runs appended one after another go back once per run, after many records; two processes
    // writing at once go back every few records.
    if (recs.size() >= kMinRunRecords * (backs + 1)) return std::nullopt;
    out.separable = false;
    out.count = 2;
    return out;  // more than one sequence, not told apart
  }
  out.count = static_cast<size_t>(*std::max_element(of.begin(), of.end())) + 1;
  if (out.count < 2) return std::nullopt;
  // Processes that follow one another (a restart) are one log's runs, not interleaved output.
  std::vector<size_t> first(out.count, SIZE_MAX), last(out.count, 0), n(out.count, 0);
  for (size_t i = 0; i < recs.size(); ++i) {
    const size_t p = static_cast<size_t>(of[i]);
    first[p] = std::min(first[p], recs[i].line_index);
    last[p] = recs[i].line_index;
    ++n[p];
  }
  bool overlap = false;
  for (size_t p = 0; p + 1 < out.count; ++p)
    if (last[p] > first[p + 1]) overlap = true;
  if (!overlap) return std::nullopt;
  if (unnumbered) {
    // The evidence: the second process's first record, among the first one's lines.
    for (const Record& rec : recs) {
      if (rec.line_index == first[1]) {
        out.back_line = rec.line_index + 1;
        break;
      }
    }
  }
  if (!out.by_prefix) {
    // A stray record alone is not a process.
    if (std::any_of(n.begin(), n.end(), [](size_t k) { return k < 2; })) {
      out.separable = false;
      return out;
    }
    for (size_t p = 0; p < out.count; ++p) out.labels.push_back(fmt::format("process {}", p + 1));
  }
  out.separable = true;
  out.texts.assign(out.count, std::string());
  for (size_t p = 0; p < out.count; ++p) out.first_lines.push_back(first[p] + 1);
  // Other lines go with the process whose prefix they carry, else with the record before them
  // (program output printed between two of its records).
  size_t r = 0;
  int current = of.empty() ? 0 : of[0];
  // A prefix that is the same on every line of a process is its name, not its output: taken off,
  // so that each text is what the process wrote (a timestamp prefix stays for the readers).
  std::vector<std::string_view> names(out.count);
  for (size_t q = 0; q < recs.size(); ++q) {
    const size_t p = static_cast<size_t>(of[q]);
    if (first[p] == recs[q].line_index) names[p] = recs[q].prefix;
  }
  for (size_t i = 0; i < lines.size(); ++i) {
    int p = current;
    std::string_view text = lines[i];
    if (r < recs.size() && recs[r].line_index == i) {
      p = current = of[r];
      ++r;
      if (exact) text.remove_prefix(recs[r - 1].prefix.size());
    } else if (out.by_prefix) {
      for (size_t q = 0; q < names.size(); ++q) {
        if (!names[q].empty() && text.starts_with(names[q])) {
          p = static_cast<int>(q);
          if (exact) text.remove_prefix(names[q].size());
          break;
        }
      }
    }
    if (!out.by_prefix && !(r > 0 && recs[r - 1].line_index == i)) {
      // Without a prefix, a line between records (program output, another trace's line) could
      // be either process's: left out of both rather than guessed.
      ++out.unassigned_lines;
      continue;
    }
    std::string& t = out.texts[static_cast<size_t>(p)];
    t.append(text);
    t += '\n';
  }
  return out;
}

Report MergeProcessReports(std::vector<Report> parts, const InterleavedProcesses& split,
                           const std::string& source, const std::string& evidence) {
  Report r;
  r.kind = parts.empty() ? "" : parts[0].kind;
  r.source = source;
  r.title = fmt::format("{} processes interleaved in one input, read apart", parts.size());
  r.facts.push_back(
      {"Processes", fmt::format("{} ({}), told apart by {}", parts.size(), evidence,
                                split.by_prefix ? "the prefix of their lines"
                                                : "the continuity of their record numbers")});
  Json procs = Json::array();
  Json extras = Json::array();
  for (size_t i = 0; i < parts.size(); ++i) {
    Report& p = parts[i];
    const std::string& label = split.labels[i];
    r.facts.push_back({"[" + label + "]", fmt::format("{} (first record at input line {})",
                                                      p.title, split.first_lines[i])});
    for (Fact& f : p.facts) r.facts.push_back({"[" + label + "] " + f.label, std::move(f.value)});
    for (Finding& f : p.findings) {
      f.title = "[" + label + "] " + f.title;
      r.findings.push_back(std::move(f));
    }
    for (Table& t : p.tables) {
      t.title = "[" + label + "] " + t.title;
      r.tables.push_back(std::move(t));
    }
    for (std::string& w : p.warnings) r.warnings.push_back("[" + label + "] " + w);
    procs.push_back(Json{{"label", label},
                         {"first_line", split.first_lines[i]},
                         {"title", p.title},
                         {"summary", std::move(p.summary)}});
    extras.push_back(std::move(p.extra));
  }
  r.warnings.insert(r.warnings.begin(),
                    fmt::format("the input holds {} processes' output interleaved ({}); each is "
                                "read apart (line numbers count its own lines), and nothing is "
                                "computed across them",
                                parts.size(), evidence));
  if (split.unassigned_lines > 0)
    r.warnings.insert(r.warnings.begin() + 1,
                      fmt::format("{} line{} between the records carry no prefix that names "
                                  "their process and were left out of both",
                                  split.unassigned_lines, split.unassigned_lines == 1 ? "" : "s"));
  r.summary["interleaved"] = Json{{"processes", parts.size()},
                                  {"evidence", evidence},
                                  {"by_prefix", split.by_prefix},
                                  {"unassigned_lines", split.unassigned_lines}};
  r.summary["processes"] = std::move(procs);
  r.extra["processes"] = std::move(extras);
  r.SortFindings();
  return r;
}

Result<Report> AnalyzeEachProcess(InterleavedProcesses split, const std::string& source,
                                  const std::string& evidence,
                                  const std::function<Result<Report>(const Input&)>& analyze) {
  std::vector<Report> parts;
  for (size_t i = 0; i < split.count; ++i) {
    GODX_ASSIGN_OR_RETURN(Input part,
                          Input::FromBytes(fmt::format("{} [{}]", source, split.labels[i]),
                                           std::move(split.texts[i])));
    GODX_ASSIGN_OR_RETURN(Report r, analyze(part));
    parts.push_back(std::move(r));
  }
  return MergeProcessReports(std::move(parts), split, source, evidence);
}

}  // namespace godx
