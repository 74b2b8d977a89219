#include "live/bundle.h"

#include <fmt/format.h>

#include <ctime>
#include <filesystem>
#include <fstream>

#include "core/version.h"

namespace godx::live {

namespace fs = std::filesystem;

const BundleEntry* Manifest::Find(std::string_view file) const {
  for (const auto& e : entries) {
    if (e.file == file) return &e;
  }
  return nullptr;
}

Json ManifestToJson(const Manifest& m) {
  Json j = Json::object();
  j["format"] = m.format;
  j["godx_version"] = m.godx_version;
  j["target"] = m.target;
  j["target_kind"] = m.target_kind;
  j["created"] = m.created;
  j["url"] = m.url;
  j["pid"] = m.pid;
  j["complete"] = m.complete;
  j["facts"] = m.facts;
  Json entries = Json::array();
  for (const auto& e : m.entries) {
    entries.push_back(Json{{"file", e.file},
                           {"what", e.what},
                           {"source", e.source},
                           {"started", e.started},
                           {"seconds", e.seconds},
                           {"bytes", e.bytes},
                           {"truncated", e.truncated},
                           {"error", e.error}});
  }
  j["entries"] = std::move(entries);
  return j;
}

namespace {

template <typename T>
void Get(const Json& j, const char* key, T* out) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return;
  if constexpr (std::is_same_v<T, std::string>) {
    if (it->is_string()) *out = it->template get<std::string>();
  } else if constexpr (std::is_same_v<T, bool>) {
    if (it->is_boolean()) *out = it->template get<bool>();
  } else {
    if (it->is_number()) *out = it->template get<T>();
  }
}

}  // namespace

Result<Manifest> ParseManifest(std::string_view text, const std::string& name) {
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return Status::Error(fmt::format("{}: not JSON, expected a godx bundle manifest", name));
  }
  Manifest m;
  m.format.clear();
  Get(j, "format", &m.format);
  if (m.format.rfind("godx-bundle/", 0) != 0) {
    return Status::Error(
        fmt::format("{}: \"format\" is '{}', expected '{}'", name, m.format, kManifestFormat));
  }
  Get(j, "godx_version", &m.godx_version);
  Get(j, "target", &m.target);
  Get(j, "target_kind", &m.target_kind);
  Get(j, "created", &m.created);
  Get(j, "url", &m.url);
  Get(j, "pid", &m.pid);
  Get(j, "complete", &m.complete);
  if (auto it = j.find("facts"); it != j.end() && it->is_object()) m.facts = *it;
  if (auto it = j.find("entries"); it != j.end() && it->is_array()) {
    for (const auto& je : *it) {
      if (!je.is_object()) continue;
      BundleEntry e;
      Get(je, "file", &e.file);
      Get(je, "what", &e.what);
      Get(je, "source", &e.source);
      Get(je, "started", &e.started);
      Get(je, "seconds", &e.seconds);
      Get(je, "bytes", &e.bytes);
      Get(je, "truncated", &e.truncated);
      Get(je, "error", &e.error);
      // A manifest names files inside its own directory only.
      if (e.file.find('/') != std::string::npos || e.file == ".." || e.file == ".") {
        return Status::Error(
            fmt::format("{}: entry file '{}' is not a plain file name", name, e.file));
      }
      m.entries.push_back(std::move(e));
    }
  }
  return m;
}

namespace {
std::string FormatUtc(const char* fmt_str) {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, fmt_str, &tm);
  return buf;
}
}  // namespace

std::string UtcNow() { return FormatUtc("%Y-%m-%dT%H:%M:%SZ"); }
std::string UtcStamp() { return FormatUtc("%Y%m%dT%H%M%SZ"); }

Result<Bundle> Bundle::Create(const std::string& dir, Manifest manifest) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_empty(dir, ec)) {
    return Status::Error(fmt::format("{}: exists and is not empty; choose another --out", dir));
  }
  fs::create_directories(dir, ec);
  if (ec)
    return Status::Error(
        fmt::format("{}: cannot create the bundle directory: {}", dir, ec.message()));
  Bundle b;
  b.dir_ = dir;
  b.manifest_ = std::move(manifest);
  b.manifest_.godx_version = std::string(kVersion);
  if (b.manifest_.created.empty()) b.manifest_.created = UtcNow();
  GODX_RETURN_IF_ERROR(b.WriteManifest());
  return b;
}

Status Bundle::Add(BundleEntry entry, std::string_view bytes) {
  Status write_status;
  if (!entry.file.empty()) {
    std::string path = dir_ + "/" + entry.file;
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    f.close();
    if (!f) {
      write_status = Status::Error(fmt::format("{}: cannot write", path));
      entry.error = entry.error.empty() ? "could not be written to the bundle" : entry.error;
    }
    entry.bytes = bytes.size();
  }
  manifest_.entries.push_back(std::move(entry));
  Status m = WriteManifest();
  return write_status.ok() ? m : write_status;
}

Status Bundle::WriteManifest() {
  // Written to a temporary name and renamed, so a reader never sees half a manifest.
  std::string path = dir_ + "/" + std::string(kManifestName);
  std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::trunc);
    f << ManifestToJson(manifest_).dump(2) << "\n";
    if (!f) return Status::Error(fmt::format("{}: cannot write", tmp));
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) return Status::Error(fmt::format("{}: cannot write: {}", path, ec.message()));
  return Status::Ok();
}

Result<Manifest> ReadManifest(const std::string& dir) {
  std::string path = dir + "/" + std::string(kManifestName);
  std::error_code ec;
  uint64_t size = fs::file_size(path, ec);
  std::ifstream f(path, std::ios::binary);
  if (ec || !f) {
    return Status::Error(
        fmt::format("{}: no {} (not a godx bundle directory)", dir, kManifestName));
  }
  if (size > (uint64_t{16} << 20)) {
    return Status::Error(fmt::format("{}: larger than 16 MiB, not a godx manifest", path));
  }
  std::string text;
  text.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  return ParseManifest(text, path);
}

}  // namespace godx::live
