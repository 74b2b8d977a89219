// The HTTP client (core/http_client.h) and the capture and watch loop against an in-process server
// on 127.0.0.1 that misbehaves on purpose: 404, garbage instead of a profile, a slow endpoint, an
// endless one, an oversized one.
#include "core/http_client.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include "live/bundle.h"
#include "live/capture.h"
#include "live/watch.h"
#include "live/watch_loop.h"

namespace godx::live {
namespace {

class FakeService : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Get("/debug/pprof/goroutine", [this](const httplib::Request&, httplib::Response& res) {
      int n = goroutines_;
      goroutines_ += goroutine_step_;
      res.set_content(fmt::format("goroutine profile: total {}\n1 @ 0x1\n", n), "text/plain");
    });
    server_.Get("/debug/pprof/heap", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("<html>not a profile</html>", "text/html");  // garbage
    });
    server_.Get("/debug/pprof/mutex", [](const httplib::Request&, httplib::Response& res) {
      res.status = 404;
      res.set_content("404 page not found\n", "text/plain");
    });
    server_.Get("/debug/pprof/block", [this](const httplib::Request&, httplib::Response& res) {
      std::this_thread::sleep_for(std::chrono::milliseconds(slow_ms_));
      res.set_content(std::string("\x1f\x8b\x08\x00", 4), "application/octet-stream");
    });
    server_.Get("/debug/pprof/endless", [](const httplib::Request&, httplib::Response& res) {
      res.set_chunked_content_provider("text/plain", [](size_t, httplib::DataSink& sink) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        return sink.write("x", 1);
      });
    });
    server_.Get("/debug/pprof/goroutineleak", [this](const httplib::Request& req,
                                                       httplib::Response& res) {
      res.status = leak_status_;
      if (leak_status_ == 200 && req.get_param_value("debug") == "1") {
        res.set_content("goroutineleak profile: total 3\n3 @ 0x1 0x2\n#\t0x1\tmain.wait+0x1\t"
                        "x/main.go:9\n\n",
                        "text/plain");
      } else if (leak_status_ == 200) {
        res.set_content(std::string("\x1f\x8b\x08\x00", 4), "application/octet-stream");
      } else {
        res.set_content("Unknown profile\n", "text/plain");
      }
    });
    server_.Get("/big", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(1 << 20, 'b'), "text/plain");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    for (int i = 0; i < 200 && !server_.is_running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    base_.host = "127.0.0.1";
    base_.port = port_;
    base_.path = "/debug/pprof/";
  }
  void TearDown() override {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }

  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  int slow_ms_ = 0;
  std::atomic<int> goroutines_{7};
  int goroutine_step_ = 0;  // added to the goroutine total after each request
  int leak_status_ = 404;   // /debug/pprof/goroutineleak: 404 as before Go 1.26
  Url base_;
};

// A service leaking 10 goroutines between samples is reported from the 4th sample on (the
// growth rule's minimum), not before; a flat one never is.
TEST_F(FakeService, WatcherDetectsGrowthFromTheFourthSample) {
  goroutine_step_ = 10;
  WatchConfig config;
  config.pprof = base_;
  Watcher w(config);
  for (int i = 0; i < 6; ++i) {
    std::vector<std::string> errors;
    WatchSample s = w.Poll(i * 5.0, &errors);
    ASSERT_TRUE(s.goroutines.has_value());
    EXPECT_EQ(*s.goroutines, 7 + 10 * i);
    EXPECT_FALSE(s.heap_bytes.has_value());  // this service has no /debug/vars
    EXPECT_FALSE(s.threads.has_value());
    auto leaks = w.Leaks();
    if (i < 3) {
      EXPECT_TRUE(leaks.empty()) << i;
    } else {
      ASSERT_EQ(leaks.size(), 1u) << i;
      EXPECT_EQ(leaks[0].id, "goroutine-leak");
      EXPECT_NE(leaks[0].title.find("(2.00/s)"), std::string::npos) << leaks[0].title;
    }
  }
  Report r = w.Summary("fake");
  EXPECT_EQ(r.summary["goroutines"]["first"], 7);
  EXPECT_EQ(r.summary["goroutines"]["last"], 57);
  EXPECT_TRUE(r.summary["threads"].is_null());
  Json j = SampleToJson(w.samples().back());
  EXPECT_EQ(j["goroutines"], 57);
  EXPECT_TRUE(j["rss_bytes"].is_null());
}

TEST_F(FakeService, WatcherStaysQuietOnAFlatService) {
  WatchConfig config;
  config.pprof = base_;
  Watcher w(config);
  for (int i = 0; i < 10; ++i) {
    std::vector<std::string> errors;
    w.Poll(i * 1.0, &errors);
  }
  EXPECT_TRUE(w.Leaks().empty());
  EXPECT_TRUE(w.Summary("fake").findings.empty());
}

// The loop: growth announced once, one bundle per cooldown, the duration respected.
TEST_F(FakeService, WatchLoopAnnouncesOnceAndBundlesOncePerCooldown) {
  goroutine_step_ = 10;
  char tmpl[] = "/tmp/godx-capture-test-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  WatchConfig config;
  config.pprof = base_;
  WatchLoopOptions lo;
  lo.interval_s = 0.05;
  lo.duration_s = 0.5;
  lo.on_leak = true;
  lo.cooldown_s = 1000;
  lo.bundles_dir = dir;
  lo.capture.cpu_s = 0;
  lo.capture.trace_s = 0;
  lo.capture.timeout_s = 0.5;
  lo.capture.progress = false;
  lo.source = "fake";
  int samples = 0, growth = 0, bundles = 0;
  WatchLoopEvents ev;
  ev.on_sample = [&](const WatchSample&, const std::vector<std::string>&) { ++samples; };
  ev.on_growth = [&](const Finding& f) {
    ++growth;
    EXPECT_EQ(f.id, "goroutine-leak");
  };
  ev.on_bundle = [&](const std::string& d) {
    ++bundles;
    EXPECT_TRUE(std::filesystem::exists(d + "/manifest.json"));
  };
  Report r = RunWatch(config, lo, ev, nullptr);
  EXPECT_GE(samples, 8);
  EXPECT_LE(samples, 11);
  EXPECT_EQ(growth, 1);
  EXPECT_EQ(bundles, 1);
  EXPECT_EQ(r.summary["bundles"].size(), 1u);
  ASSERT_FALSE(r.findings.empty());
  EXPECT_EQ(r.findings[0].id, "goroutine-leak");
  std::filesystem::remove_all(dir);
}

TEST(WatchLoop, StopFlagEndsItAndBadTargetsAreErrors) {
  volatile std::sig_atomic_t stop = 1;
  WatchConfig config;
  config.pprof = Url{"127.0.0.1", 1, "/debug/pprof/"};
  Report r = RunWatch(config, WatchLoopOptions{}, WatchLoopEvents{}, &stop);
  EXPECT_EQ(r.summary["samples"], 0);
  EXPECT_FALSE(ResolveWatchTargets({"https://x:1"}, WatchConfig{}).ok());
  EXPECT_FALSE(ResolveWatchTargets({"999999999"}, WatchConfig{}).ok());
  auto ok = ResolveWatchTargets({"http://10.1.2.3:6060/debug/pprof/heap"}, WatchConfig{});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->pprof->path, "/debug/pprof/");
  EXPECT_EQ(ok->pid, -1);  // not a loopback service: no process looked up
}

TEST(ParseUrl, AcceptsTheFormsUsersType) {
  auto u = ParseUrl("http://127.0.0.1:6060");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->host, "127.0.0.1");
  EXPECT_EQ(u->port, 6060);
  EXPECT_EQ(u->path, "");
  u = ParseUrl("localhost:8080/debug/pprof/");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->host, "localhost");
  EXPECT_EQ(u->path, "/debug/pprof/");
  u = ParseUrl("http://[::1]:7070/x");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->port, 7070);
  EXPECT_EQ(ParseUrl("http://host")->port, 80);
  EXPECT_NE(ParseUrl("https://h:1").status().message().find("https"), std::string::npos);
  EXPECT_FALSE(ParseUrl("http://h:99999").ok());
  EXPECT_FALSE(ParseUrl("http://h:port").ok());
  EXPECT_FALSE(ParseUrl("http://").ok());
  EXPECT_FALSE(ParseUrl("http://[::1").ok());
}

TEST(PprofBase, FindsTheIndexPath) {
  Url u{"h", 1, ""};
  EXPECT_EQ(PprofBase(u).path, "/debug/pprof/");
  u.path = "/admin/debug/pprof/heap";
  EXPECT_EQ(PprofBase(u).path, "/admin/debug/pprof/");
  u.path = "/admin";
  EXPECT_EQ(PprofBase(u).path, "/admin/debug/pprof/");
}

TEST_F(FakeService, FetchesABody) {
  auto r = HttpGet(base_, "/debug/pprof/goroutine?debug=1", FetchOptions{});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body.substr(0, 28), "goroutine profile: total 7\n1");
}

TEST_F(FakeService, HttpErrorIsAStatusNotAFailure) {
  auto r = HttpGet(base_, "/debug/pprof/mutex", FetchOptions{});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 404);
}

TEST_F(FakeService, SizeCapKeepsThePrefix) {
  FetchOptions o;
  o.max_bytes = 1000;
  auto r = HttpGet(base_, "/big", o);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->truncated);
  EXPECT_EQ(r->body.size(), 1000u);
}

TEST_F(FakeService, EndlessBodyHitsTheDeadline) {
  FetchOptions o;
  o.timeout_s = 0.5;
  auto start = std::chrono::steady_clock::now();
  auto r = HttpGet(base_, "/debug/pprof/endless", o);
  double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("timed out"), std::string::npos) << r.status().message();
  EXPECT_LT(took, 5.0);
}

TEST_F(FakeService, SlowEndpointTimesOut) {
  slow_ms_ = 1500;
  FetchOptions o;
  o.timeout_s = 0.3;
  auto r = HttpGet(base_, "/debug/pprof/block", o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("/debug/pprof/block"), std::string::npos);
}

TEST(HttpGet, RefusedConnectionSaysSo) {
  // Port 1 on loopback: nothing listens there.
  Url u{"127.0.0.1", 1, ""};
  auto r = HttpGet(u, "/debug/pprof/", FetchOptions{});
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(IsUnreachable(r.status())) << r.status().message();
  EXPECT_NE(r.status().message().find("127.0.0.1:1"), std::string::npos);
}

// Every fault is recorded in the manifest, the good captures are kept, nothing hangs.
TEST_F(FakeService, CaptureRecordsEachFault) {
  slow_ms_ = 1500;
  char tmpl[] = "/tmp/godx-capture-test-XXXXXX";
  std::string dir = std::string(mkdtemp(tmpl)) + "/b";
  auto b = Bundle::Create(dir, Manifest{});
  ASSERT_TRUE(b.ok());
  CaptureOptions co;
  co.cpu_s = 0;
  co.trace_s = 0;
  co.timeout_s = 0.5;
  co.progress = false;
  auto start = std::chrono::steady_clock::now();
  CaptureUrl(base_, co, &*b);
  double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(took, 10.0);
  auto m = ReadManifest(dir);
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m->complete);
  auto error_of = [&](const char* what) {
    for (const auto& e : m->entries) {
      if (e.what.find(what) != std::string::npos) return e.error;
    }
    return std::string("<no entry>");
  };
  EXPECT_EQ(error_of("debug=1"), "");
  EXPECT_NE(error_of("heap profile").find("unexpected content"), std::string::npos);
  EXPECT_NE(error_of("mutex profile").find("HTTP 404"), std::string::npos);
  EXPECT_NE(error_of("block profile").find("timed out"), std::string::npos);
  EXPECT_NE(error_of("expvar").find("HTTP 404"), std::string::npos);  // no /debug/vars here
  // The garbage is kept for the user to look at, under the name it was asked for.
  EXPECT_TRUE(std::filesystem::exists(dir + "/heap.pb.gz"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/goroutine.debug1.txt"));
  std::filesystem::remove_all(std::filesystem::path(dir).parent_path());
}

// /debug/pprof/goroutineleak: a 404 means "not offered" (a manifest fact, no failed entry, the
// proto not asked for); any other failure is a failed entry like every endpoint's; a 200 keeps
// both forms, asked last.
TEST_F(FakeService, GoroutineLeakProfileIsOptional) {
  namespace fs = std::filesystem;
  std::string root = fs::temp_directory_path() / fmt::format("godx-leak-{}", getpid());
  fs::remove_all(root);
  CaptureOptions co;
  co.cpu_s = 0;
  co.trace_s = 0;
  co.timeout_s = 2;
  co.progress = false;
  for (int status : {404, 500, 200}) {
    SCOPED_TRACE(status);
    leak_status_ = status;
    auto b = Bundle::Create(fmt::format("{}/{}", root, status), Manifest{});
    ASSERT_TRUE(b.ok()) << b.status().message();
    CaptureUrl(base_, co, &*b);
    const Manifest& m = b->manifest();
    const BundleEntry* d1 = m.Find("goroutineleak.debug1.txt");
    const BundleEntry* pb = m.Find("goroutineleak.pb.gz");
    size_t leak_entries = 0;
    for (const auto& e : m.entries) {
      leak_entries += e.source.find("goroutineleak") != std::string::npos;
    }
    if (status == 404) {
      EXPECT_EQ(leak_entries, 0u);
      ASSERT_TRUE(m.facts.contains("goroutineleak"));
      EXPECT_NE(m.facts["goroutineleak"].get<std::string>().find("HTTP 404"), std::string::npos);
    } else if (status == 500) {
      EXPECT_EQ(leak_entries, 2u);
      EXPECT_FALSE(m.facts.contains("goroutineleak"));
      for (const auto& e : m.entries) {
        if (e.source.find("goroutineleak") != std::string::npos) {
          EXPECT_NE(e.error.find("HTTP 500"), std::string::npos) << e.error;
        }
      }
    } else {
      ASSERT_NE(d1, nullptr);
      ASSERT_NE(pb, nullptr);
      EXPECT_EQ(d1->error, "");
      EXPECT_EQ(pb->error, "");
      // Asked last: their GC shows in none of the other captures.
      EXPECT_EQ(m.entries[m.entries.size() - 2].file, "goroutineleak.debug1.txt");
      EXPECT_EQ(m.entries.back().file, "goroutineleak.pb.gz");
    }
  }
  fs::remove_all(root);
}

}  // namespace
}  // namespace godx::live
