// A command grammar in the NX-OS manner, shared by the config-file parser, `configure` lines and the
// vpcctl command line. Commands are written as specs:
//
//   "learn mac <mac:mac> [count <count:1-1000000>] vlan <vlan:1-4094> interface <if:interface>"
//
//   word           a keyword: matched case-insensitively; any unique prefix among the keywords
//                  possible at that point is accepted ("sh vpc br" = "show vpc brief")
//   <name:type>    a parameter: type is a range "1-65535" or one of mac, ipv4, vlans, interface,
//                  word, line (the rest of the line), hostport (A.B.C.D:port)
//   [ ... ]        optional
//   { a | b }      one of
//   { ... }*       any number of times, in any order (e.g. peer-keepalive options)
//
// Matching runs all specs at once (an NFA over tokens), so ambiguity and errors are reported the way
// NX-OS does: at the first token no command can take, with its column. Pure: no I/O.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "peerlink/core/interface_id.h"
#include "peerlink/core/values.h"

namespace vpc::grammar {

struct Token {
  std::string text;
  std::size_t column = 0;  // 1-based
};
std::vector<Token> tokenize(std::string_view line);

struct Match {
  int command = -1;
  std::map<std::string, std::string> values;  // parameter name -> normalised text
  std::set<std::string> keywords;             // full keywords on the matched path

  bool has(const std::string& keyword_or_param) const {
    return keywords.count(keyword_or_param) > 0 || values.count(keyword_or_param) > 0;
  }
  // A parameter only (a keyword of the same name elsewhere in the command does not count).
  bool hasValue(const std::string& param) const { return values.count(param) > 0; }
  const std::string& text(const std::string& param) const;  // precondition: present
  std::uint64_t number(const std::string& param) const;
  std::optional<std::uint64_t> numberOr(const std::string& param) const;
  MacAddress mac(const std::string& param) const;
  Ipv4 ipv4(const std::string& param) const;
  VlanSet vlans(const std::string& param) const;
  InterfaceId interface(const std::string& param) const;
};

struct MatchError {
  enum class Kind { Invalid, Ambiguous, Incomplete, BadValue, Empty };
  Kind kind = Kind::Invalid;
  std::size_t column = 0;  // 1-based column of the offending token (end of line for Incomplete)
  std::string message;     // "Invalid command", "Ambiguous command", "Incomplete command", or the value error
  std::string token;       // the offending token, if any
};

// What may come next at a point of a command line (for `?` and tab completion).
struct Candidate {
  std::string word;  // keyword, or "<name>" for a parameter
  std::string help;
  bool is_keyword = true;
};

class Grammar {
 public:
  Grammar();
  ~Grammar();
  Grammar(Grammar&&) noexcept;
  Grammar& operator=(Grammar&&) noexcept;

  // Adds a command. `id` is returned in Match::command. Specs are developer input: a malformed spec
  // is a programming error reported by the returned message (tests check every grammar compiles).
  std::optional<std::string> add(int id, std::string_view spec, std::string help = "");

  std::variant<Match, MatchError> match(std::string_view line) const;
  // Candidates for the token after `line` (if `line` ends in a space) or completing its last token.
  std::vector<Candidate> complete(std::string_view line) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vpc::grammar
