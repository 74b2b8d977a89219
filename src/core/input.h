// Input: the bytes of one file, stdin or in-memory buffer, decompressed if they were gzip or zstd.
// The bytes are mapped or read once; every string_view a reader hands out points into data() and
// lives as long as the Input.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

namespace godx {

enum class Compression { kNone, kGzip, kZstd };

struct InputOptions {
  // Cap on the bytes held in memory after decompression (a decompression bomb stops here).
  uint64_t max_bytes = uint64_t{16} << 30;
};

class Input {
 public:
  // `path` is a file or "-" for stdin. Gzip and zstd are detected by their magic bytes.
  static Result<Input> Open(const std::string& path, const InputOptions& options = {});
  // Wraps bytes already in memory (tests, fuzzers, network captures); decompresses them too.
  static Result<Input> FromBytes(std::string name, std::string bytes,
                                 const InputOptions& options = {});

  Input(Input&&) noexcept;
  Input& operator=(Input&&) noexcept;
  ~Input();

  const std::string& name() const { return name_; }
  std::string_view data() const { return data_; }
  Compression compression() const { return compression_; }
  // Non-empty when the compressed stream ended early or the size cap was hit: what was read is
  // still in data(), this says what was cut.
  const std::string& cut_note() const { return cut_note_; }
  // The bytes in [begin, end) of data() are done with for now: when they are a file mapping their
  // pages are dropped from memory (touching them again reads them from the file again), so that
  // a reader streaming a large file keeps only what it works on resident. No effect otherwise.
  void Release(size_t begin, size_t end) const;

 private:
  Input() = default;
  struct Storage;
  std::string name_;
  std::string_view data_;
  Compression compression_ = Compression::kNone;
  std::string cut_note_;
  std::unique_ptr<Storage> storage_;
};

// Detects the compression of a buffer from its first bytes.
Compression SniffCompression(std::string_view head);

}  // namespace godx
