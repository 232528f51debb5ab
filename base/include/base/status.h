// Status and Result<T>: the one error type that crosses module boundaries (base/, below every
// other module; the namespace stays `ledger`).
//
// A Status is cheap when OK (no allocation) and carries a code and a message otherwise. Codes are
// few and stable: programs (the CLI's exit codes, the server's HTTP statuses) map them, people
// read the message. Anything that came from disk, the network or a caller is reported through a
// Status; programming errors are asserts beside an `// Invariant:` comment.
#ifndef BASE_STATUS_H_
#define BASE_STATUS_H_

#include <cassert>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace ledger {

enum class StatusCode : int {
  kOk = 0,
  kNotFound = 1,
  kInvalidArgument = 2,
  kConflict = 3,
  kCorruption = 4,
  kIOError = 5,
  kPermissionDenied = 6,
  kFailedPrecondition = 7,
  kUnavailable = 8,
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message);

  static Status Ok() { return Status(); }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status InvalidArgument(std::string m) {
    return {StatusCode::kInvalidArgument, std::move(m)};
  }
  static Status Conflict(std::string m) { return {StatusCode::kConflict, std::move(m)}; }
  static Status Corruption(std::string m) { return {StatusCode::kCorruption, std::move(m)}; }
  static Status IOError(std::string m) { return {StatusCode::kIOError, std::move(m)}; }
  static Status PermissionDenied(std::string m) {
    return {StatusCode::kPermissionDenied, std::move(m)};
  }
  static Status FailedPrecondition(std::string m) {
    return {StatusCode::kFailedPrecondition, std::move(m)};
  }
  static Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }

  bool ok() const { return state_ == nullptr; }
  StatusCode code() const { return state_ ? state_->code : StatusCode::kOk; }
  // The message without the code; empty when OK.
  const std::string& message() const;
  // "InvalidArgument: message", or "OK".
  std::string ToString() const;

  // Returns a Status with the same code and "prefix: message".
  Status WithContext(std::string_view prefix) const;

  // Marks an error as deliberately ignored.
  void IgnoreError() const {}

 private:
  struct State {
    StatusCode code;
    std::string message;
  };
  std::shared_ptr<const State> state_;
};

// Either a value or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT: implicit by design
    // Invariant: a Result holds a value or an error, never an OK status without a value.
    assert(!status_.ok());
    if (status_.ok()) status_ = Status(StatusCode::kFailedPrecondition, "OK status in Result");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }

  // REQUIRES: ok().
  T& value() & {
    assert(ok());
    return *value_;
  }
  const T& value() const& {
    assert(ok());
    return *value_;
  }
  T&& value() && {
    assert(ok());
    return std::move(*value_);
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace ledger

#define LEDGER_CONCAT_INNER_(a, b) a##b
#define LEDGER_CONCAT_(a, b) LEDGER_CONCAT_INNER_(a, b)

// Returns from the enclosing function if `expr` (a Status) is not OK. Prefixed so that it cannot
// collide with Abseil's (or any other library's) RETURN_IF_ERROR.
#define LEDGER_RETURN_IF_ERROR(expr)                 \
  do {                                               \
    ::ledger::Status ledger_status_ = (expr);        \
    if (!ledger_status_.ok()) return ledger_status_; \
  } while (0)

// `LEDGER_ASSIGN_OR_RETURN(auto x, MakeX());` declares x from a Result or returns its Status.
#define LEDGER_ASSIGN_OR_RETURN(lhs, rexpr) \
  LEDGER_ASSIGN_OR_RETURN_IMPL_(LEDGER_CONCAT_(ledger_result_, __LINE__), lhs, rexpr)
#define LEDGER_ASSIGN_OR_RETURN_IMPL_(result, lhs, rexpr) \
  auto result = (rexpr);                                  \
  if (!result.ok()) return result.status();               \
  lhs = std::move(result).value()

#endif  // BASE_STATUS_H_
