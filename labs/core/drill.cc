#include "labs/core/drill.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <set>

#include "peerlink/core/interface_id.h"

namespace vpc::lab {

namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

std::optional<double> number(const std::string& s) {
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

}  // namespace

std::vector<std::string> splitWords(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text) {
    if (c == ' ' || c == '\t') {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

std::optional<double> parseDuration(const std::string& raw, std::string* error) {
  const std::string text = trim(raw);
  std::size_t unit = text.size();
  while (unit > 0 && std::isalpha(static_cast<unsigned char>(text[unit - 1]))) --unit;
  const std::string digits = text.substr(0, unit), suffix = text.substr(unit);
  const auto v = number(digits);
  double factor = 0;
  if (suffix == "ms") factor = 1;
  else if (suffix == "s") factor = 1000;
  else if (suffix == "m") factor = 60000;
  if (!v || factor == 0 || *v < 0) {
    if (error) *error = "'" + text + "' is not a duration (e.g. 2s, 500ms, 1.5s, 2m)";
    return std::nullopt;
  }
  return *v * factor;
}

std::string formatDuration(double ms) {
  auto fmt = [](double v) {
    std::string s = std::to_string(v);
    s.erase(s.find_last_not_of('0') + 1);
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s;
  };
  if (ms >= 1000 && std::fmod(ms, 100) == 0) return fmt(ms / 1000) + "s";
  return fmt(std::round(ms * 10) / 10) + "ms";
}

namespace {
// "<path> <op> <value>" into e.
std::optional<std::string> parseComparison(std::string rest, Expectation& e);
}  // namespace

namespace {
// A trailing `within D` or `for D`, taken off `rest` into e.
std::optional<std::string> takeTiming(std::string& rest, Expectation& e) {
  const auto words = splitWords(rest);
  if (words.size() < 2 || (words[words.size() - 2] != "within" && words[words.size() - 2] != "for")) return std::nullopt;
  std::string err;
  const auto d = parseDuration(words.back(), &err);
  if (!d) return err;
  (words[words.size() - 2] == "within" ? e.within_ms : e.for_ms) = *d;
  rest = trim(rest.substr(0, rest.rfind(words[words.size() - 2])));
  return std::nullopt;
}
}  // namespace

std::variant<Expectation, std::string> parseExpectation(const std::string& text) {
  Expectation e;
  e.text = trim(text);
  // "flow NAME: <figure> <op> <value>" (after the flow stopped) and "bond HOST: <figure> <op> <value> [within D]".
  for (const std::string kind : {"flow", "bond"}) {
    if (e.text.rfind(kind + " ", 0) != 0) continue;
    const auto c = e.text.find(':');
    if (c == std::string::npos) return "a " + kind + " expectation reads '" + kind + " <name>: <figure> <op> <value>'";
    const std::string name = trim(e.text.substr(kind.size() + 1, c - kind.size() - 1));
    if (name.empty() || name.find(' ') != std::string::npos) return "the name comes after '" + kind + "'";
    std::string rest = trim(e.text.substr(c + 1));
    if (kind == "bond")
      if (auto err = takeTiming(rest, e)) return *err;
    if (auto err = parseComparison(rest, e)) return *err;
    const auto& figures = kind == "flow" ? flowFigures() : bondFigures();
    if (std::find(figures.begin(), figures.end(), e.path) == figures.end()) {
      std::string known;
      for (const auto& f : figures) known += (known.empty() ? "" : ", ") + f;
      return "a " + kind + " has no figure '" + e.path + "' (" + known + ")";
    }
    (kind == "flow" ? e.flow : e.bond) = name;
    // A flow's bound with a unit is NX-OS time (scaled by the runner).
    if (kind == "flow" && !e.value.empty() && std::isalpha(static_cast<unsigned char>(e.value.back())))
      if (const auto d = parseDuration(e.value)) e.value_ms = *d;
    return e;
  }
  const auto c1 = e.text.find(':');
  const auto c2 = c1 == std::string::npos ? std::string::npos : e.text.find(':', c1 + 1);
  if (c2 == std::string::npos)
    return std::string("an expectation reads '<node>: <show command>: <path> <op> <value> [within D]'");
  e.node = trim(e.text.substr(0, c1));
  e.command = trim(e.text.substr(c1 + 1, c2 - c1 - 1));
  std::string rest = trim(e.text.substr(c2 + 1));
  if (e.node.empty() || e.node.find(' ') != std::string::npos) return std::string("the node name comes first");
  if (e.command.empty()) return std::string("no show command between the two ':'");
  if (auto err = takeTiming(rest, e)) return *err;
  if (auto err = parseComparison(rest, e)) return *err;
  return e;
}

namespace {
std::optional<std::string> parseComparison(std::string rest, Expectation& e) {
  static const char* kOps[] = {"==", "!=", "<=", ">=", "<", ">", " !contains ", " contains "};
  std::size_t at = std::string::npos, len = 0;
  for (const char* op : kOps) {
    const auto p = rest.find(op);
    if (p != std::string::npos && (at == std::string::npos || p < at)) {
      at = p;
      len = std::string(op).size();
    }
  }
  if (at == std::string::npos) return std::string("no comparison (== != < <= > >= contains !contains)");
  e.path = trim(rest.substr(0, at));
  e.op = trim(rest.substr(at, len));
  e.value = trim(rest.substr(at + len));
  if (e.value.size() >= 2 && e.value.front() == '"' && e.value.back() == '"') e.value = e.value.substr(1, e.value.size() - 2);
  if (e.path.empty()) return std::string("no path before '" + e.op + "'");
  return std::nullopt;
}
}  // namespace

const std::vector<std::string>& bondFigures() {
  static const std::vector<std::string> kFigures = {"enabled", "attached", "legs"};
  return kFigures;
}

const std::vector<std::string>& flowFigures() {
  static const std::vector<std::string> kFigures = {"sent", "received", "lost", "reordered", "duplicates",
                                                    "longest_outage_ms"};
  return kFigures;
}

std::variant<FlowStep, std::string> parseFlowStep(const std::vector<std::string>& w) {
  static const char* kUsage = "a flow step reads 'start NAME FROM TO [rate N]' or 'stop NAME'";
  FlowStep f;
  if (w.size() == 2 && w[0] == "stop") {
    f.stop = true;
    f.name = w[1];
    return f;
  }
  if ((w.size() != 4 && w.size() != 6) || w[0] != "start") return std::string(kUsage);
  f.name = w[1];
  f.from = w[2];
  f.to = w[3];
  if (w.size() == 6) {
    const auto n = number(w[5]);
    if (w[4] != "rate" || !n || *n < 1 || *n > 100000) return std::string("rate is 1-100000 datagrams a second");
    f.rate = static_cast<std::uint32_t>(*n);
  }
  if (f.from == f.to) return std::string("a flow goes from one host to another");
  return f;
}

bool compare(const std::string& observed, const std::string& op, const std::string& expected) {
  if (op == "contains") return observed.find(expected) != std::string::npos;
  if (op == "!contains") return observed.find(expected) == std::string::npos;
  const auto a = number(observed), b = number(expected);
  if (a && b) {
    if (op == "==") return *a == *b;
    if (op == "!=") return *a != *b;
    if (op == "<") return *a < *b;
    if (op == "<=") return *a <= *b;
    if (op == ">") return *a > *b;
    if (op == ">=") return *a >= *b;
    return false;
  }
  if (op == "==") return observed == expected;
  if (op == "!=") return observed != expected;
  if (op == "<") return observed < expected;
  if (op == "<=") return observed <= expected;
  if (op == ">") return observed > expected;
  if (op == ">=") return observed >= expected;
  return false;
}

std::string Fault::text() const {
  switch (kind) {
    case Kind::Cut: return "cut " + target;
    case Kind::Shut: return "shut " + target;
    case Kind::Restore: return "restore " + target;
    case Kind::Clear: return "clear " + target;
    case Kind::Delay:
      return "delay " + target + " " + formatDuration(delay_ms) + (jitter_ms > 0 ? " jitter " + formatDuration(jitter_ms) : "");
    case Kind::Loss: {
      std::string p = std::to_string(loss_percent);
      p.erase(p.find_last_not_of('0') + 1);
      if (p.back() == '.') p.pop_back();
      return "loss " + target + " " + p + "%" + (seed ? " seed " + std::to_string(seed) : "");
    }
    case Kind::Flap:
      return "flap " + target + " down " + formatDuration(down_ms) + " up " + formatDuration(up_ms) +
             (count ? " count " + std::to_string(count) : "") + (shut ? " shut" : "");
    case Kind::Kill: return "kill " + target;
    case Kind::Stop: return "stop " + target;
    case Kind::Cont: return "cont " + target;
    case Kind::Restart: return "restart " + target;
    case Kind::Start: return "start " + target;
    case Kind::Link: return "link " + target + ":" + port + (up ? " up" : " down");
  }
  return "?";
}

std::variant<Fault, std::string> parseFault(const std::vector<std::string>& w) {
  static const char* kUsage =
      "faults: cut|shut|restore|clear PATH, delay PATH D [jitter D], loss PATH P% [seed N], "
      "flap PATH down D up D [count N] [shut], kill|stop|cont|restart|start NODE, link NODE:INTERFACE down|up";
  if (w.size() < 2) return std::string(kUsage);
  Fault f;
  f.target = w[1];
  const std::string& verb = w[0];
  auto dur = [&](std::size_t i, double& out) -> std::string {
    if (i >= w.size()) return "'" + w[i - 1] + "' needs a duration";
    std::string err;
    const auto d = parseDuration(w[i], &err);
    if (!d) return err;
    out = *d;
    return "";
  };
  std::size_t used = 2;
  if (verb == "cut") f.kind = Fault::Kind::Cut;
  else if (verb == "shut") f.kind = Fault::Kind::Shut;
  else if (verb == "restore") f.kind = Fault::Kind::Restore;
  else if (verb == "clear") f.kind = Fault::Kind::Clear;
  else if (verb == "kill") f.kind = Fault::Kind::Kill;
  else if (verb == "stop") f.kind = Fault::Kind::Stop;
  else if (verb == "cont") f.kind = Fault::Kind::Cont;
  else if (verb == "restart") f.kind = Fault::Kind::Restart;
  else if (verb == "start") f.kind = Fault::Kind::Start;
  else if (verb == "delay") {
    f.kind = Fault::Kind::Delay;
    if (auto e = dur(2, f.delay_ms); !e.empty()) return e;
    used = 3;
    if (w.size() > 3 && w[3] == "jitter") {
      if (auto e = dur(4, f.jitter_ms); !e.empty()) return e;
      used = 5;
    }
    if (w.size() > used + 1 && w[used] == "seed") {
      const auto s = number(w[used + 1]);
      if (!s || *s < 0) return "seed is a number";
      f.seed = static_cast<std::uint64_t>(*s);
      used += 2;
    }
  } else if (verb == "loss") {
    f.kind = Fault::Kind::Loss;
    if (w.size() < 3) return std::string("loss needs a percentage, e.g. 'loss keepalive 30%'");
    std::string p = w[2];
    if (!p.empty() && p.back() == '%') p.pop_back();
    const auto v = number(p);
    if (!v || *v < 0 || *v > 100) return "'" + w[2] + "' is not a percentage (0-100%)";
    f.loss_percent = *v;
    used = 3;
    if (w.size() > 4 && w[3] == "seed") {
      const auto s = number(w[4]);
      if (!s || *s < 0) return std::string("seed is a number");
      f.seed = static_cast<std::uint64_t>(*s);
      used = 5;
    }
  } else if (verb == "flap") {
    f.kind = Fault::Kind::Flap;
    if (w.size() < 6 || w[2] != "down" || w[4] != "up")
      return std::string("flap reads 'flap PATH down D up D [count N] [shut]'");
    if (auto e = dur(3, f.down_ms); !e.empty()) return e;
    if (auto e = dur(5, f.up_ms); !e.empty()) return e;
    if (f.down_ms <= 0 || f.up_ms <= 0) return std::string("flap durations must be above 0");
    used = 6;
    if (w.size() > used + 1 && w[used] == "count") {
      const auto n = number(w[used + 1]);
      if (!n || *n < 1) return std::string("count is a number from 1");
      f.count = static_cast<std::uint32_t>(*n);
      used += 2;
    }
    if (w.size() > used && w[used] == "shut") {
      f.shut = true;
      ++used;
    }
  } else if (verb == "link") {
    f.kind = Fault::Kind::Link;
    const auto colon = w[1].find(':');
    const auto port = colon == std::string::npos ? std::nullopt : InterfaceId::parse(w[1].substr(colon + 1));
    if (!port || port->kind() != IfKind::Ethernet || w.size() < 3 || (w[2] != "down" && w[2] != "up"))
      return std::string("link reads 'link NODE:INTERFACE down|up', e.g. 'link leaf1:Ethernet1/1 down'");
    f.target = w[1].substr(0, colon);
    f.port = port->longName();
    f.up = w[2] == "up";
    used = 3;
  } else {
    return "unknown fault '" + verb + "'; " + kUsage;
  }
  if (used < w.size()) return "unexpected '" + w[used] + "' in '" + verb + "'";
  return f;
}

std::variant<Anchor, std::string> parseAnchor(const std::string& raw) {
  Anchor a;
  a.text = trim(raw);
  const auto arrow = a.text.find("->");
  if (arrow == std::string::npos) {
    if (a.text.empty()) return std::string("empty anchor");
    a.step = a.text;
    return a;
  }
  const auto left = splitWords(a.text.substr(0, arrow));
  a.state = trim(a.text.substr(arrow + 2));
  if (left.size() < 2 || a.state.empty())
    return std::string("an event anchor reads '<node> <subject> -> <state>', e.g. 'leaf2 vPC 10 -> down'");
  a.node = left[0];
  for (std::size_t i = 1; i < left.size(); ++i) a.subject += (i > 1 ? " " : "") + left[i];
  return a;
}

std::vector<std::string> checkDrill(const Drill& d, const std::vector<std::string>& nodes,
                                    const std::vector<std::string>& paths, const std::vector<std::string>& hosts) {
  std::vector<std::string> out;
  auto known = [](const std::vector<std::string>& v, const std::string& x) {
    return std::find(v.begin(), v.end(), x) != v.end();
  };
  std::set<std::string> names;
  std::set<std::string> running, stopped;  // flows, in step order
  for (const auto& s : d.steps) {
    auto bad = [&](const std::string& what) { out.push_back(s.at.str() + ": error: " + what); };
    if (!s.name.empty() && !names.insert(s.name).second) bad("step name '" + s.name + "' is used twice");
    switch (s.kind) {
      case Step::Kind::Expect:
        if (!s.expect.bond.empty()) {
          if (!known(hosts, s.expect.bond)) bad("no host '" + s.expect.bond + "' in the topology");
        } else if (!s.expect.flow.empty()) {
          if (!stopped.count(s.expect.flow))
            bad("flow '" + s.expect.flow + "' has not been stopped before this step ('flow: stop " + s.expect.flow + "')");
        } else if (!known(nodes, s.expect.node)) {
          bad("no node '" + s.expect.node + "' in the topology");
        }
        break;
      case Step::Kind::Flow:
        if (s.flow.stop) {
          if (!running.erase(s.flow.name)) bad("no running flow '" + s.flow.name + "' to stop");
          else stopped.insert(s.flow.name);
        } else {
          for (const auto& h : {s.flow.from, s.flow.to})
            if (!known(hosts, h))
              bad("no host '" + h + "' in the topology" + (hosts.empty() ? " (it has no hosts:)" : ""));
          if (running.count(s.flow.name) || stopped.count(s.flow.name)) bad("flow '" + s.flow.name + "' is started twice");
          running.insert(s.flow.name);
        }
        break;
      case Step::Kind::Fault:
        if (s.fault.onPath() && !known(paths, s.fault.target) && s.fault.target != "all")
          bad("no path '" + s.fault.target + "' (paths: peer-link, keepalive, all)");
        if (!s.fault.onPath() && !known(nodes, s.fault.target)) bad("no node '" + s.fault.target + "' in the topology");
        break;
      case Step::Kind::Run:
      case Step::Kind::Configure:
        if (!known(nodes, s.node)) bad("no node '" + s.node + "' in the topology");
        break;
      case Step::Kind::Deploy:
        for (const auto& n : s.nodes)
          if (!known(nodes, n)) bad("no node '" + n + "' in the topology");
        break;
      default: break;
    }
  }
  for (const auto& m : d.measures) {
    if (!m.after.empty() && !names.count(m.after))
      out.push_back(m.at.str() + ": error: measurement '" + m.name + "': no step named '" + m.after + "'");
    for (const Anchor* a : {&m.from, &m.to}) {
      if (!a->step.empty() && !names.count(a->step))
        out.push_back(m.at.str() + ": error: measurement '" + m.name + "': no step named '" + a->step + "'");
      if (a->step.empty() && !known(nodes, a->node))
        out.push_back(m.at.str() + ": error: measurement '" + m.name + "': no node '" + a->node + "'");
    }
  }
  return out;
}

std::vector<std::string> staleRuns(std::vector<std::string> runs, std::size_t keep) {
  const auto stamped = [](const std::string& r) {
    // YYYYmmdd-HHMMSS-PID
    if (r.size() < 17 || r[8] != '-' || r[15] != '-') return false;
    for (std::size_t i = 0; i < r.size(); ++i)
      if (i != 8 && i != 15 && !std::isdigit(static_cast<unsigned char>(r[i]))) return false;
    return true;
  };
  std::erase_if(runs, [&](const std::string& r) { return !stamped(r); });
  std::sort(runs.begin(), runs.end());  // the time stamp sorts by time
  if (runs.size() <= keep) return {};
  runs.resize(runs.size() - keep);
  return runs;
}

}  // namespace vpc::lab
