#pragma once

namespace godx::cli {
// Lets `godx watch` name the stacks whose goroutine count grows, using the dump reader's diff.
void InstallStackGrowth();
}  // namespace godx::cli
