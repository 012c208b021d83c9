#include "labs/lab/graph.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "labs/core/timeline.h"
#include "switch/core/config_parser.h"

namespace vpc::lab {

namespace {

struct Box {
  std::string name, address, role, peer;
  const SwitchConfig* config = nullptr;
  bool dead = false;  // deployed, and its process is not running
  std::map<std::uint32_t, std::pair<std::string, std::string>> legs;  // vPC id -> (status, reason), live
};

struct PathView {
  std::string name, kind, mode, relays;
};

struct HostView {
  std::string name, address;
  std::uint32_t vlan = 1;
  struct Link {
    int side = 0;      // 0: the left switch, 1: the right one
    std::string port;  // "Eth1/1"
    bool down = false;  // held down by a link fault
  };
  std::vector<Link> links;
};

std::string colourOf(const std::string& mode) {
  if (mode.rfind("cut", 0) == 0) return "#d62728";
  if (mode.rfind("shut", 0) == 0) return "#ff7f0e";
  if (mode.find("delay") != std::string::npos || mode.find("loss") != std::string::npos) return "#bcbd22";
  return "#2ca02c";
}

std::string roleColour(const std::string& role) {
  if (role.find("operational primary") != std::string::npos || role.rfind("primary", 0) == 0) return "#1f77b4";
  if (role.find("operational secondary") != std::string::npos || role.rfind("secondary", 0) == 0) return "#9467bd";
  return "#777";
}

std::string render(const std::string& title, const Box (&sw)[2], const std::vector<PathView>& paths,
                   const std::vector<HostView>& hosts) {
  const double W = std::max(820.0, 40 + 190.0 * static_cast<double>(hosts.size()));
  const double H = hosts.empty() ? 470 : 560;
  std::string s = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "font-family=\"DejaVu Sans, Verdana, sans-serif\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n",
      W, H);
  s += fmt::format("<text x=\"20\" y=\"30\" font-size=\"18\" font-weight=\"bold\">{}</text>\n", xmlEscape(title));
  const double bx[2] = {40, W - 40 - 220}, by = 70, bw = 220, bh = 120;
  for (int i = 0; i < 2; ++i) {
    const auto& b = sw[i];
    // A switch that is not running: greyed, its outline red and dashed.
    s += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"8\" fill=\"{}\" stroke=\"{}\" "
                     "stroke-width=\"2\"{}/>\n",
                     bx[i], by, bw, bh, b.dead ? "#e6e6e6" : "#f7f9fc", b.dead ? "#d62728" : roleColour(b.role),
                     b.dead ? " stroke-dasharray=\"8,6\"" : "");
    s += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"16\" font-weight=\"bold\">{}</text>\n", bx[i] + 12, by + 24,
                     xmlEscape(b.name));
    s += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"#444\">{}</text>\n", bx[i] + 12, by + 42,
                     xmlEscape(b.address));
    if (b.dead)
      s += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"#d62728\" font-weight=\"bold\">DOWN ({})</text>\n",
                       bx[i] + 12, by + 62, xmlEscape(b.role));
    else if (!b.role.empty())
      s += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"{}\" font-weight=\"bold\">{}</text>\n",
                       bx[i] + 12, by + 62, roleColour(b.role), xmlEscape(b.role));
    if (!b.peer.empty())
      s += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"#444\">{}</text>\n", bx[i] + 12, by + 80,
                       xmlEscape(b.peer));
    if (b.config && b.config->vpc_domain)
      s += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"#444\">vPC domain {}, role priority {}</text>\n",
                       bx[i] + 12, by + 98, b.config->vpc_domain->id, b.config->vpc_domain->role_priority);
  }
  // The two paths between the boxes, each through its relay.
  const double x1 = bx[0] + bw, x2 = bx[1], mid = (x1 + x2) / 2;
  double y = by + 38;
  for (const auto& p : paths) {
    const std::string c = colourOf(p.mode);
    const bool broken = p.mode.rfind("cut", 0) == 0 || p.mode.rfind("shut", 0) == 0;
    s += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"{}\"{}/>\n", x1, y,
                     x2, y, c, p.kind == "tcp" ? 5 : 2, broken ? " stroke-dasharray=\"8,6\"" : "");
    s += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"70\" height=\"22\" rx=\"4\" fill=\"white\" stroke=\"{}\"/>\n",
                     mid - 35, y - 11, c);
    s += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"10\" text-anchor=\"middle\" fill=\"{}\">relay</text>\n", mid,
                     y + 4, c);
    const std::string label = p.name == "peer-link" ? "peer-link (gRPC stream, TCP)" : "peer-keepalive (UDP)";
    s += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\">{}</text>\n", mid, y - 16,
                     xmlEscape(label));
    s += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"10\" text-anchor=\"middle\" fill=\"{}\">{}</text>\n", mid,
                     y + 26, c, xmlEscape(p.mode + (p.relays.empty() ? "" : "  " + p.relays)));
    y += 62;
  }
  // vPCs below: one box per vPC number, joined to both switches; orphan ports under their switch.
  std::map<std::uint32_t, std::string> vpcs;
  for (const auto& b : sw)
    if (b.config)
      for (const auto& [id, ic] : b.config->interfaces)
        if (ic.vpc_id)
          vpcs[*ic.vpc_id] = fmt::format("vPC {} ({}){}", *ic.vpc_id, ic.id.shortName(),
                                         ic.description.empty() ? "" : " " + ic.description);
  const double vy = 330;
  const double n = static_cast<double>(vpcs.size());
  double i = 0;
  for (const auto& [id, label] : vpcs) {
    const double cx = W / 2 + (i - (n - 1) / 2) * 200;  // side by side under the middle
    for (int k = 0; k < 2; ++k) {
      // Live: a leg that is up is green; one that is down (suspended by vPC, or its switch dead) red and
      // dashed, with the reason beside it.
      std::string colour = "#555", why;
      bool down = false;
      if (sw[k].dead) {
        colour = "#d62728", down = true, why = "switch down";
      } else if (auto it = sw[k].legs.find(id); it != sw[k].legs.end()) {
        down = it->second.first != "up";
        colour = down ? "#d62728" : "#2ca02c";
        if (down) why = it->second.first + (it->second.second.empty() ? "" : ": " + it->second.second);
      }
      const double x0 = bx[k] + bw / 2, y0 = by + bh;
      s += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"2\"{}/>\n", x0,
                       y0, cx, vy, colour, down ? " stroke-dasharray=\"6,4\"" : "");
      if (!why.empty())
        s += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"10\" fill=\"#d62728\" text-anchor=\"middle\">{}</text>\n",
                         (x0 + cx) / 2, (y0 + vy) / 2 + (k == 0 ? -4 : 10), xmlEscape(why));
    }
    s += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"180\" height=\"30\" rx=\"6\" fill=\"#eef5ee\" stroke=\"#555\"/>\n",
                     cx - 90, vy);
    s += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\">{}</text>\n", cx, vy + 19,
                     xmlEscape(label));
    i += 1;
  }
  for (int k = 0; k < 2; ++k) {
    if (!sw[k].config) continue;
    double oy = vy + 60;
    for (const auto& [id, ic] : sw[k].config->interfaces) {
      if (!ic.orphan_port_suspend && !(id.kind() == IfKind::Ethernet && !ic.channel_group && ic.switchport &&
                                       !ic.description.empty()))
        continue;
      s += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"10\" fill=\"#555\"{}>orphan {}{}{}</text>\n",
                       k == 0 ? bx[k] : bx[k] + bw, oy, k == 0 ? "" : " text-anchor=\"end\"",
                       id.shortName(), ic.description.empty() ? "" : " " + ic.description,
                       ic.orphan_port_suspend ? " (suspended with the vPCs)" : "");
      oy += 14;
    }
  }
  // Hosts along the bottom, each joined to the switch ports it is cabled to (a bond: one per switch).
  const double hy = 490, hw = 170;
  for (std::size_t h = 0; h < hosts.size(); ++h) {
    const auto& host = hosts[h];
    const double cx = W / 2 + (static_cast<double>(h) - (static_cast<double>(hosts.size()) - 1) / 2) * (hw + 20);
    for (const auto& l : host.links) {
      const double sx = bx[l.side] + (l.side == 0 ? 30 : bw - 30);
      const std::string c = l.down ? "#d62728" : "#8c564b";
      s += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"1.5\"{}/>\n", sx,
                       by + bh, cx + (l.side == 0 ? -30 : 30), hy, c, l.down ? " stroke-dasharray=\"6,4\"" : "");
      s += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"10\" fill=\"{}\" text-anchor=\"middle\">{}{}</text>\n",
                       cx + (l.side == 0 ? -30 : 30), hy - 6, c, xmlEscape(l.port), l.down ? " down" : "");
    }
    s += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"46\" rx=\"6\" fill=\"#fdf6ec\" stroke=\"#8c564b\"/>\n",
                     cx - hw / 2, hy, hw);
    s += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"12\" font-weight=\"bold\" text-anchor=\"middle\">{}</text>\n",
                     cx, hy + 17, xmlEscape(host.name));
    s += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"10\" text-anchor=\"middle\" fill=\"#444\">{} VLAN {}{}</text>\n",
                     cx, hy + 34, xmlEscape(host.address), host.vlan, host.links.size() == 2 ? ", bond" : "");
  }
  s += "</svg>\n";
  return s;
}

}  // namespace

std::string graphSvg(const Topology& t) {
  Box sw[2];
  for (int i = 0; i < 2 && i < static_cast<int>(t.nodes.size()); ++i) {
    sw[i].name = t.nodes[static_cast<std::size_t>(i)].name;
    sw[i].config = &t.nodes[static_cast<std::size_t>(i)].config;
    sw[i].address = "(not deployed)";
  }
  std::vector<HostView> hosts;
  for (const auto& h : t.hosts) {
    HostView v{h.name, h.address, h.vlan, {}};
    for (const auto& l : h.links) v.links.push_back({l.node == sw[0].name ? 0 : 1, l.port.shortName(), false});
    hosts.push_back(std::move(v));
  }
  return render("Topology " + t.name, sw, {{"peer-link", "tcp", "pass", ""}, {"keepalive", "udp", "pass", ""}}, hosts);
}

std::string graphSvg(const v1::LabState& lab, const v1::InspectReply* live) {
  Box sw[2];
  std::vector<SwitchConfig> configs(2);
  for (int i = 0; i < 2 && i < lab.nodes_size(); ++i) {
    const auto& n = lab.nodes(i);
    sw[i].name = n.name();
    sw[i].address = n.management();
    bool ok = false;
    const auto text = readWholeFile(n.config_file(), &ok);
    if (ok)
      if (auto c = parseConfig(text, n.config_file()); c.config) {
        configs[static_cast<std::size_t>(i)] = *c.config;
        sw[i].config = &configs[static_cast<std::size_t>(i)];
      }
    if (live)
      for (const auto& r : live->nodes())
        if (r.name() == n.name()) {
          sw[i].role = r.state() == "running" ? r.role() : r.state();
          sw[i].dead = r.state() != "running";
          sw[i].peer = r.peer_status();
          for (const auto& v : r.vpcs()) sw[i].legs[v.id()] = {v.status(), v.reason()};
        }
  }
  std::vector<PathView> paths;
  for (const auto& p : lab.paths()) {
    PathView v{p.name(), p.kind(), "?", ""};
    if (live)
      for (const auto& lp : live->paths())
        if (lp.name() == p.name()) {
          v.mode = lp.mode() + (lp.flapping() ? " (flapping)" : "");
          if (lp.impairment().delay_ms()) v.mode += fmt::format(", delay {}ms", lp.impairment().delay_ms());
          if (lp.impairment().loss_percent() > 0) v.mode += fmt::format(", loss {}%", lp.impairment().loss_percent());
        }
    paths.push_back(v);
  }
  std::vector<HostView> hosts;
  for (const auto& h : lab.hosts()) {
    HostView v{h.name(), h.address(), h.vlan(), {}};
    for (const auto& l : h.links()) {  // NODE:INTERFACE
      const auto colon = l.find(':');
      const std::string node = l.substr(0, colon), port = l.substr(colon + 1);
      HostView::Link link{node == sw[0].name ? 0 : 1, port, false};
      if (const auto id = InterfaceId::parse(port)) link.port = id->shortName();
      for (const auto& n : lab.nodes())
        if (n.name() == node)
          for (const auto& p : n.ports())
            if (p.interface() == port) link.down = p.held_down();
      if (live)  // a switch that is not running has dark ports
        for (const auto& r : live->nodes())
          if (r.name() == node && r.state() != "running") link.down = true;
      v.links.push_back(link);
    }
    hosts.push_back(std::move(v));
  }
  return render("Lab " + lab.name(), sw, paths, hosts);
}

}  // namespace vpc::lab
