#include "gclog/release.h"

namespace godx::gclog {

GoRelease GcTraceRelease(const GcTrace& t) {
  GoRelease g;
  // The newest era of the gctrace line seen (a log several programs wrote holds the newest).
  switch (t.totals.format) {
    case GcFormat::kGo14:
      g.AtMost(4, "gctrace lines of the 'gcN(P): ... us' form");
      break;
    case GcFormat::kGo15:
      g.AtLeast(5, "five clock phases per gctrace line");
      g.AtMost(5, "five clock phases per gctrace line");
      break;
    case GcFormat::kGo16:
      g.AtLeast(6, "three clock phases per gctrace line");
      g.AtMost(17, "gctrace lines without 'MB stacks, MB globals'");
      break;
    case GcFormat::kGo118:
      g.AtLeast(18, "gctrace lines with 'MB stacks, MB globals'");
      break;
  }
  const ScavengerStats& sc = t.scavenger;
  // Go 1.13 moved the scavenger's report from gctrace's "scvg" lines to scavtrace's "scav" lines
  // (1.12 prints scvg, 1.14 scav; 1.13 is taken as either).
  if (sc.scvg_lines > 0) g.AtMost(13, "'scvg' scavenger lines");
  if (sc.scav_lines > 0) g.AtLeast(13, "scavtrace 'scav' lines");
  if (sc.scav_gen_lines > 0) {
    g.AtLeast(16, "scav lines that start with a generation number");
    g.AtMost(18, "scav lines that start with a generation number");
  }
  // Go 1.19 prints "KiB total"; 1.21, 1.26 and 1.27 print "(bg)", "(eager)" and "KiB now". 1.20
  // is unverified, so each side keeps it.
  if (sc.scav_total_lines > 0) g.AtMost(20, "scav lines ending in 'KiB total'");
  if (sc.scav_now_lines > 0) g.AtLeast(20, "scav lines with '(bg)', '(eager)' and 'KiB now'");
  // gctrace=2 prints per-size-class scan statistics since the Green Tea work (1.25's experiment,
  // 1.26's default); 1.19's gctrace=2 prints none.
  if (t.scan.lines > 0) g.AtLeast(25, "gctrace=2 'scan:' lines");
  if (t.totals.leak_checks > 0) g.AtLeast(26, "cycles marked '(checking for goroutine leaks)'");
  return g;
}

}  // namespace godx::gclog
