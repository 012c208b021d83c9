#include "labs/core/value.h"

#include <cctype>
#include <cmath>
#include <cstdio>

namespace vpc::lab {

Value::Value() = default;
Value::~Value() = default;
Value::Value(const Value&) = default;
Value::Value(Value&&) noexcept = default;
Value& Value::operator=(const Value&) = default;
Value& Value::operator=(Value&&) noexcept = default;
Value Value::null() { return {}; }


Value Value::boolean(bool v) {
  Value x;
  x.kind = Kind::Bool;
  x.b = v;
  return x;
}
Value Value::number(double v) {
  Value x;
  x.kind = Kind::Number;
  x.n = v;
  return x;
}
Value Value::string(std::string v) {
  Value x;
  x.kind = Kind::String;
  x.s = std::move(v);
  return x;
}

const Value* Value::field(const std::string& name) const {
  for (const auto& [k, v] : object)
    if (k == name) return &v;
  return nullptr;
}

namespace {
std::string numberText(double v) {
  if (std::floor(v) == v && std::fabs(v) < 1e15) return std::to_string(static_cast<long long>(v));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}
}  // namespace

std::string Value::text() const {
  switch (kind) {
    case Kind::Null: return "null";
    case Kind::Bool: return b ? "true" : "false";
    case Kind::Number: return numberText(n);
    case Kind::String: return s;
    case Kind::List: {
      std::string out = "[";
      for (std::size_t i = 0; i < list.size(); ++i) out += (i ? ", " : "") + list[i].text();
      return out + "]";
    }
    case Kind::Object: {
      std::string out = "{";
      for (std::size_t i = 0; i < object.size(); ++i)
        out += (i ? ", " : "") + object[i].first + ": " + object[i].second.text();
      return out + "}";
    }
  }
  return "";
}

std::variant<std::vector<PathSegment>, std::string> parsePath(const std::string& path) {
  std::vector<PathSegment> out;
  std::size_t i = 0;
  auto fail = [&](const std::string& what) {
    return "path '" + path + "', column " + std::to_string(i + 1) + ": " + what;
  };
  auto isName = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'; };
  if (path.empty()) return std::string("empty path");
  while (i < path.size()) {
    PathSegment seg;
    if (path[i] == '.') {
      if (out.empty()) return fail("a path starts with a field name");
      ++i;
    } else if (!out.empty() && path[i] != '[') {
      return fail("expected '.' or '['");
    }
    if (i < path.size() && path[i] != '[') {
      const std::size_t start = i;
      while (i < path.size() && isName(path[i])) ++i;
      if (i == start) return fail("expected a field name");
      seg.field = path.substr(start, i - start);
      if (seg.field == "length") {
        if (out.empty()) return fail("'length' needs a list before it");
        seg.field.clear();
        seg.length = true;
        out.push_back(seg);
        continue;
      }
    }
    if (i < path.size() && path[i] == '[') {
      const auto close = path.find(']', i);
      if (close == std::string::npos) return fail("'[' without ']'");
      const std::string inner = path.substr(i + 1, close - i - 1);
      const auto eq = inner.find('=');
      if (eq == std::string::npos) {
        if (inner.empty() || inner.find_first_not_of("0123456789") != std::string::npos)
          return fail("a selector is [N] or [field=value]");
        seg.index = std::stoul(inner);
      } else {
        seg.key = inner.substr(0, eq);
        seg.key_value = inner.substr(eq + 1);
        if (seg.key.empty()) return fail("a selector is [N] or [field=value]");
        if (seg.key_value.size() >= 2 && seg.key_value.front() == '"' && seg.key_value.back() == '"')
          seg.key_value = seg.key_value.substr(1, seg.key_value.size() - 2);
      }
      i = close + 1;
    }
    out.push_back(seg);
  }
  return out;
}

std::optional<Value> follow(const Value& root, const std::vector<PathSegment>& path, std::string* why) {
  const Value* at = &root;
  std::string where;
  auto missing = [&](const std::string& what) -> std::optional<Value> {
    if (why) *why = what;
    return std::nullopt;
  };
  for (const auto& seg : path) {
    if (seg.length) {
      if (at->kind == Value::Kind::List) return Value::number(static_cast<double>(at->list.size()));
      if (at->kind == Value::Kind::String) return Value::number(static_cast<double>(at->s.size()));
      if (at->kind == Value::Kind::Null) return Value::number(0);
      return missing((where.empty() ? "the value" : where) + " has no length");
    }
    if (!seg.field.empty()) {
      const Value* f = at->kind == Value::Kind::Object ? at->field(seg.field) : nullptr;
      where += (where.empty() ? "" : ".") + seg.field;
      // An absent field is its default (protobuf leaves defaults out): an empty list for selectors.
      if (!f) {
        if (seg.index || !seg.key.empty()) return missing("no element " + where + "[...] (the list is empty)");
        return missing("no field '" + where + "'");
      }
      at = f;
    }
    if (seg.index) {
      if (at->kind != Value::Kind::List || *seg.index >= at->list.size())
        return missing("no element " + where + "[" + std::to_string(*seg.index) + "]");
      at = &at->list[*seg.index];
      where += "[" + std::to_string(*seg.index) + "]";
    } else if (!seg.key.empty()) {
      const Value* found = nullptr;
      if (at->kind == Value::Kind::List)
        for (const auto& e : at->list) {
          const Value* k = e.field(seg.key);
          if (k && k->text() == seg.key_value) {
            found = &e;
            break;
          }
        }
      where += "[" + seg.key + "=" + seg.key_value + "]";
      if (!found) return missing("no element " + where);
      at = found;
    }
  }
  return *at;
}

}  // namespace vpc::lab
