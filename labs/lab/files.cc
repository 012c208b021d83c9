#include "labs/lab/files.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "labs/core/value.h"
#include "switch/mgmt/registry.h"
#include "switch/core/config_parser.h"

namespace vpc::lab {

std::vector<std::string> configFiles(const std::string& joined) {
  std::vector<std::string> out;
  for (std::size_t at = 0; at < joined.size();) {
    const auto plus = joined.find(" + ", at);
    out.push_back(joined.substr(at, plus == std::string::npos ? std::string::npos : plus - at));
    if (plus == std::string::npos) break;
    at = plus + 3;
  }
  return out;
}

std::string readWholeFile(const std::string& path, bool* ok) {
  std::ifstream in(path, std::ios::binary);
  if (ok) *ok = static_cast<bool>(in);
  if (!in) return "";
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string dirOf(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
}

std::string joinPath(const std::string& dir, const std::string& rel) {
  if (rel.empty() || rel.front() == '/' || dir.empty() || dir == ".") return rel;
  return dir + "/" + rel;
}

namespace {

// Errors thrown inside a load and turned into one Error at its end.
struct LoadFailure {
  std::string message;
};

class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const YAML::Node& at, const std::string& what) const {
    const auto m = at.Mark();
    throw LoadFailure{file_ + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1) + ": error: " + what};
  }
  [[noreturn]] void failAtStart(const std::string& what) const { throw LoadFailure{file_ + ":1:1: error: " + what}; }

  // The mapping's keys must be among `allowed`.
  void keys(const YAML::Node& map, const std::set<std::string>& allowed, const std::string& where) const {
    if (!map.IsMap()) fail(map, where + " must be a mapping");
    for (const auto& kv : map) {
      const auto key = kv.first.as<std::string>();
      if (!allowed.count(key)) {
        std::string list;
        for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
        fail(kv.first, "unknown key '" + key + "' in " + where + " (known: " + list + ")");
      }
    }
  }
  std::string scalar(const YAML::Node& n, const std::string& what) const {
    if (!n.IsScalar()) fail(n, what + " must be a single value");
    return n.as<std::string>();
  }
  double number(const YAML::Node& n, const std::string& what) const {
    const auto text = scalar(n, what);
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(v)) fail(n, what + " must be a number");
    return v;
  }
  double timeScale(const YAML::Node& n) const {
    const double v = number(n, "time-scale");
    if (v < 0.001 || v > 1) fail(n, "time-scale must be between 0.001 and 1");
    return v;
  }
  YAML::Node parse(const std::string& text) const {
    try {
      return YAML::Load(text);
    } catch (const YAML::ParserException& e) {
      throw LoadFailure{file_ + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) +
                        ": error: " + e.msg};
    }
  }
  const std::string& file() const { return file_; }

 private:
  std::string file_;
};

bool validName(const std::string& s) {
  if (s.empty() || s.size() > 40 || !(std::isalnum(static_cast<unsigned char>(s[0])))) return false;
  for (char c : s)
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '-' ||
          c == '_'))
      return false;
  return true;
}

// The address's subnet: does `a` lie in `net`/`prefix`?
bool inSubnet(Ipv4 a, Ipv4 net, std::uint32_t prefix) {
  const std::uint32_t mask = prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - prefix);
  return (a.value & mask) == (net.value & mask);
}

// "A.B.C.D/len" -> address and prefix.
std::optional<std::pair<Ipv4, std::uint32_t>> cidr(const std::string& text) {
  const auto slash = text.find('/');
  if (slash == std::string::npos) return std::nullopt;
  const auto ip = Ipv4::parse(text.substr(0, slash));
  const auto len = text.substr(slash + 1);
  if (!ip || len.empty() || len.size() > 2 || !std::all_of(len.begin(), len.end(), ::isdigit)) return std::nullopt;
  const auto prefix = static_cast<std::uint32_t>(std::stoul(len));
  if (prefix < 1 || prefix > 30) return std::nullopt;
  return std::make_pair(*ip, prefix);
}

void readHosts(const Reader& r, const YAML::Node& hosts, Topology& t) {
  if (!hosts.IsMap()) r.fail(hosts, "hosts is a mapping: one entry per host");
  std::map<std::pair<std::string, InterfaceId>, std::string> used;  // (node, port) -> host
  std::set<std::uint32_t> addresses;
  for (const auto& kv : hosts) {
    TopologyHost h;
    h.name = kv.first.as<std::string>();
    h.line = kv.first.Mark().line + 1;
    if (!validName(h.name) || h.name.size() > 12)
      r.fail(kv.first, "host name '" + h.name + "' must be lowercase letters, digits and '-', 12 characters at most");
    for (const auto& n : t.nodes)
      if (n.name == h.name) r.fail(kv.first, "'" + h.name + "' is already a switch's name");
    const YAML::Node spec = kv.second;
    r.keys(spec, {"address", "vlan", "links"}, "host '" + h.name + "'");
    if (!spec["address"]) r.fail(spec, "host '" + h.name + "' needs 'address' (A.B.C.D/len)");
    h.address = r.scalar(spec["address"], "address");
    const auto a = cidr(h.address);
    if (!a) r.fail(spec["address"], "address '" + h.address + "' is not A.B.C.D/len (len 1-30)");
    h.ip = a->first;
    h.prefix = a->second;
    if (!addresses.insert(h.ip.value).second) r.fail(spec["address"], "address " + h.ip.str() + " is used twice");
    if (spec["vlan"]) {
      const double v = r.number(spec["vlan"], "vlan");
      if (v < 1 || v > 4094 || v != static_cast<int>(v)) r.fail(spec["vlan"], "vlan must be 1-4094");
      h.vlan = static_cast<std::uint16_t>(v);
    }
    const YAML::Node links = spec["links"];
    if (!links || !links.IsSequence() || links.size() < 1 || links.size() > 2)
      r.fail(links ? links : spec, "host '" + h.name + "' needs 'links': one switch port, or one on each switch");
    std::optional<std::uint32_t> vpc_of_first;
    for (const auto& l : links) {
      const auto text = r.scalar(l, "a link");
      const auto colon = text.find(':');
      if (colon == std::string::npos) r.fail(l, "a host link is NODE:INTERFACE, e.g. leaf1:Ethernet1/1");
      HostLink hl;
      hl.node = text.substr(0, colon);
      const TopologyNode* node = nullptr;
      for (const auto& n : t.nodes)
        if (n.name == hl.node) node = &n;
      if (!node) r.fail(l, "no switch '" + hl.node + "'");
      const auto port = InterfaceId::parse(text.substr(colon + 1));
      if (!port || port->kind() != IfKind::Ethernet)
        r.fail(l, "'" + text.substr(colon + 1) + "' is not an Ethernet port");
      hl.port = *port;
      const auto* ic = node->config.interface(*port);
      if (!ic) r.fail(l, hl.node + " has no interface " + port->longName());
      const auto [it, fresh] = used.try_emplace({hl.node, *port}, h.name);
      if (!fresh) r.fail(l, hl.node + ":" + port->longName() + " is already linked to host '" + it->second + "'");
      // The port the host's VLAN rides: the member's port-channel, or the port itself.
      const InterfaceConfig* carrier = ic;
      std::optional<std::uint32_t> vpc;
      if (ic->channel_group) {
        carrier = node->config.interface(InterfaceId::portChannel(*ic->channel_group));
        if (carrier) vpc = carrier->vpc_id;
      }
      if (!carrier || !carrier->switchport || carrier->vpc_peer_link)
        r.fail(l, hl.node + ":" + port->longName() + " is not a port a host can use (not a switchport, or the peer-link)");
      if (!carrier->carriedVlans().contains(h.vlan) || !node->config.vlans.contains(h.vlan))
        r.fail(l, hl.node + ":" + port->longName() + " does not carry VLAN " + std::to_string(h.vlan));
      h.tagged = carrier->mode == PortMode::Trunk && carrier->native_vlan != h.vlan;
      if (links.size() == 2) {
        if (!vpc) r.fail(l, "a dual-homed host's ports are members of a vPC; " + hl.node + ":" + port->longName() + " is not");
        if (vpc_of_first && *vpc_of_first != *vpc)
          r.fail(l, "a dual-homed host's two ports belong to one vPC (vPC " + std::to_string(*vpc_of_first) + ", not " +
                        std::to_string(*vpc) + ")");
        vpc_of_first = vpc;
      }
      // The address must lie in the VLAN's SVI subnet where the switch has one.
      if (const auto* svi = node->config.interface(InterfaceId::vlan(h.vlan)); svi && !svi->ip_address.empty())
        if (const auto s = cidr(svi->ip_address); s && !inSubnet(h.ip, s->first, s->second))
          r.fail(spec["address"], "address " + h.address + " is outside VLAN " + std::to_string(h.vlan) + "'s subnet (" +
                                      hl.node + " Vlan" + std::to_string(h.vlan) + " is " + svi->ip_address + ")");
      h.links.push_back(hl);
    }
    if (h.links.size() == 2 && h.links[0].node == h.links[1].node)
      r.fail(links, "a dual-homed host has one link to each switch");
    t.hosts.push_back(std::move(h));
  }
}

Topology readTopology(const std::string& path) {
  Reader r(path);
  bool ok = false;
  const std::string text = readWholeFile(path, &ok);
  if (!ok) throw LoadFailure{path + ": error: cannot read the topology file"};
  const YAML::Node root = r.parse(text);
  if (!root.IsMap()) r.failAtStart("a topology is a mapping with 'name' and 'nodes'");
  r.keys(root, {"name", "time-scale", "placement", "nodes", "links", "hosts"}, "the topology");
  Topology t;
  t.file = path;
  if (!root["name"]) r.failAtStart("the topology has no 'name'");
  t.name = r.scalar(root["name"], "name");
  if (!validName(t.name)) r.fail(root["name"], "name '" + t.name + "' must be lowercase letters, digits and '-'");
  if (root["time-scale"]) t.time_scale = r.timeScale(root["time-scale"]);
  if (root["placement"]) {
    const std::string placement = r.scalar(root["placement"], "placement");
    if (placement != "loopback" && placement != "namespaces")
      r.fail(root["placement"], "placement '" + placement + "' is 'loopback' (the default) or 'namespaces'");
    t.namespaces = placement == "namespaces";
  }
  const YAML::Node nodes = root["nodes"];
  if (!nodes || !nodes.IsMap()) r.failAtStart("the topology needs 'nodes:' with one entry per switch");
  for (const auto& kv : nodes) {
    TopologyNode n;
    n.name = kv.first.as<std::string>();
    if (!validName(n.name)) r.fail(kv.first, "node name '" + n.name + "' must be lowercase letters, digits and '-'");
    r.keys(kv.second, {"config", "kind"}, "node '" + n.name + "'");
    if (kv.second["kind"] && r.scalar(kv.second["kind"], "kind") != "nxos-vpc")
      r.fail(kv.second["kind"], "the only node kind is 'nxos-vpc'");
    if (!kv.second["config"]) r.fail(kv.second, "node '" + n.name + "' needs 'config' (a file, or the config text)");
    // One config, or a list of them read one after the other (a base config and additions to it).
    const YAML::Node cfg = kv.second["config"];
    std::vector<YAML::Node> parts;
    if (cfg.IsSequence())
      for (const auto& c : cfg) parts.push_back(c);
    else
      parts.push_back(cfg);
    if (parts.empty()) r.fail(cfg, "config is a file, the config text, or a list of them");
    for (const auto& part : parts) {
      const std::string config = r.scalar(part, "config");
      if (config.find('\n') != std::string::npos) {
        n.config_text += config;
      } else {
        const std::string file = joinPath(dirOf(path), config);
        bool read = false;
        const std::string body = readWholeFile(file, &read);
        if (!read) r.fail(part, "cannot read the config file '" + file + "'");
        n.config_file += (n.config_file.empty() ? "" : " + ") + file;
        n.config_text += body;
      }
      if (!n.config_text.empty() && n.config_text.back() != '\n') n.config_text += '\n';
    }
    const auto parsed = parseConfig(n.config_text, n.config_file.empty() ? path + " (" + n.name + ")" : n.config_file);
    if (!parsed.config) throw LoadFailure{parsed.error->format()};
    n.config = *parsed.config;
    t.nodes.push_back(std::move(n));
  }
  if (t.nodes.size() != 2) r.fail(nodes, "a vPC lab has exactly two switches (this one has " + std::to_string(t.nodes.size()) + ")");
  t.paths = {"peer-link", "keepalive"};
  if (const YAML::Node links = root["links"]) {
    if (!links.IsSequence()) r.fail(links, "links is a list");
    std::set<std::string> seen;
    for (const auto& l : links) {
      r.keys(l, {"name", "endpoints"}, "a link");
      if (!l["name"]) r.fail(l, "a link needs a 'name' (peer-link or keepalive)");
      const auto name = r.scalar(l["name"], "name");
      if (name != "peer-link" && name != "keepalive") r.fail(l["name"], "links are 'peer-link' and 'keepalive'");
      if (!seen.insert(name).second) r.fail(l["name"], "link '" + name + "' appears twice");
      const YAML::Node ends = l["endpoints"];
      if (!ends || !ends.IsSequence() || ends.size() != 2) r.fail(l, "a link has two endpoints");
      std::set<std::string> names;
      for (const auto& e : ends) {
        const auto n = r.scalar(e, "an endpoint");
        if (n != t.nodes[0].name && n != t.nodes[1].name) r.fail(e, "no node '" + n + "'");
        names.insert(n);
      }
      if (names.size() != 2) r.fail(ends, "a link joins two different switches");
    }
  }
  if (const YAML::Node hosts = root["hosts"]) readHosts(r, hosts, t);
  return t;
}

// "<node>: <words>" -> node and words.
std::pair<std::string, std::string> nodeAndRest(const Reader& r, const YAML::Node& n, const std::string& text,
                                                const std::string& form) {
  const auto colon = text.find(':');
  if (colon == std::string::npos) r.fail(n, "expected '" + form + "'");
  auto trim = [](std::string s) {
    const auto b = s.find_first_not_of(" \t");
    const auto e = s.find_last_not_of(" \t");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
  };
  return {trim(text.substr(0, colon)), trim(text.substr(colon + 1))};
}

void checkExec(const Reader& r, const YAML::Node& at, const std::string& words, bool show_only) {
  const auto m = mgmt::execGrammar().match(words);
  if (auto* e = std::get_if<grammar::MatchError>(&m)) {
    std::string why = e->kind == grammar::MatchError::Kind::BadValue ? e->message : "not a vpcctl command";
    r.fail(at, "'" + words + "': " + why + " at column " + std::to_string(e->column));
  }
  const auto* verb = mgmt::registry().find(std::get<grammar::Match>(m).command);
  const auto kind = verb ? verb->kind() : mgmt::Verb::Kind::Stream;
  if (show_only && kind != mgmt::Verb::Kind::Show) r.fail(at, "'" + words + "' is not a show command");
  // A `run:` step changes something, or shows something (its text is captured into the report).
  if (!show_only && kind == mgmt::Verb::Kind::Stream)
    r.fail(at, "'" + words + "' is a stream without an end; `vpclab events LAB --follow` follows a lab");
}

Drill readDrill(const std::string& path) {
  Reader r(path);
  bool ok = false;
  const std::string text = readWholeFile(path, &ok);
  if (!ok) throw LoadFailure{path + ": error: cannot read the drill file"};
  const YAML::Node root = r.parse(text);
  if (!root.IsMap()) r.failAtStart("a drill is a mapping with 'drill', 'topology' and 'steps'");
  r.keys(root, {"drill", "title", "note", "topology", "time-scale", "steps", "measure"}, "the drill");
  Drill d;
  d.file = path;
  if (!root["drill"]) r.failAtStart("the drill has no name ('drill: <name>')");
  d.name = r.scalar(root["drill"], "drill");
  if (!validName(d.name)) r.fail(root["drill"], "drill name '" + d.name + "' must be lowercase letters, digits and '-'");
  if (root["title"]) d.title = r.scalar(root["title"], "title");
  if (root["note"]) d.note = r.scalar(root["note"], "note");
  if (!root["topology"]) r.failAtStart("the drill names no topology ('topology: <file>')");
  d.topology = r.scalar(root["topology"], "topology");
  if (root["time-scale"]) d.time_scale = r.timeScale(root["time-scale"]);
  const YAML::Node steps = root["steps"];
  if (!steps || !steps.IsSequence() || steps.size() == 0) r.failAtStart("the drill has no 'steps:' list");
  for (const auto& s : steps) {
    Step step;
    const auto mark = s.Mark();
    step.at = {path, mark.line + 1, mark.column + 1};
    r.keys(s, {"name", "ask", "expect", "fault", "run", "configure", "sleep", "deploy", "wait", "flow"}, "a step");
    int actions = 0;
    std::string action;
    for (const auto& kv : s)
      if (kv.first.as<std::string>() != "name" && kv.first.as<std::string>() != "ask") {
        ++actions;
        action = kv.first.as<std::string>();
      }
    if (actions != 1) r.fail(s, "a step has exactly one of expect, fault, run, configure, sleep, deploy, wait, flow");
    if (s["name"]) step.name = r.scalar(s["name"], "name");
    if (s["ask"]) step.ask = r.scalar(s["ask"], "ask");
    const YAML::Node n = s[action];
    if (action == "expect") {
      step.kind = Step::Kind::Expect;
      step.text = r.scalar(n, "expect");
      const auto e = parseExpectation(step.text);
      if (auto* err = std::get_if<std::string>(&e)) r.fail(n, *err);
      step.expect = std::get<Expectation>(e);
      if (step.expect.flow.empty() && step.expect.bond.empty()) checkExec(r, n, step.expect.command, true);
      const auto p = parsePath(step.expect.path);
      if (auto* err = std::get_if<std::string>(&p)) r.fail(n, *err);
    } else if (action == "flow") {
      step.kind = Step::Kind::Flow;
      step.text = "flow " + r.scalar(n, "flow");
      const auto f = parseFlowStep(splitWords(r.scalar(n, "flow")));
      if (auto* err = std::get_if<std::string>(&f)) r.fail(n, *err);
      step.flow = std::get<FlowStep>(f);
    } else if (action == "fault") {
      step.kind = Step::Kind::Fault;
      step.text = r.scalar(n, "fault");
      const auto f = parseFault(splitWords(step.text));
      if (auto* err = std::get_if<std::string>(&f)) r.fail(n, *err);
      step.fault = std::get<Fault>(f);
    } else if (action == "run") {
      step.kind = Step::Kind::Run;
      step.text = r.scalar(n, "run");
      std::tie(step.node, step.command) = nodeAndRest(r, n, step.text, "<node>: <vpcctl command>");
      checkExec(r, n, step.command, false);
    } else if (action == "configure") {
      step.kind = Step::Kind::Configure;
      r.keys(n, {"node", "lines"}, "configure");
      if (!n["node"] || !n["lines"] || !n["lines"].IsSequence())
        r.fail(n, "configure has 'node:' and 'lines:' (a list of configure terminal lines)");
      step.node = r.scalar(n["node"], "node");
      for (const auto& l : n["lines"]) step.lines.push_back(r.scalar(l, "a line"));
      step.text = "configure " + step.node + ":";
      for (const auto& l : step.lines) step.text += " " + l + ";";
      step.text.pop_back();
    } else if (action == "sleep") {
      step.kind = Step::Kind::Sleep;
      step.text = "sleep " + r.scalar(n, "sleep");
      std::string err;
      const auto ms = parseDuration(r.scalar(n, "sleep"), &err);
      if (!ms) r.fail(n, err);
      step.ms = *ms;
    } else if (action == "deploy") {
      step.kind = Step::Kind::Deploy;
      if (n.IsSequence()) {
        for (const auto& x : n) step.nodes.push_back(r.scalar(x, "a node"));
      } else if (r.scalar(n, "deploy") != "all") {
        step.nodes.push_back(r.scalar(n, "deploy"));
      }
      step.text = "deploy";
      for (const auto& x : step.nodes) step.text += " " + x;
      if (step.nodes.empty()) step.text += " all";
    } else if (action == "wait") {
      step.kind = Step::Kind::WaitConverged;
      step.text = "wait " + r.scalar(n, "wait");
      const auto w = splitWords(r.scalar(n, "wait"));
      if (w.size() != 3 || w[0] != "converged" || w[1] != "within")
        r.fail(n, "wait reads 'converged within D' (both switches synchronised, equal views)");
      std::string err;
      const auto ms = parseDuration(w[2], &err);
      if (!ms) r.fail(n, err);
      step.ms = *ms;
    }
    d.steps.push_back(std::move(step));
  }
  if (const YAML::Node ms = root["measure"]) {
    if (!ms.IsSequence()) r.fail(ms, "measure is a list");
    for (const auto& m : ms) {
      r.keys(m, {"name", "from", "to", "after", "at-most"}, "a measurement");
      MeasureSpec spec;
      const auto mark = m.Mark();
      spec.at = {path, mark.line + 1, mark.column + 1};
      if (!m["name"] || !m["from"] || !m["to"]) r.fail(m, "a measurement has 'name', 'from' and 'to'");
      spec.name = r.scalar(m["name"], "name");
      for (auto [key, anchor] : {std::pair<const char*, Anchor*>{"from", &spec.from}, {"to", &spec.to}}) {
        const auto a = parseAnchor(r.scalar(m[key], key));
        if (auto* err = std::get_if<std::string>(&a)) r.fail(m[key], *err);
        *anchor = std::get<Anchor>(a);
      }
      if (m["after"]) spec.after = r.scalar(m["after"], "after");
      if (m["at-most"]) {
        std::string err;
        const auto ms_bound = parseDuration(r.scalar(m["at-most"], "at-most"), &err);
        if (!ms_bound) r.fail(m["at-most"], err);
        spec.at_most_ms = *ms_bound;
      }
      d.measures.push_back(std::move(spec));
    }
  }
  return d;
}

}  // namespace

bool validLabName(const std::string& name) { return validName(name); }

Result<Topology> loadTopology(const std::string& path) {
  try {
    return readTopology(path);
  } catch (const LoadFailure& f) {
    return invalidArgument(f.message);
  } catch (const YAML::Exception& e) {
    return invalidArgument(path + ": error: " + e.what());
  }
}

Result<LoadedDrill> loadDrill(const std::string& path) {
  LoadedDrill out;
  try {
    out.drill = readDrill(path);
  } catch (const LoadFailure& f) {
    return invalidArgument(f.message);
  } catch (const YAML::Exception& e) {
    return invalidArgument(path + ": error: " + e.what());
  }
  auto topo = loadTopology(std::filesystem::path(joinPath(dirOf(path), out.drill.topology)).lexically_normal().string());
  if (!topo) return topo.error();
  out.topology = std::move(*topo);
  std::vector<std::string> nodes;
  for (const auto& n : out.topology.nodes) nodes.push_back(n.name);
  std::vector<std::string> hosts;
  for (const auto& h : out.topology.hosts) hosts.push_back(h.name);
  const auto problems = checkDrill(out.drill, nodes, out.topology.paths, hosts);
  if (!problems.empty()) {
    std::string msg;
    for (const auto& p : problems) msg += (msg.empty() ? "" : "\n") + p;
    return invalidArgument(msg);
  }
  return out;
}

}  // namespace vpc::lab
