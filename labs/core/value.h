// A JSON-like value (what a show command's reply looks like through protobuf's JSON mapping), and the
// small path language drills use to point into it:
//
//   role                      a field
//   vpcs[id=10].status        the first element of a list whose field `id` equals 10, then a field
//   vpcs[0].id                an element by index
//   entries.length            the number of elements of a list (or characters of a string)
//
// Pure.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace vpc::lab {

struct Value {
  enum class Kind { Null, Bool, Number, String, List, Object };
  // Out of line: `object` holds pairs of Value, complete only after this definition (libstdc++ with
  // clang instantiates the inline ones too early).
  Value();
  ~Value();
  Value(const Value&);
  Value(Value&&) noexcept;
  Value& operator=(const Value&);
  Value& operator=(Value&&) noexcept;

  Kind kind = Kind::Null;
  bool b = false;
  double n = 0;
  std::string s;
  std::vector<Value> list;
  std::vector<std::pair<std::string, Value>> object;  // in field order

  static Value null();
  static Value boolean(bool v);
  static Value number(double v);
  static Value string(std::string v);

  const Value* field(const std::string& name) const;
  std::string text() const;  // for reports: strings bare, numbers without trailing zeros, lists as [a, b]
};

struct PathSegment {
  std::string field;                 // "" for a bare selector
  std::optional<std::size_t> index;  // [3]
  std::string key, key_value;        // [key=value]
  bool length = false;               // .length
};

// Parses "vpcs[id=10].status"; error text names the column (1-based) on failure.
std::variant<std::vector<PathSegment>, std::string> parsePath(const std::string& path);
// Follows a path; nullopt with a reason in `why` when a step does not exist.
std::optional<Value> follow(const Value& root, const std::vector<PathSegment>& path, std::string* why = nullptr);

}  // namespace vpc::lab
