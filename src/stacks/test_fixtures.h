// For the stacks tests: reading a dump from testdata/stacks/.
#pragma once

#include <string>

#include <gtest/gtest.h>

#include "stacks/reader.h"
#include "testing/testing.h"

namespace godx::stacks {

// The dump in testdata/stacks/`name`; fails the test (and gives an empty dump) when it does not
// read.
inline Dump ReadFixture(const std::string& name) {
  Input in = godx::testing::InputFromString(
      name, godx::testing::ReadFile(godx::testing::TestData("stacks/" + name)));
  auto d = ReadDump(in);
  EXPECT_TRUE(d.ok()) << d.status().message();
  return d.ok() ? std::move(d).value() : Dump{};
}

}  // namespace godx::stacks
