// show vpc [brief], show vpc role: RPCs ShowVpc and ShowVpcRole (layouts: vpc-behaviour.md §7).
#include <cmath>

#include <fmt/format.h>

#include "switch/core/views.h"
#include "switch/core/vpc_status.h"
#include "switch/mgmt/commands.h"
#include "switch/mgmt/convert.h"
#include "switch/mgmt/text.h"

namespace vpc::mgmt {

namespace {

std::string secondsText(std::uint32_t s) { return std::to_string(s) + "s"; }

// "Timer is off.(timeout = 30s)" / "Timer is on.(timeout = 30s, 12s left)": the time left in NX-OS
// seconds (unscaled), so it reads against the configured value.
std::string countdown(const NodeSnapshot& s, const std::optional<TimePoint>& at, std::uint32_t configured_s) {
  if (!at || s.now >= *at) return "Timer is off.(timeout = " + secondsText(configured_s) + ")";
  const double left = s.scale.unscaledSeconds(*at - s.now);
  return "Timer is on.(timeout = " + secondsText(configured_s) + ", " +
         std::to_string(static_cast<long long>(std::ceil(left))) + "s left)";
}

void showVpc(Backend& sw, const v1::ShowVpcRequest&, v1::ShowVpcReply* r, const Done& done) {
  const auto s = sw.snapshot();
  const auto& cfg = *s.config;
  r->set_hostname(cfg.hostname);
  r->set_role(toString(s.status.role));
  r->set_peer_status(std::string(toString(s.status.peer)));
  if (!s.adjacent() && cfg.peerLink() && !s.session.down.empty()) r->set_peer_status_reason(describe(s.session.down.front()));
  r->set_keepalive_status(std::string(keepaliveStatusText(s.keepalive.state)));
  const auto g = globalConsistency(s);
  r->set_consistency_status(std::string(toString(g.type1)));
  if (g.type1_reason) r->set_consistency_reason(describe(*g.type1_reason));
  r->set_per_vlan_consistency_status(std::string(toString(g.per_vlan)));
  r->set_type2_consistency_status(std::string(toString(g.type2)));
  if (g.type2_reason) r->set_type2_inconsistency_reason(describe(*g.type2_reason));
  r->set_number_of_vpcs(static_cast<std::uint32_t>(s.status.vpcs.size()));
  r->set_graceful_consistency_check(std::string(toString(graceful(s))));
  r->set_dual_active_detection_status(s.role.dual_active_detected ? 1 : 0);
  r->set_virtual_peerlink_mode("Disabled");
  r->set_time_scale(s.scale.factor);
  if (cfg.vpc_domain) {
    const auto& d = *cfg.vpc_domain;
    r->set_domain_id(d.id);
    r->set_peer_gateway(d.peer_gateway ? "Enabled" : "Disabled");
    r->set_dual_active_excluded_vlans(d.dual_active_exclude_svi.str("-"));
    r->set_operational_l3_peer_router(d.layer3_peer_router ? "Enabled" : "Disabled");
    if (!d.auto_recovery)
      r->set_auto_recovery_status("Disabled");
    else if (s.boot_wait_left)
      r->set_auto_recovery_status("Enabled, timer is on.(timeout = " + secondsText(d.auto_recovery_reload_delay_s) +
                                  ", " +
                                  std::to_string(static_cast<long long>(
                                      std::ceil(s.scale.unscaledSeconds(*s.boot_wait_left)))) +
                                  "s left)");
    else
      r->set_auto_recovery_status("Enabled, timer is off.(timeout = " + secondsText(d.auto_recovery_reload_delay_s) +
                                  ")");
    r->set_delay_restore_status(countdown(s, s.restore.vpc, d.delay_restore_s));
    r->set_delay_restore_svi_status(countdown(s, s.restore.svi, d.delay_restore_svi_s));
    r->set_delay_restore_orphan_status(countdown(s, s.restore.orphan, d.delay_restore_orphan_s));
  } else {
    r->set_peer_gateway("Disabled");
    r->set_dual_active_excluded_vlans("-");
    r->set_operational_l3_peer_router("Disabled");
  }
  if (const auto* pl = cfg.peerLink()) {
    auto* p = r->mutable_peer_link();
    p->set_id(1);
    p->set_port(pl->id.shortName());
    p->set_status(s.adjacent() ? "up" : "down");
    p->set_active_vlans(s.adjacent() ? vpcVlans(cfg).str() : "-");
    if (!s.adjacent() && !s.session.down.empty()) p->set_reason(describe(s.session.down.front()));
  }
  for (const auto& row : s.status.vpcs) {
    auto* p = r->add_vpcs();
    p->set_id(row.id);
    p->set_port(row.port.shortName());
    p->set_status(std::string(toString(row.status)));
    p->set_consistency(std::string(toString(row.consistency)));
    p->set_reason(reasonText(row));
    p->set_active_vlans(row.status == VpcStatus::Up ? row.active.str() : "-");
    chainToProto(row.chain, p->mutable_reason_chain(), p->mutable_causes());
    p->set_peer_leg(std::string(toString(row.peer_leg)));
    p->set_peer_link_traffic_allowed(row.peer_link_traffic_allowed);
  }
  ok(done);
}

v1::ShowVpcRequest noRequest(const grammar::Match&) { return {}; }

std::string renderShowVpc(const grammar::Match&, const v1::ShowVpcReply& r) {
  constexpr std::size_t w = 34;
  std::string out;
  out += "Legend:\n";
  out += "                (*) - local vPC is down, forwarding via vPC peer-link\n\n";
  out += field("vPC domain id", std::to_string(r.domain_id()), w);
  out += field("Peer status", r.peer_status(), w);
  out += field("vPC keep-alive status", r.keepalive_status(), w);
  out += field("Configuration consistency status", r.consistency_status(), w);
  out += field("Per-vlan consistency status", r.per_vlan_consistency_status(), w);
  if (!r.consistency_reason().empty()) out += field("Configuration inconsistency reason", r.consistency_reason(), w);
  out += field("Type-2 consistency status", r.type2_consistency_status(), w);
  if (r.type2_consistency_status() != "success" && !r.type2_inconsistency_reason().empty())
    out += field("Type-2 inconsistency reason", r.type2_inconsistency_reason(), w);
  out += field("vPC role", r.role(), w);
  out += field("Number of vPCs configured", std::to_string(r.number_of_vpcs()), w);
  out += field("Peer Gateway", r.peer_gateway(), w);
  out += field("Dual-active excluded VLANs", r.dual_active_excluded_vlans(), w);
  out += field("Graceful Consistency Check", r.graceful_consistency_check(), w);
  out += field("Auto-recovery status", r.auto_recovery_status(), w);
  out += field("Delay-restore status", r.delay_restore_status(), w);
  out += field("Delay-restore SVI status", r.delay_restore_svi_status(), w);
  out += field("Delay-restore Orphan-port status", r.delay_restore_orphan_status(), w);
  out += field("Operational Layer3 Peer-router", r.operational_l3_peer_router(), w);
  out += field("Virtual-peerlink mode", r.virtual_peerlink_mode(), w);
  if (r.time_scale() != 1.0) out += field("Timers scaled by (emulator)", fmt::format("{:g}", r.time_scale()), w);
  out += "\n";
  if (r.has_peer_link()) {
    const auto& pl = r.peer_link();
    out += "vPC Peer-link status\n";
    out += "---------------------------------------------------------------------\n";
    out += "id    Port   Status Active vlans\n";
    out += "--    ----   ------ -------------------------------------------------\n";
    out += table({{std::to_string(pl.id()), pl.port(), pl.status(), pl.active_vlans()}}, {6, 7, 7, 0}, {0, 0, 0, 49});
    if (!pl.reason().empty()) out += "      Reason: " + pl.reason() + "\n";
    out += "\n";
  }
  out += "vPC status\n";
  out += "----------------------------------------------------------------------------\n";
  out += "Id    Port          Status Consistency Reason                Active vlans\n";
  out += "--    ------------  ------ ----------- ------                ---------------\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& v : r.vpcs())
    rows.push_back({std::to_string(v.id()), v.port(), v.status(), v.consistency(), v.reason(), v.active_vlans()});
  out += table(rows, {6, 14, 7, 12, 22, 0}, {0, 0, 0, 11, 21, 15});
  out += "\n";
  out += "Please check \"show vpc consistency-parameters vpc <vpc-num>\" for the\n";
  out += "consistency reason of down vpc and for type-2 consistency reasons for\n";
  out += "any vpc.\n";
  return out;
}

void showVpcRole(Backend& sw, const v1::ShowVpcRoleRequest&, v1::ShowVpcRoleReply* r, const Done& done) {
  const auto s = sw.snapshot();
  const auto& cfg = *s.config;
  r->set_role(toString(s.status.role));
  r->set_peer_status(std::string(toString(s.status.peer)));
  if (!s.adjacent() && cfg.peerLink() && !s.session.down.empty()) r->set_peer_status_reason(describe(s.session.down.front()));
  r->set_dual_active_detection_status(s.role.dual_active_detected ? 1 : 0);
  r->set_local_system_mac(cfg.emulator.local_mac->colon());
  r->set_sticky(s.role.sticky);
  if (cfg.vpc_domain) {
    const auto& d = *cfg.vpc_domain;
    r->set_system_mac(d.systemMac().colon());
    r->set_system_priority(d.system_priority);
    r->set_local_config_role_priority(d.role_priority);
    r->set_local_role_priority(s.role.operational_priority);
  } else {
    r->set_system_mac(MacAddress{}.colon());
  }
  if (s.role.peer) {
    r->set_peer_system_mac(s.role.peer->local_mac.colon());
    r->set_peer_role_priority(s.adjacent() ? s.role.peer->role_priority : s.role.peer->operational_role_priority);
    r->set_peer_config_role_priority(s.role.peer_config_priority);
  }
  ok(done);
}

std::string renderShowVpcRole(const grammar::Match&, const v1::ShowVpcRoleReply& r) {
  constexpr std::size_t w = 32;
  std::string out;
  out += "vPC Role status\n";
  out += "----------------------------------------------------\n";
  out += field("vPC role", r.role(), w);
  out += field("Dual Active Detection Status", std::to_string(r.dual_active_detection_status()), w);
  out += field("vPC system-mac", r.system_mac(), w);
  out += field("vPC system-priority", std::to_string(r.system_priority()), w);
  out += field("vPC local system-mac", r.local_system_mac(), w);
  out += field("vPC local role-priority", std::to_string(r.local_role_priority()), w);
  out += field("vPC local config role-priority", std::to_string(r.local_config_role_priority()), w);
  out += field("vPC peer system-mac", r.peer_system_mac().empty() ? "-" : r.peer_system_mac(), w);
  out += field("vPC peer role-priority", r.peer_system_mac().empty() ? "-" : std::to_string(r.peer_role_priority()), w);
  out += field("vPC peer config role-priority",
               r.peer_system_mac().empty() ? "-" : std::to_string(r.peer_config_role_priority()), w);
  return out;
}

v1::ShowVpcRoleRequest noRoleRequest(const grammar::Match&) { return {}; }

}  // namespace

void addVpcShows(Registry& r) {
  r.rpc<v1::ShowVpcRequest, v1::ShowVpcReply>("ShowVpc", showVpc);
  r.verb(kShowVpc, "show vpc", "vPC status", Verb::Kind::Show, &v1::Management::Stub::ShowVpc, noRequest, renderShowVpc);
  r.verb(kShowVpcBrief, "show vpc brief", "vPC status (same as show vpc)", Verb::Kind::Show,
         &v1::Management::Stub::ShowVpc, noRequest, renderShowVpc);
  r.rpc<v1::ShowVpcRoleRequest, v1::ShowVpcRoleReply>("ShowVpcRole", showVpcRole);
  r.verb(kShowVpcRole, "show vpc role", "vPC role status", Verb::Kind::Show, &v1::Management::Stub::ShowVpcRole,
         noRoleRequest, renderShowVpcRole);
}

}  // namespace vpc::mgmt
