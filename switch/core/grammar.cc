#include "switch/core/grammar.h"

#include <algorithm>
#include <cctype>

namespace vpc::grammar {

std::vector<Token> tokenize(std::string_view line) {
  std::vector<Token> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    if (i >= line.size()) break;
    const std::size_t start = i;
    while (i < line.size() && !std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    out.push_back({std::string(line.substr(start, i - start)), start + 1});
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Match accessors: values were validated by the matcher, so these parses cannot fail.

const std::string& Match::text(const std::string& param) const { return values.at(param); }
std::uint64_t Match::number(const std::string& param) const { return *parseUint(values.at(param)); }
std::optional<std::uint64_t> Match::numberOr(const std::string& param) const {
  auto it = values.find(param);
  if (it == values.end()) return std::nullopt;
  return parseUint(it->second);
}
MacAddress Match::mac(const std::string& param) const { return *MacAddress::parse(values.at(param)); }
Ipv4 Match::ipv4(const std::string& param) const { return *Ipv4::parse(values.at(param)); }
VlanSet Match::vlans(const std::string& param) const { return *VlanSet::parse(values.at(param)); }
InterfaceId Match::interface(const std::string& param) const { return *InterfaceId::parse(values.at(param)); }

// ---------------------------------------------------------------------------------------------------

namespace {

enum class ParamType { Range, Mac, Ipv4, Vlans, Interface, Word, Line, HostPort };

struct ParamSpec {
  std::string name;
  ParamType type = ParamType::Word;
  std::uint64_t lo = 0;
  std::uint64_t hi = 0;
  std::string display;  // "<1-65535>", "<mac>", ...
};

struct Edge {
  enum class Kind { Eps, Keyword, Param };
  Kind kind = Kind::Eps;
  std::string word;
  int param = -1;
  int to = 0;
};

struct State {
  std::vector<Edge> edges;
  int accept = -1;   // index into commands
  int command = -1;  // the command whose spec made this state (for help texts)
};

struct Capture {
  std::string name;
  std::string value;
  bool keyword = false;
  int parent = -1;
};

struct Thread {
  int state = 0;
  int cap = -1;
};

struct ParamResult {
  std::size_t consumed = 0;  // 0: rejected
  std::string value;
  std::string error;
};

bool isInterfaceTypeWord(const std::string& lower) {
  static const char* kTypes[] = {"ethernet", "port-channel", "vlan", "mgmt"};
  if (lower.empty()) return false;
  for (const char* t : kTypes) {
    const std::string_view full(t);
    if (full.substr(0, lower.size()) == lower) return true;
  }
  return false;
}

ParamResult tryParam(const ParamSpec& p, const std::vector<Token>& toks, std::size_t pos, std::string_view line) {
  const std::string& t = toks[pos].text;
  // The token as errors quote it: short (a value can be any length).
  const std::string q = t.size() > 40 ? t.substr(0, 40) + "..." : t;
  ParamResult r;
  switch (p.type) {
    case ParamType::Range: {
      auto v = parseUint(t);
      if (!v) {
        r.error = "invalid number '" + q + "', expected " + std::to_string(p.lo) + "-" + std::to_string(p.hi);
      } else if (*v < p.lo || *v > p.hi) {
        r.error = "value " + q + " out of range " + std::to_string(p.lo) + "-" + std::to_string(p.hi);
      } else {
        r.consumed = 1;
        r.value = std::to_string(*v);
      }
      return r;
    }
    case ParamType::Mac:
      if (auto m = MacAddress::parse(t)) {
        r.consumed = 1;
        r.value = m->dotted();
      } else {
        r.error = "invalid MAC address '" + q + "' (expected E.E.E or EE:EE:EE:EE:EE:EE)";
      }
      return r;
    case ParamType::Ipv4:
      if (auto ip = Ipv4::parse(t)) {
        r.consumed = 1;
        r.value = ip->str();
      } else {
        r.error = "invalid IPv4 address '" + q + "'";
      }
      return r;
    case ParamType::Vlans: {
      std::string err;
      if (VlanSet::parse(t, &err)) {
        r.consumed = 1;
        r.value = t;
      } else {
        r.error = err;
      }
      return r;
    }
    case ParamType::Interface: {
      const std::string lower = toLower(t);
      if (pos + 1 < toks.size() && isInterfaceTypeWord(lower) && std::isdigit(static_cast<unsigned char>(toks[pos + 1].text[0]))) {
        if (auto id = InterfaceId::parse(t + toks[pos + 1].text)) {
          r.consumed = 2;
          r.value = id->longName();
          return r;
        }
      }
      if (auto id = InterfaceId::parse(t)) {
        r.consumed = 1;
        r.value = id->longName();
      } else {
        r.error = "invalid interface '" + q + "'";
      }
      return r;
    }
    case ParamType::Word:
      r.consumed = 1;
      r.value = t;
      return r;
    case ParamType::Line:
      r.consumed = toks.size() - pos;
      r.value = std::string(line.substr(toks[pos].column - 1));
      while (!r.value.empty() && std::isspace(static_cast<unsigned char>(r.value.back()))) r.value.pop_back();
      return r;
    case ParamType::HostPort: {
      const auto colon = t.rfind(':');
      auto ip = colon == std::string::npos ? std::nullopt : Ipv4::parse(std::string_view(t).substr(0, colon));
      auto port = colon == std::string::npos ? std::nullopt : parseUint(std::string_view(t).substr(colon + 1));
      if (ip && port && *port <= 65535) {
        r.consumed = 1;
        r.value = ip->str() + ":" + std::to_string(*port);
      } else {
        r.error = "invalid address '" + q + "' (expected A.B.C.D:port)";
      }
      return r;
    }
  }
  return r;
}

}  // namespace

struct Grammar::Impl {
  std::vector<State> states{State{}};  // state 0: start
  std::vector<ParamSpec> params;
  std::vector<std::pair<int, std::string>> commands;  // (id, help; the spec itself when no help was given)

  int newState() {
    states.push_back(State{});
    return static_cast<int>(states.size()) - 1;
  }
  void eps(int from, int to) { states[from].edges.push_back(Edge{Edge::Kind::Eps, "", -1, to}); }

  struct Frag {
    int start;
    int end;
  };

  // Spec tokenizer and recursive-descent compiler (Thompson construction).
  std::vector<std::string> specToks;
  std::size_t pos = 0;
  std::string error;

  void lexSpec(std::string_view spec) {
    specToks.clear();
    pos = 0;
    std::size_t i = 0;
    while (i < spec.size()) {
      const char c = spec[i];
      if (std::isspace(static_cast<unsigned char>(c))) {
        ++i;
      } else if (c == '[' || c == ']' || c == '{' || c == '}' || c == '|' || c == '*') {
        specToks.emplace_back(1, c);
        ++i;
      } else if (c == '<') {
        const auto close = spec.find('>', i);
        if (close == std::string_view::npos) {
          error = "unterminated '<' in spec";
          return;
        }
        specToks.emplace_back(spec.substr(i, close - i + 1));
        i = close + 1;
      } else {
        const std::size_t start = i;
        while (i < spec.size() && !std::isspace(static_cast<unsigned char>(spec[i])) &&
               std::string_view("[]{}|*<").find(spec[i]) == std::string_view::npos)
          ++i;
        specToks.emplace_back(spec.substr(start, i - start));
      }
    }
  }
  bool atStop() const {
    return pos >= specToks.size() || specToks[pos] == "]" || specToks[pos] == "}" || specToks[pos] == "|";
  }

  int addParam(const std::string& tok) {
    // tok is "<name:type>"
    const std::string inner = tok.substr(1, tok.size() - 2);
    const auto colon = inner.find(':');
    if (colon == std::string::npos) {
      error = "parameter '" + tok + "' needs name:type";
      return -1;
    }
    ParamSpec p;
    p.name = inner.substr(0, colon);
    const std::string type = inner.substr(colon + 1);
    static const std::map<std::string, ParamType> kTypes = {
        {"mac", ParamType::Mac},     {"ipv4", ParamType::Ipv4},         {"vlans", ParamType::Vlans},
        {"word", ParamType::Word},   {"interface", ParamType::Interface}, {"line", ParamType::Line},
        {"hostport", ParamType::HostPort}};
    if (auto it = kTypes.find(type); it != kTypes.end()) {
      p.type = it->second;
      p.display = "<" + (p.type == ParamType::Word || p.type == ParamType::Line ? p.name : type) + ">";
    } else {
      const auto dash = type.find('-');
      auto lo = dash == std::string::npos ? std::nullopt : parseUint(type.substr(0, dash));
      auto hi = dash == std::string::npos ? std::nullopt : parseUint(type.substr(dash + 1));
      if (!lo || !hi || *lo > *hi) {
        error = "unknown parameter type '" + type + "'";
        return -1;
      }
      p.type = ParamType::Range;
      p.lo = *lo;
      p.hi = *hi;
      p.display = "<" + type + ">";
    }
    params.push_back(std::move(p));
    return static_cast<int>(params.size()) - 1;
  }

  Frag parseSeq() {
    const int start = newState();
    int cur = start;
    while (error.empty() && !atStop()) {
      const Frag f = parseElem();
      if (!error.empty()) break;
      eps(cur, f.start);
      cur = f.end;
    }
    return {start, cur};
  }

  Frag parseElem() {
    const std::string tok = specToks[pos++];
    if (tok == "[") {  // optional, possibly with alternatives: [ a | b ]
      const int s = newState(), e = newState();
      for (;;) {
        const Frag alt = parseSeq();
        if (!error.empty()) return {s, e};
        eps(s, alt.start);
        eps(alt.end, e);
        if (pos < specToks.size() && specToks[pos] == "|") {
          ++pos;
          continue;
        }
        break;
      }
      if (pos >= specToks.size() || specToks[pos] != "]") {
        error = "missing ']'";
        return {s, e};
      }
      ++pos;
      eps(s, e);
      return {s, e};
    }
    if (tok == "{") {
      const int s = newState(), e = newState();
      for (;;) {
        const Frag alt = parseSeq();
        if (!error.empty()) return {s, e};
        eps(s, alt.start);
        eps(alt.end, e);
        if (pos < specToks.size() && specToks[pos] == "|") {
          ++pos;
          continue;
        }
        break;
      }
      if (pos >= specToks.size() || specToks[pos] != "}") {
        error = "missing '}'";
        return {s, e};
      }
      ++pos;
      if (pos < specToks.size() && specToks[pos] == "*") {
        ++pos;
        const int s2 = newState(), e2 = newState();
        eps(s2, s);
        eps(e, s2);
        eps(s2, e2);
        return {s2, e2};
      }
      return {s, e};
    }
    if (tok == "]" || tok == "}" || tok == "|" || tok == "*") {
      error = "unexpected '" + tok + "'";
      return {0, 0};
    }
    const int s = newState(), e = newState();
    if (tok.front() == '<') {
      const int p = addParam(tok);
      states[s].edges.push_back(Edge{Edge::Kind::Param, "", p, e});
    } else {
      states[s].edges.push_back(Edge{Edge::Kind::Keyword, toLower(tok), -1, e});
    }
    return {s, e};
  }

  // Epsilon closure of a set of threads; the first thread to reach a state keeps it.
  std::vector<Thread> closure(const std::vector<Thread>& seeds) const {
    std::vector<Thread> out;
    std::vector<char> seen(states.size(), 0);
    std::vector<Thread> stack;
    for (auto it = seeds.rbegin(); it != seeds.rend(); ++it) stack.push_back(*it);
    while (!stack.empty()) {
      const Thread t = stack.back();
      stack.pop_back();
      if (seen[t.state]) continue;
      seen[t.state] = 1;
      out.push_back(t);
      const auto& edges = states[t.state].edges;
      for (auto it = edges.rbegin(); it != edges.rend(); ++it)
        if (it->kind == Edge::Kind::Eps) stack.push_back(Thread{it->to, t.cap});
    }
    return out;
  }

  struct Run {
    std::vector<std::vector<Thread>> at;  // threads by token position, after closure
    std::vector<Capture> caps;
    std::optional<MatchError> error;
    std::optional<Thread> accepted;
  };

  // Resolves a token against the keywords possible at a position (exact match wins, then a unique
  // prefix). Returns the keyword, or "" if none; sets `ambiguous` when several prefixes fit.
  static std::string resolveKeyword(const std::set<std::string>& keywords, const std::string& lower, bool& ambiguous) {
    ambiguous = false;
    if (keywords.count(lower)) return lower;
    std::string found;
    int n = 0;
    for (const auto& k : keywords)
      if (k.compare(0, lower.size(), lower) == 0) {
        found = k;
        ++n;
      }
    if (n == 1) return found;
    ambiguous = n > 1;
    return "";
  }

  Run run(const std::vector<Token>& toks, std::string_view line, std::size_t upto) const {
    Run r;
    r.at.assign(upto + 1, {});
    std::vector<std::vector<Thread>> pending(upto + 1);
    pending[0].push_back(Thread{0, -1});
    std::size_t furthest = 0;
    bool furthest_ambiguous = false;
    std::string furthest_param_error;
    bool furthest_keyword_hit = false;
    for (std::size_t p = 0; p <= upto; ++p) {
      if (pending[p].empty()) continue;
      r.at[p] = closure(pending[p]);
      furthest = p;
      furthest_ambiguous = false;
      furthest_param_error.clear();
      furthest_keyword_hit = false;
      if (p == upto) break;
      std::set<std::string> keywords;
      for (const auto& t : r.at[p])
        for (const auto& e : states[t.state].edges)
          if (e.kind == Edge::Kind::Keyword) keywords.insert(e.word);
      bool ambiguous = false;
      const std::string kw = resolveKeyword(keywords, toLower(toks[p].text), ambiguous);
      furthest_ambiguous = ambiguous;
      for (const auto& t : r.at[p]) {
        for (const auto& e : states[t.state].edges) {
          if (e.kind == Edge::Kind::Keyword && !kw.empty() && e.word == kw) {
            r.caps.push_back(Capture{kw, kw, true, t.cap});
            pending[p + 1].push_back(Thread{e.to, static_cast<int>(r.caps.size()) - 1});
            furthest_keyword_hit = true;
          } else if (e.kind == Edge::Kind::Param) {
            // Keywords take precedence over free words at the same point (NX-OS does the same).
            const ParamSpec& ps = params[e.param];
            if (ps.type == ParamType::Word && !kw.empty()) continue;
            auto pr = tryParam(ps, toks, p, line);
            if (pr.consumed == 0) {
              if (furthest_param_error.empty()) furthest_param_error = pr.error;
              continue;
            }
            const std::size_t next = std::min(p + pr.consumed, upto);
            if (p + pr.consumed > upto) continue;  // would run past the completion point
            r.caps.push_back(Capture{ps.name, std::move(pr.value), false, t.cap});
            pending[next].push_back(Thread{e.to, static_cast<int>(r.caps.size()) - 1});
          }
        }
      }
    }
    if (furthest == upto) {
      for (const auto& t : r.at[upto])
        if (states[t.state].accept >= 0) {
          r.accepted = t;
          break;
        }
      if (!r.accepted) {
        const std::size_t col = line.size() + 1;
        r.error = MatchError{upto == 0 ? MatchError::Kind::Empty : MatchError::Kind::Incomplete, col,
                             upto == 0 ? "Empty command" : "Incomplete command", ""};
      }
      return r;
    }
    MatchError err;
    err.column = toks[furthest].column;
    err.token = toks[furthest].text;
    if (furthest_ambiguous && !furthest_keyword_hit) {
      err.kind = MatchError::Kind::Ambiguous;
      err.message = "Ambiguous command";
    } else if (!furthest_param_error.empty() && !furthest_keyword_hit) {
      err.kind = MatchError::Kind::BadValue;
      err.message = furthest_param_error;
    } else {
      err.kind = MatchError::Kind::Invalid;
      err.message = "Invalid command";
    }
    r.error = err;
    return r;
  }
};

Grammar::Grammar() : impl_(std::make_unique<Impl>()) {}
Grammar::~Grammar() = default;
Grammar::Grammar(Grammar&&) noexcept = default;
Grammar& Grammar::operator=(Grammar&&) noexcept = default;

std::optional<std::string> Grammar::add(int id, std::string_view spec, std::string help) {
  auto& im = *impl_;
  im.error.clear();
  im.lexSpec(spec);
  if (!im.error.empty()) return im.error + " in '" + std::string(spec) + "'";
  if (im.specToks.empty()) return "empty spec";
  const std::size_t first_state = im.states.size();
  const auto frag = im.parseSeq();
  if (im.error.empty() && im.pos != im.specToks.size()) im.error = "unexpected '" + im.specToks[im.pos] + "'";
  if (!im.error.empty()) return im.error + " in '" + std::string(spec) + "'";
  im.eps(0, frag.start);
  im.commands.emplace_back(id, help.empty() ? std::string(spec) : std::move(help));
  const int index = static_cast<int>(im.commands.size()) - 1;
  im.states[frag.end].accept = index;
  for (std::size_t s = first_state; s < im.states.size(); ++s) im.states[s].command = index;
  return std::nullopt;
}

std::variant<Match, MatchError> Grammar::match(std::string_view line) const {
  const auto toks = tokenize(line);
  auto r = impl_->run(toks, line, toks.size());
  if (!r.accepted) return *r.error;
  Match m;
  m.command = impl_->commands[impl_->states[r.accepted->state].accept].first;
  for (int c = r.accepted->cap; c >= 0; c = r.caps[c].parent) {
    const auto& cap = r.caps[c];
    if (cap.keyword) m.keywords.insert(cap.value);
    else m.values.emplace(cap.name, cap.value);  // emplace: the last occurrence (seen first here) wins
  }
  return m;
}

std::vector<Candidate> Grammar::complete(std::string_view line) const {
  const auto toks = tokenize(line);
  const bool new_word = line.empty() || std::isspace(static_cast<unsigned char>(line.back()));
  const std::size_t upto = new_word ? toks.size() : toks.size() - 1;
  const std::string prefix = new_word ? "" : toLower(toks.back().text);
  auto r = impl_->run(toks, line, upto);
  std::vector<Candidate> out;
  std::set<std::string> seen;
  if (r.at.size() <= upto) return out;
  for (const auto& t : r.at[upto]) {
    for (const auto& e : impl_->states[t.state].edges) {
      if (e.kind == Edge::Kind::Keyword && e.word.compare(0, prefix.size(), prefix) == 0) {
        const int cmd = impl_->states[t.state].command;
        if (seen.insert(e.word).second) out.push_back({e.word, cmd >= 0 ? impl_->commands[cmd].second : "", true});
      } else if (e.kind == Edge::Kind::Param) {
        const auto& ps = impl_->params[e.param];
        if (seen.insert(ps.display).second) out.push_back({ps.display, ps.name, false});
      }
    }
    if (impl_->states[t.state].accept >= 0 && new_word && seen.insert("<cr>").second)
      out.push_back({"<cr>", "", false});
  }
  std::sort(out.begin(), out.end(), [](const Candidate& a, const Candidate& b) {
    if (a.is_keyword != b.is_keyword) return a.is_keyword;
    return a.word < b.word;
  });
  return out;
}

}  // namespace vpc::grammar
