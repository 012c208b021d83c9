#include <set>
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "switch/core/config_parser.h"
#include "switch/core/config_writer.h"
#include "tests/support/sim_pair.h"

using namespace vpc;

namespace {

const char* kMinimal = R"(hostname s1
feature vpc
emulator
  local-mac 0c:00:00:00:00:01
  management 127.0.0.1:9000
)";

ConfigError errorOf(const std::string& text) {
  auto r = parseConfig(text, "t.cfg");
  INFO(text);
  REQUIRE_FALSE(r.config);
  REQUIRE(r.error);
  return *r.error;
}

// "line N: <a> | <b>" for the first line where two texts differ ("" when they are equal).
std::string firstDifference(const std::string& a, const std::string& b) {
  std::istringstream x(a), y(b);
  std::string la, lb;
  for (int n = 1;; ++n) {
    const bool ga = static_cast<bool>(std::getline(x, la)), gb = static_cast<bool>(std::getline(y, lb));
    if (!ga && !gb) return "";
    if (!ga || !gb || la != lb) return "line " + std::to_string(n) + ": '" + la + "' | '" + lb + "'";
  }
}

SwitchConfig parsed(const std::string& text) {
  auto r = parseConfig(text, "t.cfg");
  if (!r.config) FAIL(r.error->format());
  return *r.config;
}

}  // namespace

TEST_CASE("Config: every statement spec of the config grammar compiles", "[config][unit]") {
  CHECK(configGrammarErrors().empty());
  for (const auto& e : configGrammarErrors()) INFO(e);
}

TEST_CASE("Config: the sample leaf1 config parses into the expected model", "[config][unit]") {
  const auto cfg = sim::loadConfig("labs/topologies/pair/leaf1.cfg");
  CHECK(cfg.hostname == "leaf1");
  CHECK(cfg.feature("vpc"));
  CHECK(cfg.feature("lacp"));
  CHECK(cfg.vlans.str() == "1,10,20");
  CHECK(cfg.vlan_names.at(10) == "servers");
  CHECK(cfg.stp.mode == "rapid-pvst");
  REQUIRE(cfg.vpc_domain);
  const auto& d = *cfg.vpc_domain;
  CHECK(d.id == 10);
  CHECK(d.role_priority == 100);
  CHECK(d.system_priority == 32667);
  CHECK(d.systemMac().colon() == "00:23:04:ee:be:0a");
  REQUIRE(d.keepalive);
  CHECK(d.keepalive->destination.str() == "127.0.1.2");
  CHECK(d.keepalive->source->str() == "127.0.1.1");
  CHECK(d.keepalive->udp_port == 3200);
  CHECK(d.keepalive->interval_ms == 1000);
  CHECK(d.keepalive->timeout_s == 5);
  CHECK(d.keepalive->hold_timeout_s == 3);
  CHECK(d.peer_gateway);
  CHECK(d.arp_synchronize);
  CHECK(d.delay_restore_s == 30);
  CHECK(d.delay_restore_svi_s == 10);
  CHECK(d.graceful_consistency_check);
  REQUIRE(cfg.peerLink());
  CHECK(cfg.peerLink()->id == InterfaceId::portChannel(1));
  CHECK(cfg.members(1) == std::vector<InterfaceId>{InterfaceId::ethernet(1, 49), InterfaceId::ethernet(1, 50)});
  const auto* po10 = cfg.vpcPort(10);
  REQUIRE(po10);
  CHECK(po10->id == InterfaceId::portChannel(10));
  CHECK(po10->mode == PortMode::Trunk);
  CHECK(po10->trunk_allowed.str() == "10,20");
  CHECK(po10->mtu == 9216);
  CHECK(cfg.vpcPort(20)->access_vlan == 20);
  const auto* eth15 = cfg.interface(InterfaceId::ethernet(1, 5));
  REQUIRE(eth15);
  CHECK(eth15->orphan_port_suspend);
  CHECK(eth15->access_vlan == 10);
  CHECK(cfg.interface(InterfaceId::ethernet(1, 1))->channel_mode == ChannelMode::Active);
  CHECK(cfg.interface(InterfaceId::vlan(10))->ip_address == "10.10.0.2/24");
  CHECK_FALSE(cfg.interface(InterfaceId::vlan(10))->shutdown);
  CHECK(cfg.emulator.local_mac->colon() == "0c:00:00:00:00:01");
  CHECK(cfg.emulator.management == "127.0.1.1:9000");
  CHECK(cfg.emulator.peer_link_listen == "127.0.1.1:7100");
  CHECK(cfg.emulator.peer_link_peer == "127.0.1.2:7100");
  // The sample leaves the peer-link's liveness at its default: LACP's fast rate.
  CHECK(cfg.emulator.heartbeat_ms == 1000);
  CHECK(cfg.emulator.heartbeat_timeout_ms == 3000);
}

TEST_CASE("Config: every DESIGN §4 statement is accepted, with NX-OS defaults", "[config][unit]") {
  const auto cfg = parsed(R"(hostname leaf9
feature vpc
feature lacp
vlan 1,10,20
spanning-tree mode mst
vpc domain 7
  role priority 1
  system-priority 65535
  system-mac 00:23:04:ee:be:0a
  peer-keepalive destination 10.0.0.2 source 10.0.0.1 udp-port 3201 interval 400 timeout 20 hold-timeout 10 vrf management
  peer-gateway
  ip arp synchronize
  delay restore 3600
  delay restore interface-vlan 1
  delay restore orphan-port 300
  auto-recovery reload-delay 3600
  no graceful consistency-check
interface port-channel1
  switchport mode trunk
  switchport trunk allowed vlan 1,10,20
  vpc peer-link
interface port-channel10
  switchport mode trunk
  switchport trunk allowed vlan 10,20
  mtu 9216
  vpc 10
interface Ethernet1/1
  channel-group 10 mode active
interface Ethernet1/5
  switchport access vlan 10
  vpc orphan-port suspend
emulator
  local-mac 0c:00:00:00:00:01
  management 127.0.1.1:9000
  peer-link listen 127.0.1.1:7100 peer 127.0.1.2:7100 heartbeat 100 timeout 300
)");
  CHECK(cfg.stp.mode == "mst");
  const auto& d = *cfg.vpc_domain;
  CHECK(d.role_priority == 1);
  CHECK(d.system_priority == 65535);
  CHECK(d.keepalive->udp_port == 3201);
  CHECK(d.keepalive->interval_ms == 400);
  CHECK(d.keepalive->timeout_s == 20);
  CHECK(d.keepalive->hold_timeout_s == 10);
  CHECK(d.delay_restore_s == 3600);
  CHECK(d.delay_restore_svi_s == 1);
  CHECK(d.delay_restore_orphan_s == 300);
  CHECK(d.auto_recovery);
  CHECK(d.auto_recovery_reload_delay_s == 3600);
  CHECK_FALSE(d.graceful_consistency_check);

  const auto defaults = parsed(std::string(kMinimal) + "vpc domain 1\n");
  CHECK(defaults.vpc_domain->role_priority == 32667);
  CHECK(defaults.vpc_domain->system_priority == 32667);
  CHECK(defaults.vpc_domain->delay_restore_s == 30);
  CHECK(defaults.vpc_domain->delay_restore_svi_s == 10);
  CHECK_FALSE(defaults.vpc_domain->auto_recovery);
  CHECK(defaults.vpc_domain->auto_recovery_reload_delay_s == 240);
  CHECK(defaults.vpc_domain->graceful_consistency_check);
  CHECK(defaults.vpc_domain->systemMac().colon() == "00:23:04:ee:be:01");
  CHECK(defaults.mac_aging_s == 1800);
}

TEST_CASE("Config: a channel-group creates its port-channel, as NX-OS does", "[config][unit]") {
  const auto cfg = parsed(std::string(kMinimal) + "interface Ethernet1/3\n  channel-group 30\n");
  REQUIRE(cfg.interface(InterfaceId::portChannel(30)));
  CHECK(cfg.members(30) == std::vector<InterfaceId>{InterfaceId::ethernet(1, 3)});
}

TEST_CASE("Config: bad lines name file:line:col and the text", "[config][unit]") {
  using Catch::Matchers::Contains;
  struct Case {
    std::string text;
    int line;
    int column;
    std::string message;
  };
  const std::string domain = std::string(kMinimal) + "vpc domain 10\n";  // lines 1-6
  const std::vector<Case> cases = {
      {domain + "  role priority 70000\n", 7, 17, "value 70000 out of range 1-65535"},
      {domain + "  role priority 0\n", 7, 17, "value 0 out of range 1-65535"},
      {domain + "  system-priority abc\n", 7, 19, "invalid number 'abc'"},
      {domain + "  peer-keepalive destination 10.0.0.2 interval 300\n", 7, 48, "value 300 out of range 400-10000"},
      {domain + "  peer-keepalive destination 10.0.0.2 timeout 21\n", 7, 47, "out of range 3-20"},
      {domain + "  peer-keepalive destination 10.0.0.2 hold-timeout 2\n", 7, 52, "out of range 3-10"},
      {domain + "  delay restore 3601\n", 7, 17, "out of range 0-3600"},
      {domain + "  auto-recovery reload-delay 100\n", 7, 30, "out of range 240-3600"},
      {domain + "  frobnicate\n", 7, 3, "invalid or unsupported command at 'frobnicate' in vpc domain mode"},
      {domain + "  system-mac 01:00:5e:00:00:01\n", 7, 14, "must be a unicast address"},
      {std::string(kMinimal) + "vpc domain 1001\n", 6, 12, "value 1001 out of range 1-1000"},
      {std::string(kMinimal) + "vpc domain 10\nvpc domain 11\n", 7, 12, "only one vPC domain is allowed"},
      {std::string(kMinimal) + "vlan 1-4095\n", 6, 6, "VLAN '1-4095' out of range 1-4094"},
      {"hostname s1\n  role priority 10\n", 2, 3, "indented line outside any block"},
      {std::string(kMinimal) + "interface Ethernet1/1\n  mtu 100\n", 7, 7, "value 100 out of range 576-9216"},
      {std::string(kMinimal) + "interface Ethernet1/1\n  vpc 10\n", 7, 3, "only allowed on a port-channel"},
      {std::string(kMinimal) + "interface Ethernet1/1\n  vpc peer-link\n", 7, 3, "only allowed on a port-channel"},
      {std::string(kMinimal) + "interface port-channel10\n  vpc 10\ninterface port-channel11\n  vpc 10\n", 9, 7,
       "vPC 10 is already configured on port-channel10"},
      {std::string(kMinimal) + "interface port-channel1\n  vpc peer-link\ninterface port-channel2\n  vpc peer-link\n",
       9, 3, "the vPC peer-link is already port-channel1"},
      {std::string(kMinimal) + "interface port-channel10\n  channel-group 10\n", 7, 3,
       "channel-group is only allowed on Ethernet interfaces"},
      {std::string(kMinimal) + "interface Ethernet1/1\n  channel-group 10 mode active\n", 7, 3, "needs 'feature lacp'"},
      {std::string(kMinimal) + "interface Ethernet0/1\n", 6, 11, "invalid interface 'Ethernet0/1'"},
      {std::string(kMinimal) + "interface Vlan10\n", 6, 11, "needs 'feature interface-vlan'"},
      {std::string(kMinimal) + "feature nonsense\n", 6, 9, "unknown feature 'nonsense'"},
      {"hostname s1\nvpc domain 10\n", 2, 1, "vpc domain needs 'feature vpc' first"},
      {"hostname s1\nfeature vpc\n", 2, 1, "missing 'emulator' block"},
      {"hostname s1\nemulator\n  management 127.0.0.1:9000\n", 2, 1, "needs 'local-mac <mac>'"},
      {std::string(kMinimal) + "emulator\n  peer-link listen 127.0.0.1:1 peer 127.0.0.2:1 heartbeat 100 timeout 150\n",
       7, 3, "must be at least twice the heartbeat"},
      {std::string(kMinimal) + "emulator\n  management 127.0.0.1\n", 7, 14, "invalid address '127.0.0.1'"},
      {std::string(kMinimal) + "sh vpc\n", 6, 1, "invalid or unsupported command at 'sh'"},
      {std::string(kMinimal) + "mac address-table static 0100.5e00.0001 vlan 1 interface Ethernet1/1\n", 6, 26,
       "not a unicast address"},
      {std::string(kMinimal) + "mac address-table static 0050.56aa.0001 vlan 1 interface Ethernet1/1\n", 6, 1,
       "interface Ethernet1/1 does not exist"},
      {std::string(kMinimal) + "interface Ethernet1/1\nmac address-table static 0050.56aa.0001 vlan 5 interface e1/1\n",
       7, 1, "VLAN 5 does not exist"},
      {std::string(kMinimal) + "feature lacp\ninterface Ethernet1/1\n  channel-group 10\n"
                                "mac address-table static 0050.56aa.0001 vlan 1 interface e1/1\n",
       9, 1, "configure it on the port-channel"},
      {std::string(kMinimal) + "no mac address-table static 0050.56aa.0001 vlan 1\n", 6, 29, "no static MAC"},
      {std::string(kMinimal) + "  port port-channel10 link veth1\n", 6, 8, "only Ethernet ports can be bound"},
      {std::string(kMinimal) + "  port Ethernet1/1 link a/b\n", 6, 25, "is not a Linux interface name"},
      {std::string(kMinimal) + "  port Ethernet1/1 link abcdefghijklmnop\n", 6, 25, "is not a Linux interface name"},
      {std::string(kMinimal) + "  port Ethernet1/1 link v1\n  port e1/1 link v2\n", 7, 8,
       "Ethernet1/1 is already bound (line 6)"},
      {std::string(kMinimal) + "  port Ethernet1/1 link v1\n  port e1/2 link v1\n", 7, 18,
       "link v1 is already bound to Ethernet1/1 (line 6)"},
      {std::string(kMinimal) + "  port Ethernet1/9 link v1\n", 6, 1, "interface Ethernet1/9 is not configured"},
  };
  for (const auto& c : cases) {
    const auto e = errorOf(c.text);
    INFO(c.text << "\n=> " << e.format());
    CHECK(e.file == "t.cfg");
    CHECK(e.line == c.line);
    CHECK(e.column == c.column);
    CHECK_THAT(e.message, Contains(c.message));
  }
}

TEST_CASE("Config: the error text quotes the line and marks the column", "[config][unit]") {
  const auto e = errorOf(std::string(kMinimal) + "vpc domain 10\n  role priority 70000\n");
  CHECK(e.format() ==
        "t.cfg:7:17: error: value 70000 out of range 1-65535\n"
        "    role priority 70000\n"
        "                  ^");
}

TEST_CASE("Config: comments, blank lines and CRLF are accepted, keywords abbreviate", "[config][unit]") {
  const auto cfg = parsed(
      "! a comment\r\nhostname s1\r\n\r\nfeature vpc\r\nvpc dom 5\r\n  ! indented comment\r\n  role pri 5\r\n"
      "emulator\r\n  local-mac 0c00.0000.0001\r\n");
  CHECK(cfg.vpc_domain->id == 5);
  CHECK(cfg.vpc_domain->role_priority == 5);
}

TEST_CASE("Config: parsing is all or nothing and repeatable", "[config][unit]") {
  const std::string text = std::string(kMinimal) + "vpc domain 10\n  role priority 100\n";
  const auto a = parsed(text);
  const auto b = parsed(text);
  CHECK(a.vpc_domain->role_priority == b.vpc_domain->role_priority);
  auto r = parseConfig(text + "  role priority 999999\n", "t.cfg");
  CHECK_FALSE(r.config);  // no partial config comes back with an error
}

TEST_CASE("Config writer: canonical running-config text reads back to itself", "[config][unit]") {
  // Every statement the writer knows, in its order (NX-OS's: SVIs, port-channels, Ethernet ports).
  const std::string canonical = R"(!Command: show running-config
!Running configuration of leaf9 (vpclab)

hostname leaf9
feature interface-vlan
feature lacp
feature vpc

vlan 1,10,20,30
vlan 10
  name servers
vlan 20
  name storage
spanning-tree mode mst
no spanning-tree bridge assurance
spanning-tree loopguard default
spanning-tree port type network default
no spanning-tree vlan 30
spanning-tree mst configuration
  name lab
  revision 3
  instance 1 vlan 10,20
mac address-table aging-time 600
mac address-table static 0050.56aa.0001 vlan 10 interface Ethernet1/5
mac address-table static 0050.56aa.0002 vlan 20 interface port-channel20

vpc domain 7
  role priority 1
  system-priority 65535
  system-mac 00:23:04:ee:be:0a
  peer-keepalive destination 10.0.0.2 source 10.0.0.1 vrf keepalive udp-port 3201 interval 400 timeout 20 hold-timeout 10
  peer-switch
  peer-gateway
  layer3 peer-router
  ip arp synchronize
  ipv6 nd synchronize
  delay restore 3600
  delay restore interface-vlan 1
  delay restore orphan-port 300
  auto-recovery reload-delay 3600
  no graceful consistency-check
  dual-active exclude interface-vlan 20

interface Vlan10
  ip address 10.10.0.2/24
  no shutdown

interface Vlan20
  vrf member tenant
  ip address 10.20.0.2/24

interface port-channel1
  description vPC peer-link
  switchport mode trunk
  switchport trunk allowed vlan 1,10,20
  spanning-tree port type network
  vpc peer-link

interface port-channel10
  switchport mode trunk
  switchport trunk native vlan 20
  switchport trunk allowed vlan 10,20
  mtu 9216
  vpc 10

interface port-channel20
  switchport access vlan 20
  vpc 20
  shutdown

interface Ethernet1/1
  speed 10000
  duplex full
  channel-group 10 mode active

interface Ethernet1/2
  channel-group 20

interface Ethernet1/5
  description lab printer, 2nd floor
  switchport access vlan 10
  spanning-tree port type edge
  vpc orphan-port suspend

interface Ethernet1/49
  channel-group 1 mode passive

emulator
  local-mac 0c:00:00:00:00:01
  management 127.0.1.1:9000
  peer-link listen 127.0.1.1:7100 peer 127.0.1.2:7100 heartbeat 100 timeout 300
  port Ethernet1/1 link leaf9-e1-1
  port Ethernet1/5 link leaf9-e1-5
)";
  const auto cfg = parsed(canonical);
  const std::string written = writeConfig(cfg);
  INFO("first difference: " << firstDifference(written, canonical));
  CHECK(written == canonical);

  // `show running-config vpc`: only the vPC statements.
  CHECK(writeConfig(cfg, ConfigSection::Vpc) == R"(!Command: show running-config vpc
!Running configuration of leaf9 (vpclab)

feature vpc

vpc domain 7
  role priority 1
  system-priority 65535
  system-mac 00:23:04:ee:be:0a
  peer-keepalive destination 10.0.0.2 source 10.0.0.1 vrf keepalive udp-port 3201 interval 400 timeout 20 hold-timeout 10
  peer-switch
  peer-gateway
  layer3 peer-router
  ip arp synchronize
  ipv6 nd synchronize
  delay restore 3600
  delay restore interface-vlan 1
  delay restore orphan-port 300
  auto-recovery reload-delay 3600
  no graceful consistency-check
  dual-active exclude interface-vlan 20

interface port-channel1
  vpc peer-link

interface port-channel10
  vpc 10

interface port-channel20
  vpc 20

interface Ethernet1/5
  vpc orphan-port suspend
)");
}

TEST_CASE("Config writer: the sample configs survive write and re-read", "[config][unit]") {
  for (const char* name : {"leaf1", "leaf2"}) {
    const auto path = std::string(VPC_SOURCE_DIR) + "/labs/topologies/pair/" + name + ".cfg";
    std::ifstream in(path);
    REQUIRE(in);
    std::stringstream ss;
    ss << in.rdbuf();
    const auto first = parsed(ss.str());
    const std::string text = writeConfig(first);
    const auto second = parsed(text);
    INFO(text);
    CHECK(writeConfig(second) == text);
    CHECK(second.hostname == first.hostname);
    CHECK(second.emulator == first.emulator);
    CHECK(second.vpc_domain->keepalive == first.vpc_domain->keepalive);
    CHECK(second.vpc_domain->role_priority == first.vpc_domain->role_priority);
    CHECK(second.interfaces.size() == first.interfaces.size());
    for (const auto& [id, ic] : first.interfaces) {
      const auto* again = second.interface(id);
      REQUIRE(again);
      CHECK(again->vpc_id == ic.vpc_id);
      CHECK(again->mtu == ic.mtu);
      CHECK(again->trunk_allowed == ic.trunk_allowed);
      CHECK(again->shutdown == ic.shutdown);
      CHECK(again->channel_group == ic.channel_group);
    }
  }
}

TEST_CASE("Config: lacp rate fast on members, no lacp suspend-individual on port-channels, written back",
          "[config][unit]") {
  const std::string base = std::string(kMinimal) + "feature lacp\n";
  const auto cfg = parsed(base + "interface Ethernet1/3\n  channel-group 30 mode active\n  lacp rate fast\n"
                                 "interface port-channel30\n  no lacp suspend-individual\n");
  CHECK(cfg.interface(InterfaceId::ethernet(1, 3))->lacp_rate_fast);
  CHECK_FALSE(cfg.interface(InterfaceId::portChannel(30))->lacp_suspend_individual);
  const std::string text = writeConfig(cfg);
  CHECK(text.find("  lacp rate fast\n") != std::string::npos);
  CHECK(text.find("  no lacp suspend-individual\n") != std::string::npos);
  const auto again = parsed(text);
  CHECK(again.interface(InterfaceId::ethernet(1, 3))->lacp_rate_fast);
  CHECK_FALSE(again.interface(InterfaceId::portChannel(30))->lacp_suspend_individual);
  // Defaults: normal rate, suspend-individual on; each on its own kind of interface.
  const auto plain = parsed(base + "interface Ethernet1/3\n  channel-group 30 mode active\n");
  CHECK_FALSE(plain.interface(InterfaceId::ethernet(1, 3))->lacp_rate_fast);
  CHECK(plain.interface(InterfaceId::portChannel(30))->lacp_suspend_individual);
  using Catch::Matchers::Contains;
  CHECK_THAT(errorOf(base + "interface port-channel30\n  lacp rate fast\n").format(), Contains("Ethernet interfaces"));
  CHECK_THAT(errorOf(base + "interface Ethernet1/3\n  no lacp suspend-individual\n").format(),
             Contains("port-channel interfaces"));
  CHECK_THAT(errorOf(std::string(kMinimal) + "interface Ethernet1/3\n  lacp rate fast\n").format(),
             Contains("needs 'feature lacp' first"));
}

TEST_CASE("Config: lacp max-bundle on port-channels (1-32, default 32), written back", "[config][unit]") {
  const std::string base = std::string(kMinimal) + "feature lacp\n";
  const auto cfg = parsed(base + "interface port-channel30\n  lacp max-bundle 2\n");
  CHECK(cfg.interface(InterfaceId::portChannel(30))->lacp_max_bundle == 2);
  const std::string text = writeConfig(cfg);
  CHECK(text.find("  lacp max-bundle 2\n") != std::string::npos);
  CHECK(parsed(text).interface(InterfaceId::portChannel(30))->lacp_max_bundle == 2);
  const auto undone = parsed(base + "interface port-channel30\n  lacp max-bundle 2\n  no lacp max-bundle\n");
  CHECK(undone.interface(InterfaceId::portChannel(30))->lacp_max_bundle == 32);
  CHECK(writeConfig(undone).find("max-bundle") == std::string::npos);
  using Catch::Matchers::Contains;
  CHECK_THAT(errorOf(base + "interface port-channel30\n  lacp max-bundle 33\n").format(), Contains("value 33 out of range 1-32"));
  CHECK_THAT(errorOf(base + "interface Ethernet1/3\n  lacp max-bundle 4\n").format(), Contains("port-channel interfaces"));
  CHECK_THAT(errorOf(std::string(kMinimal) + "interface port-channel30\n  lacp max-bundle 4\n").format(),
             Contains("needs 'feature lacp' first"));
}

TEST_CASE("Config: hostnames, descriptions and bytes that are not text are refused with file:line:col",
          "[config][unit]") {
  using Catch::Matchers::Contains;
  const std::string base = "feature vpc\nemulator\n  local-mac 0c:00:00:00:00:01\n  management 127.0.0.1:9000\n";
  auto e = errorOf("hostname " + std::string(64, 'a') + "\n" + base);
  CHECK(e.line == 1);
  CHECK(e.column == 10);
  CHECK_THAT(e.message, Contains("1-63 letters, digits"));
  CHECK_THAT(errorOf("hostname -x\n" + base).message, Contains("starting with a letter or digit"));
  // Not text: invalid UTF-8, NUL, escape sequences - the error names the byte, never echoes it.
  e = errorOf("hostname s1\n" + base + "interface Ethernet1/1\n  description caf\xc3\n");
  CHECK(e.line == 7);
  CHECK(e.column == 18);
  CHECK(e.message == "invalid UTF-8");
  CHECK(e.text.find('\xc3') == std::string::npos);
  e = errorOf(std::string("hostname s\0x\n", 13) + base);
  CHECK(e.line == 1);
  CHECK(e.message == "control character U+0000");
  // Descriptions: 254 characters (not bytes) at most.
  const auto ok = parsed("hostname s1\n" + base + "interface Ethernet1/1\n  description " + std::string(254, 'x') + "\n");
  CHECK(ok.interface(InterfaceId::ethernet(1, 1))->description.size() == 254);
  std::string accents;
  for (int i = 0; i < 254; ++i) accents += "\xc3\xa9";  // 254 characters, 508 bytes
  CHECK(parsed("hostname s1\n" + base + "interface Ethernet1/1\n  description " + accents + "\n")
            .interface(InterfaceId::ethernet(1, 1))
            ->description.size() == 508);
  e = errorOf("hostname s1\n" + base + "interface Ethernet1/1\n  description " + std::string(1000000, 'x') + "\n");
  CHECK(e.line == 7);
  CHECK(e.message == "longer than 65536 bytes");
  CHECK(e.format().size() < 600);  // the error stays short
  e = errorOf("hostname s1\n" + base + "interface Ethernet1/1\n  description " + std::string(300, 'x') + "\n");
  CHECK_THAT(e.message, Contains("at most 254 characters"));
  CHECK(e.format().size() < 600);
}

TEST_CASE("Config: users with NX-OS passwords, roles and keys, running-config keeps only the hash", "[config][unit]") {
  const std::string text = std::string("hostname s1\nfeature vpc\n") +
                           "username admin password Vpclab123 role network-admin\n"
                           "username ops password 0 watch-only\n"
                           "username ops sshkey ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFake ops@lab\n"
                           "username bot role network-admin\n" +
                           "emulator\n  local-mac 0c:00:00:00:00:01\n  management 127.0.0.1:9000\n  ssh-port 2222\n";
  auto r = parseConfig(text, "t.cfg");
  REQUIRE(r.config);
  const auto& users = r.config->users;
  REQUIRE(users.size() == 3);
  CHECK(users.at("admin").role == UserRole::NetworkAdmin);
  CHECK(users.at("ops").role == UserRole::NetworkOperator);  // NX-OS's default role
  CHECK(users.at("ops").ssh_keys.size() == 1);
  CHECK(users.at("bot").password_hash.empty());
  CHECK(passwordMatches(users.at("admin"), "Vpclab123"));
  CHECK_FALSE(passwordMatches(users.at("admin"), "vpclab123"));
  CHECK_FALSE(passwordMatches(users.at("bot"), ""));
  CHECK(r.config->emulator.ssh_port == 2222);

  const auto written = writeConfig(*r.config, ConfigSection::All);
  CHECK(written.find("Vpclab123") == std::string::npos);
  CHECK(written.find("username admin password 5 $5$") != std::string::npos);
  CHECK(written.find("username bot role network-admin\n") != std::string::npos);
  // What running-config shows parses back to the same users (type 5 accepted as NX-OS shows it).
  auto again = parseConfig(written, "running.cfg");
  INFO((again.error ? again.error->format() : ""));
  REQUIRE(again.config);
  CHECK(again.config->users == users);
  CHECK(writeConfig(*again.config, ConfigSection::All) == written);
}

TEST_CASE("Config: bad user lines are refused with their column", "[config][unit]") {
  const std::string head = "hostname s1\n";
  CHECK(errorOf(head + "username admin password 7 abc\n").message == "the password type is 0 (clear text) or 5 (encrypted)");
  CHECK(errorOf(head + "username admin password 5 notahash\n").column == 27);
  CHECK(errorOf(head + "username -x password abc\n").message.find("user name") != std::string::npos);
  CHECK(errorOf(head + "username a sshkey AAAAB3Nza\n").message.find("OpenSSH public key") != std::string::npos);
  CHECK(errorOf(head + "no username ghost\n").message == "no user 'ghost'");
}

TEST_CASE("Config-mode ? help: every word and parameter of every mode has NX-OS words, never grammar text",
          "[config][unit]") {
  // Walk each mode's grammar as a user pressing ? would: every keyword, and a sample value for each
  // parameter, up to eight words deep.
  auto sample = [](const std::string& display) -> std::string {
    if (display == "<mac>") return "0000.0000.0001";
    if (display == "<vlans>") return "10";
    if (display == "<interface>") return "ethernet1/1";
    if (display == "<ipv4>") return "10.0.0.1";
    if (display == "<hostport>") return "127.0.0.1:1";
    const auto dash = display.find('-');
    if (dash != std::string::npos && std::isdigit(static_cast<unsigned char>(display[1])))
      return display.substr(1, dash - 1);
    return "x";
  };
  std::size_t seen = 0;
  for (auto mode : {ConfigMode::Global, ConfigMode::VpcDomain, ConfigMode::Interface, ConfigMode::Vlan, ConfigMode::Mst}) {
    std::vector<std::string> frontier{""};
    for (int depth = 0; depth < 8 && !frontier.empty(); ++depth) {
      std::set<std::string> next;
      for (const auto& line : frontier) {
        for (const auto& c : completeTerminalLine(mode, line)) {
          if (c.word == "<cr>") continue;
          ++seen;
          INFO("mode " << static_cast<int>(mode) << ", after '" << line << "': " << c.word);
          CHECK(!c.help.empty());
          CHECK(c.help.find('<') == std::string::npos);
          CHECK(c.help.find(':') == std::string::npos);
          next.insert(line + (c.is_keyword ? c.word : sample(c.word)) + " ");
        }
      }
      frontier.assign(next.begin(), next.end());
    }
  }
  CHECK(seen > 150);
  // Words that mean different things after different words.
  auto helpOf = [](ConfigMode m, const std::string& line, const std::string& word) {
    for (const auto& c : completeTerminalLine(m, line))
      if (c.word == word) return c.help;
    return std::string("(none)");
  };
  CHECK(helpOf(ConfigMode::VpcDomain, "role ", "priority") == "Configure VPC role priority");
  CHECK(helpOf(ConfigMode::VpcDomain, "role priority ", "<1-65535>") == "Specify priority value");
  CHECK(helpOf(ConfigMode::Interface, "switchport mode ", "trunk") == "Port mode trunk");
  CHECK(helpOf(ConfigMode::Interface, "switchport ", "trunk") == "Configure trunking parameters on an interface");
  CHECK(helpOf(ConfigMode::Global, "spanning-tree ", "mode") == "Spanning tree operating mode");
}
