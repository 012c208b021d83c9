#include "fuzz/switch_under_test.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <google/protobuf/stubs/logging.h>

#include "switch/core/config_parser.h"

namespace vpc::fuzz {

namespace {

SwitchConfig parsedOnce(const std::string& name) {
  std::ifstream in(std::string(VPC_SOURCE_DIR) + "/labs/topologies/pair/" + name);
  std::stringstream text;
  text << in.rdbuf();
  auto r = parseConfig(text.str(), name);
  if (!r.config) std::abort();
  return *r.config;
}

const SwitchConfig& leaf(int i) {
  static const SwitchConfig configs[2] = {parsedOnce("leaf1.cfg"), [] {
                                            auto c = parsedOnce("leaf2.cfg");
                                            c.emulator.ports[InterfaceId::ethernet(1, 1)] = PortBinding{"fz1", 0};
                                            c.emulator.ports[InterfaceId::ethernet(1, 5)] = PortBinding{"fz5", 0};
                                            return c;
                                          }()};
  return configs[i];
}

}  // namespace

peer::Hello peerHello() {
  const auto& c = leaf(0);
  peer::Hello h;
  h.domain_id = c.vpc_domain->id;
  h.system_mac = c.vpc_domain->systemMac();
  h.system_priority = c.vpc_domain->system_priority;
  h.local_mac = *c.emulator.local_mac;
  h.role_priority = c.vpc_domain->role_priority;
  h.operational_role_priority = c.vpc_domain->role_priority;
  h.boot_id = 7;
  h.hostname = c.hostname;
  return h;
}

KeepaliveMsg peerKeepalive() {
  const auto& c = leaf(0);
  KeepaliveMsg k;
  k.domain_id = c.vpc_domain->id;
  k.system_mac = c.vpc_domain->systemMac();
  k.local_mac = *c.emulator.local_mac;
  k.boot_id = 7;
  return k;
}

SwitchUnderTest::SwitchUnderTest() {
  // protobuf logs every non-UTF-8 string it parses: noise, and slow, for inputs made to be odd.
  static const bool quiet = [] {
    google::protobuf::SetLogHandler(nullptr);
    return true;
  }();
  (void)quiet;
  NodeOptions o;
  o.time_scale = 0.01;
  node = std::make_unique<SwitchNode>(leaf(1), o);
  (void)node->start(now);
  input(in::KeepaliveReceived{peerKeepalive()});
  input(in::LinkChanged{InterfaceId::ethernet(1, 1), true});
  input(in::LinkChanged{InterfaceId::ethernet(1, 5), true});
  input(in::PeerTransportUp{kSession});
  input(in::PeerMessageReceived{kSession, peerHello()});
}

void SwitchUnderTest::input(const Input& in) {
  (void)node->handle(in, now);
  now += Millis(1);
  while (const auto d = node->nextDeadline()) {
    if (*d > now) break;
    (void)node->tick(now);
  }
}

}  // namespace vpc::fuzz
