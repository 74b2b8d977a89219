// Helpers shared by the pprof tests.
#pragma once

#include <string>

#include "pprof/model.h"
#include "pprof/reader.h"
#include "testing/testing.h"

namespace godx::pprof::testutil {

// Reads a profile file (gzip handled by Input); fails the test on error.
inline Profile ReadFileProfile(const std::string& path) {
  auto input = Input::Open(path);
  EXPECT_TRUE(input.ok()) << input.status().message();
  if (!input.ok()) return Profile();
  auto p = ReadProfile(*input);
  EXPECT_TRUE(p.ok()) << p.status().message();
  if (!p.ok()) return Profile();
  return std::move(p).value();
}

inline Result<Profile> ReadBytes(const std::string& name, std::string bytes) {
  auto input = Input::FromBytes(name, std::move(bytes));
  if (!input.ok()) return input.status();
  return ReadProfile(*input);
}

}  // namespace godx::pprof::testutil
