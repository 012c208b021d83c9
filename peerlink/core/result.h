// Error values for the core and the shell. No exceptions cross core APIs: expected failures (bad
// config, bad peer input, unknown interface) are values; the edge that finally handles one logs it once
// and, for RPCs, translates it through the single status table (switch/mgmt/status_codec.h).
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace vpc {

enum class ErrorCode { InvalidArgument, NotFound, FailedPrecondition, AlreadyExists, Unavailable, Internal };

struct Error {
  ErrorCode code = ErrorCode::InvalidArgument;
  std::string message;
};

inline Error invalidArgument(std::string message) { return {ErrorCode::InvalidArgument, std::move(message)}; }
inline Error notFound(std::string message) { return {ErrorCode::NotFound, std::move(message)}; }
inline Error failedPrecondition(std::string message) {
  return {ErrorCode::FailedPrecondition, std::move(message)};
}

// The subset of std::expected we need (std::expected needs -std=c++23 on g++ 12).
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }
  T& operator*() { return std::get<0>(v_); }
  const T& operator*() const { return std::get<0>(v_); }
  T* operator->() { return &std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT(google-explicit-constructor)
  static Status ok() { return {}; }
  bool isOk() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

}  // namespace vpc

#define VPC_CONCAT_INNER(a, b) a##b
#define VPC_CONCAT(a, b) VPC_CONCAT_INNER(a, b)

// Propagate an error; never logs (the edge that handles it logs once).
#define VPC_RETURN_IF_ERROR(expr)                \
  do {                                           \
    auto vpc_status_ = (expr);                   \
    if (!vpc_status_) return vpc_status_.error(); \
  } while (0)

#define VPC_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp) return tmp.error();                   \
  lhs = std::move(*tmp)

#define VPC_ASSIGN_OR_RETURN(lhs, expr) VPC_ASSIGN_OR_RETURN_IMPL(VPC_CONCAT(vpc_result_, __LINE__), lhs, expr)
