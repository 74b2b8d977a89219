// Status and Result<T>: the one error model. Anything fed by input returns one of these; the
// message is a single line that names the file and the line or byte offset where it went wrong.
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace godx {

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  static Status Ok() { return Status(); }
  static Status Error(std::string message) { return Status(std::move(message)); }

  bool ok() const { return !message_.has_value(); }
  // Empty for an OK status.
  const std::string& message() const {
    static const std::string kEmpty;
    return message_ ? *message_ : kEmpty;
  }

 private:
  explicit Status(std::string message) : message_(std::move(message)) {}
  std::optional<std::string> message_;
};

// A value or the Status that says why there is none. (std::expected needs C++23 library support
// that clang 14, which builds the fuzz targets, does not have.)
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {}  // NOLINT: must not be OK

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace godx

#define GODX_CONCAT_INNER(a, b) a##b
#define GODX_CONCAT(a, b) GODX_CONCAT_INNER(a, b)

#define GODX_RETURN_IF_ERROR(expr)          \
  do {                                      \
    ::godx::Status godx_status_ = (expr);   \
    if (!godx_status_.ok()) return godx_status_; \
  } while (0)

#define GODX_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  if (!tmp.ok()) return tmp.status();              \
  lhs = std::move(tmp).value()

#define GODX_ASSIGN_OR_RETURN(lhs, expr) \
  GODX_ASSIGN_OR_RETURN_IMPL(GODX_CONCAT(godx_result_, __LINE__), lhs, expr)
