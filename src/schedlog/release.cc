#include "schedlog/release.h"

#include <string_view>

namespace godx::schedlog {

GoRelease SchedTraceRelease(const SchedTrace& t) {
  GoRelease g;
  const SchedFormatSigns& s = t.signs;
  // Where a change is known only to lie between two verified releases (1.19 without it, 1.21
  // with it), both sides keep the release in between, so that neither bound can be wrong.
  if (s.with_needspinning > 0) g.AtLeast(20, "SCHED lines with needspinning=");
  if (s.without_needspinning > 0) g.AtMost(20, "SCHED lines without needspinning=");
  // 1.23's schedtrace prints "[a b]" alone; 1.25.3, 1.26 and 1.27 print "[ a b ] schedticks=[...]".
  if (s.spaced_lists > 0 || s.with_schedticks > 0) {
    g.AtLeast(24, "run queues as '[ a b ]' with schedticks=[...]");
  }
  if (s.tight_lists > 0 && s.with_schedticks == 0) {
    g.AtMost(24, "run queues as '[a b]' without schedticks=");
  }
  // scheddetail: 1.19 prints gcwaiting=0, 1.26 and 1.27 gcwaiting=false (an atomic.Bool);
  // where between the two it changed is unverified.
  if (s.bool_flags > 0) g.AtLeast(20, "scheddetail prints gcwaiting= as true/false");
  // scheddetail: 1.19 prints an absent M, P or G as -1; 1.23 and later print nil.
  if (s.nil_ids > 0) g.AtLeast(20, "scheddetail prints absent ids as 'nil'");
  if (s.minus_one_ids > 0 && s.nil_ids == 0) g.AtMost(22, "scheddetail prints absent ids as -1");
  // Wait reasons of scheddetail's G lines that only newer runtimes have.
  for (size_t id = 1; id < t.wait_reasons.size(); ++id) {
    std::string_view reason = t.wait_reasons.Get(static_cast<StringId>(id));
    if (reason == "GOMAXPROCS updater (idle)") {
      g.AtLeast(25, "a goroutine waiting in 'GOMAXPROCS updater (idle)'");
    } else if (reason.starts_with("sync.Mutex.") || reason.starts_with("sync.RWMutex.")) {
      g.AtLeast(20, "goroutines waiting in 'sync.Mutex.Lock'-style wait reasons");
    }
  }
  return g;
}

}  // namespace godx::schedlog
