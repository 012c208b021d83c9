#include "labs/core/lab_plan.h"

#include "switch/core/config_writer.h"

namespace vpc::lab {

namespace {

std::string portOf(const std::string& hostport, const std::string& fallback) {
  const auto colon = hostport.rfind(':');
  return colon == std::string::npos ? fallback : hostport.substr(colon + 1);
}

}  // namespace

std::string slotAddress(std::uint32_t slot, std::uint32_t host) {
  return "127.2." + std::to_string(slot) + "." + std::to_string(host);
}

Result<LabPlan> planPair(std::uint32_t slot, const std::vector<std::string>& names,
                         const std::vector<SwitchConfig>& configs) {
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
  const std::string port[2] = {portOf(configs[0].emulator.peer_link_listen, "7100"),
                               portOf(configs[1].emulator.peer_link_listen, "7100")};
  const std::string ka_port = std::to_string(configs[0].vpc_domain->keepalive->udp_port);
  for (std::size_t i = 0; i < 2; ++i) {
    SwitchConfig c = configs[i];
    const std::string self = slotAddress(slot, static_cast<std::uint32_t>(1 + i));
    c.emulator.management = self + ":9000";
    c.emulator.peer_link_listen = self + ":" + port[i];
    // Each switch dials the relay in front of the other: .3 for leaf-A (towards B), .4 for leaf-B.
    c.emulator.peer_link_peer = slotAddress(slot, static_cast<std::uint32_t>(3 + i)) + ":" + port[1 - i];
    auto& ka = *c.vpc_domain->keepalive;
    ka.source = *Ipv4::parse(self);
    ka.destination = *Ipv4::parse(slotAddress(slot, static_cast<std::uint32_t>(5 + i)));
    NodePlan n;
    n.name = names[i];
    n.address = self;
    n.management = self + ":9000";
    n.config_text = writeConfig(c);
    plan.nodes.push_back(std::move(n));
  }
  PathPlan pl{"peer-link", "tcp", names[0], names[1], {}};
  pl.relays.push_back({slotAddress(slot, 3) + ":" + port[1], slotAddress(slot, 2) + ":" + port[1]});
  pl.relays.push_back({slotAddress(slot, 4) + ":" + port[0], slotAddress(slot, 1) + ":" + port[0]});
  PathPlan ka{"keepalive", "udp", names[0], names[1], {}};
  ka.relays.push_back({slotAddress(slot, 5) + ":" + ka_port, slotAddress(slot, 1) + ":" + ka_port});
  ka.relays.push_back({slotAddress(slot, 6) + ":" + ka_port, slotAddress(slot, 2) + ":" + ka_port});
  plan.paths = {std::move(pl), std::move(ka)};
  return plan;
}

}  // namespace vpc::lab
