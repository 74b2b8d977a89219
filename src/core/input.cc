#include "core/input.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <utility>

#include <fmt/format.h>

namespace godx {

struct Input::Storage {
  void* map = nullptr;
  size_t map_size = 0;
  std::string bytes;
  ~Storage() {
    if (map != nullptr) munmap(map, map_size);
  }
};

Input::Input(Input&&) noexcept = default;
Input& Input::operator=(Input&&) noexcept = default;
Input::~Input() = default;

void Input::Release(size_t begin, size_t end) const {
  if (storage_ == nullptr || storage_->map == nullptr || end <= begin) return;
  const auto base = reinterpret_cast<uintptr_t>(storage_->map);
  const auto from = reinterpret_cast<uintptr_t>(data_.data()) + begin;
  const auto to = reinterpret_cast<uintptr_t>(data_.data()) + std::min(end, data_.size());
  const uintptr_t page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  // Whole pages inside the range and inside the mapping only.
  const uintptr_t lo = std::max(base, (from + page - 1) / page * page);
  const uintptr_t hi = std::min(base + storage_->map_size, to / page * page);
  if (hi > lo) madvise(reinterpret_cast<void*>(lo), hi - lo, MADV_DONTNEED);
}

Compression SniffCompression(std::string_view head) {
  if (head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0x1f &&
      static_cast<unsigned char>(head[1]) == 0x8b) {
    return Compression::kGzip;
  }
  if (head.size() >= 4 && head.substr(0, 4) == std::string_view("\x28\xb5\x2f\xfd", 4)) {
    return Compression::kZstd;
  }
  return Compression::kNone;
}

namespace {

constexpr size_t kChunk = size_t{1} << 20;

// Inflates every gzip member in turn. A stream cut short keeps what was inflated.
Status Gunzip(std::string_view in, uint64_t cap, std::string* out, std::string* cut_note) {
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 32) != Z_OK) return Status::Error("zlib: inflateInit failed");
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(std::min<size_t>(in.size(), UINT32_MAX));
  size_t fed = zs.avail_in;
  // The gzip trailer holds the size mod 2^32: reserve it (bounded) so the output grows once
  // rather than by doubling, which would hold up to twice the data at the peak.
  if (in.size() >= 18 && out->empty()) {
    uint64_t isize = 0;
    // Little-endian: the last byte is the most significant.
    for (size_t i = 1; i <= 4; ++i) isize = isize << 8 | static_cast<unsigned char>(in[in.size() - i]);
    out->reserve(static_cast<size_t>(std::min(std::min<uint64_t>(isize + kChunk, cap), uint64_t{in.size()} * 64)));
  }
  Status status;
  while (true) {
    if (out->size() >= cap) {
      *cut_note = fmt::format("decompressed size cap of {} bytes reached; the rest was not read", cap);
      break;
    }
    size_t old = out->size();
    out->resize(old + kChunk);
    zs.next_out = reinterpret_cast<Bytef*>(out->data() + old);
    zs.avail_out = kChunk;
    int rc = inflate(&zs, Z_NO_FLUSH);
    out->resize(old + kChunk - zs.avail_out);
    if (zs.avail_in == 0 && fed < in.size()) {
      size_t more = std::min<size_t>(in.size() - fed, UINT32_MAX);
      zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data() + fed));
      zs.avail_in = static_cast<uInt>(more);
      fed += more;
    }
    if (rc == Z_STREAM_END) {
      // Another member may follow (concatenated gzip files); trailing zero padding ends it.
      size_t pos = in.size() - zs.avail_in;
      if (pos + 2 <= in.size() && static_cast<unsigned char>(in[pos]) == 0x1f &&
          static_cast<unsigned char>(in[pos + 1]) == 0x8b) {
        inflateReset(&zs);
        continue;
      }
      break;
    }
    if (rc == Z_BUF_ERROR && zs.avail_in == 0) {
      *cut_note = fmt::format("gzip stream ends early after {} compressed bytes", in.size());
      break;
    }
    if (rc != Z_OK) {
      if (out->empty()) {
        status = Status::Error(fmt::format("corrupt gzip data at compressed offset {}: {}",
                                           in.size() - zs.avail_in, zs.msg ? zs.msg : "?"));
      } else {
        *cut_note = fmt::format("corrupt gzip data at compressed offset {}; read what came before",
                                in.size() - zs.avail_in);
      }
      break;
    }
  }
  inflateEnd(&zs);
  return status;
}

Status Unzstd(std::string_view in, uint64_t cap, std::string* out, std::string* cut_note) {
  ZSTD_DCtx* ctx = ZSTD_createDCtx();
  if (ctx == nullptr) return Status::Error("zstd: cannot create context");
  ZSTD_inBuffer src{in.data(), in.size(), 0};
  size_t last = 0;
  Status status;
  while (src.pos < src.size) {
    if (out->size() >= cap) {
      *cut_note = fmt::format("decompressed size cap of {} bytes reached; the rest was not read", cap);
      break;
    }
    size_t old = out->size();
    out->resize(old + kChunk);
    ZSTD_outBuffer dst{out->data() + old, kChunk, 0};
    last = ZSTD_decompressStream(ctx, &dst, &src);
    out->resize(old + dst.pos);
    if (ZSTD_isError(last)) {
      if (out->empty()) {
        status = Status::Error(fmt::format("corrupt zstd data at compressed offset {}: {}",
                                           src.pos, ZSTD_getErrorName(last)));
      } else {
        *cut_note = fmt::format("corrupt zstd data at compressed offset {}; read what came before",
                                src.pos);
      }
      break;
    }
    if (dst.pos == 0 && src.pos == src.size) break;
  }
  if (status.ok() && cut_note->empty() && last != 0 && !ZSTD_isError(last)) {
    *cut_note = fmt::format("zstd stream ends early after {} compressed bytes", in.size());
  }
  ZSTD_freeDCtx(ctx);
  return status;
}

Status ReadAll(int fd, const std::string& name, uint64_t cap, std::string* out,
               std::string* cut_note) {
  char buf[1 << 16];
  while (true) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::Error(fmt::format("{}: read failed: {}", name, std::strerror(errno)));
    }
    if (n == 0) break;
    if (out->size() + static_cast<size_t>(n) > cap) {
      *cut_note = fmt::format("input size cap of {} bytes reached; the rest was not read", cap);
      break;
    }
    out->append(buf, static_cast<size_t>(n));
  }
  return Status::Ok();
}

}  // namespace

Result<Input> Input::FromBytes(std::string name, std::string bytes, const InputOptions& options) {
  Input input;
  input.name_ = std::move(name);
  input.storage_ = std::make_unique<Storage>();
  input.compression_ = SniffCompression(bytes);
  if (input.compression_ == Compression::kNone) {
    input.storage_->bytes = std::move(bytes);
  } else {
    std::string raw = std::move(bytes);
    Status st = input.compression_ == Compression::kGzip
                    ? Gunzip(raw, options.max_bytes, &input.storage_->bytes, &input.cut_note_)
                    : Unzstd(raw, options.max_bytes, &input.storage_->bytes, &input.cut_note_);
    if (!st.ok()) return Status::Error(fmt::format("{}: {}", input.name_, st.message()));
  }
  input.data_ = input.storage_->bytes;
  return input;
}

Result<Input> Input::Open(const std::string& path, const InputOptions& options) {
  std::string name = path == "-" ? "<stdin>" : path;
  if (path == "-") {
    std::string bytes, cut;
    GODX_RETURN_IF_ERROR(ReadAll(0, name, options.max_bytes, &bytes, &cut));
    GODX_ASSIGN_OR_RETURN(Input input, FromBytes(name, std::move(bytes), options));
    if (input.cut_note_.empty()) input.cut_note_ = cut;
    return input;
  }
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::Error(fmt::format("{}: cannot open: {}", name, std::strerror(errno)));
  struct stat st {};
  if (fstat(fd, &st) != 0) {
    int err = errno;
    close(fd);
    return Status::Error(fmt::format("{}: cannot stat: {}", name, std::strerror(err)));
  }
  if (S_ISDIR(st.st_mode)) {
    close(fd);
    return Status::Error(fmt::format(
        "{}: is a directory, expected a file ('godx analyze DIR' reads every file in one)", name));
  }
  if (!S_ISREG(st.st_mode) || st.st_size == 0) {
    // Pipes, character devices and empty files: read them.
    std::string bytes, cut;
    Status s = ReadAll(fd, name, options.max_bytes, &bytes, &cut);
    close(fd);
    GODX_RETURN_IF_ERROR(s);
    GODX_ASSIGN_OR_RETURN(Input input, FromBytes(name, std::move(bytes), options));
    if (input.cut_note_.empty()) input.cut_note_ = cut;
    return input;
  }
  size_t size = static_cast<size_t>(st.st_size);
  void* map = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  close(fd);
  if (map == MAP_FAILED) {
    return Status::Error(fmt::format("{}: cannot map: {}", name, std::strerror(errno)));
  }
  madvise(map, size, MADV_SEQUENTIAL);
  std::string_view mapped(static_cast<const char*>(map), size);
  Input input;
  input.name_ = name;
  input.storage_ = std::make_unique<Storage>();
  input.storage_->map = map;
  input.storage_->map_size = size;
  input.compression_ = SniffCompression(mapped);
  if (input.compression_ == Compression::kNone) {
    input.data_ = mapped;
    if (size > options.max_bytes) {
      input.data_ = mapped.substr(0, options.max_bytes);
      input.cut_note_ =
          fmt::format("input size cap of {} bytes reached; the rest was not read", options.max_bytes);
    }
    return input;
  }
  Status s = input.compression_ == Compression::kGzip
                 ? Gunzip(mapped, options.max_bytes, &input.storage_->bytes, &input.cut_note_)
                 : Unzstd(mapped, options.max_bytes, &input.storage_->bytes, &input.cut_note_);
  if (!s.ok()) return Status::Error(fmt::format("{}: {}", name, s.message()));
  munmap(map, size);
  input.storage_->map = nullptr;
  input.data_ = input.storage_->bytes;
  return input;
}

}  // namespace godx
