#include "labs/core/lab_plan.h"

#include "switch/core/config_writer.h"

namespace vpc::lab {

std::string slotAddress(std::uint32_t slot, std::uint32_t host) {
  return "127.2." + std::to_string(slot) + "." + std::to_string(host);
}

std::string namespaceAddress(std::uint32_t slot, std::uint32_t host) {
  return "10.250." + std::to_string(slot) + "." + std::to_string(host);
}

std::string namespaceLink(std::uint32_t slot, std::size_t index) {
  return "vx" + std::to_string(slot) + "n" + std::to_string(index);
}

Result<LabPlan> planPair(std::uint32_t slot, const std::vector<std::string>& names,
                         const std::vector<SwitchConfig>& configs, bool namespaces) {
  if (slot < 1 || slot > kMaxSlot) return invalidArgument("lab slot must be 1-" + std::to_string(kMaxSlot));
  if (names.size() != 2 || configs.size() != 2)
    return invalidArgument("a vPC lab has exactly two switches (this topology has " + std::to_string(names.size()) +
                           ")");
  for (std::size_t i = 0; i < 2; ++i) {
    const auto& c = configs[i];
    if (!c.vpc_domain) return invalidArgument(names[i] + ": the config has no 'vpc domain'");
    if (!c.vpc_domain->keepalive) return invalidArgument(names[i] + ": the vpc domain has no 'peer-keepalive'");
    if (c.emulator.peer_link_listen.empty() || !c.peerLink())
      return invalidArgument(names[i] + ": the config has no peer-link ('vpc peer-link' and the emulator's "
                                        "'peer-link listen ... peer ...')");
  }
  if (configs[0].vpc_domain->keepalive->udp_port != configs[1].vpc_domain->keepalive->udp_port)
    return invalidArgument("the two switches use different peer-keepalive udp-ports");

  LabPlan plan;
  plan.slot = slot;
  std::string port[2];
  for (std::size_t i = 0; i < 2; ++i) {
    port[i] = portOf(configs[i].emulator.peer_link_listen);
    if (port[i].empty()) port[i] = "7100";
  }
  const std::string ka_port = std::to_string(configs[0].vpc_domain->keepalive->udp_port);
  // Switch i's own address; where it dials the peer-link relay towards the other; where it sends (and
  // from where it hears) keepalives.
  std::string self[2], dial[2], keepalive[2];
  for (std::uint32_t i = 0; i < 2; ++i) {
    if (namespaces) {
      self[i] = namespaceAddress(slot, 2 + 4 * i);
      dial[i] = keepalive[i] = namespaceAddress(slot, 1 + 4 * i);  // the machine's side of its link
    } else {
      self[i] = slotAddress(slot, 1 + i);
      dial[i] = slotAddress(slot, 3 + i);  // .3 for leaf-A (towards B), .4 for leaf-B
      keepalive[i] = slotAddress(slot, 5 + i);
    }
  }
  for (std::size_t i = 0; i < 2; ++i) {
    SwitchConfig c = configs[i];
    c.emulator.management = self[i] + ":9000";
    c.emulator.peer_link_listen = self[i] + ":" + port[i];
    c.emulator.peer_link_peer = dial[i] + ":" + port[1 - i];
    auto& ka = *c.vpc_domain->keepalive;
    ka.source = *Ipv4::parse(self[i]);
    ka.destination = *Ipv4::parse(keepalive[i]);
    NodePlan n;
    n.name = names[i];
    n.address = self[i];
    n.management = self[i] + ":9000";
    n.config_text = writeConfig(c);
    if (namespaces) {
      n.netns = "vpc" + std::to_string(slot) + "-" + names[i];
      n.link = namespaceLink(slot, i);
      n.link_peer = "vy" + n.link.substr(2);
      n.gateway = dial[i];
    }
    plan.nodes.push_back(std::move(n));
  }
  PathPlan pl{"peer-link", "tcp", names[0], names[1], {}};
  pl.relays.push_back({dial[0] + ":" + port[1], self[1] + ":" + port[1]});
  pl.relays.push_back({dial[1] + ":" + port[0], self[0] + ":" + port[0]});
  PathPlan ka{"keepalive", "udp", names[0], names[1], {}};
  ka.relays.push_back({keepalive[0] + ":" + ka_port, self[0] + ":" + ka_port});
  ka.relays.push_back({keepalive[1] + ":" + ka_port, self[1] + ":" + ka_port});
  plan.paths = {std::move(pl), std::move(ka)};
  return plan;
}

std::vector<HostStep> namespaceSteps(const LabPlan& plan) {
  const std::string ip = "/usr/sbin/ip";
  std::vector<HostStep> steps;
  for (const auto& n : plan.nodes) {
    if (n.netns.empty()) continue;
    steps.push_back({{ip, "netns", "add", n.netns}, {ip, "netns", "del", n.netns}});
    steps.push_back({{ip, "link", "add", n.link, "type", "veth", "peer", "name", n.link_peer}, {ip, "link", "del", n.link}});
    steps.push_back({{ip, "link", "set", n.link_peer, "netns", n.netns}, {}});
    steps.push_back({{ip, "addr", "add", n.gateway + "/30", "dev", n.link}, {}});
    steps.push_back({{ip, "link", "set", n.link, "up"}, {}});
    steps.push_back({{ip, "-n", n.netns, "link", "set", "lo", "up"}, {}});
    steps.push_back({{ip, "-n", n.netns, "addr", "add", n.address + "/30", "dev", n.link_peer}, {}});
    steps.push_back({{ip, "-n", n.netns, "link", "set", n.link_peer, "up"}, {}});
    steps.push_back({{ip, "-n", n.netns, "route", "add", "default", "via", n.gateway}, {}});
  }
  return steps;
}

}  // namespace vpc::lab
