#include "switch/daemon/mgmt_codec.h"

#include <cstdio>

#include "peerlink/core/effects.h"

namespace vpc::daemon {

void toProto(const VpcView& v, v1::ShowVpcReply* out) {
  out->set_hostname(v.hostname);
  out->set_domain_id(v.domain_id);
  out->set_role(v.role);
  out->set_peer_status(v.peer_status);
  out->set_peer_status_reason(v.peer_status_reason);
  out->set_keepalive_status(v.keepalive_status);
  out->set_consistency_status(v.consistency_status);
  out->set_consistency_reason(v.consistency_reason);
  out->set_per_vlan_consistency_status(v.per_vlan_consistency_status);
  out->set_type2_consistency_status(v.type2_consistency_status);
  out->set_number_of_vpcs(static_cast<std::uint32_t>(v.vpcs.size()));
  out->set_peer_gateway(v.peer_gateway ? "Enabled" : "Disabled");
  out->set_dual_active_excluded_vlans(v.dual_active_excluded_vlans.empty() ? "-" : v.dual_active_excluded_vlans);
  out->set_graceful_consistency_check(v.graceful_consistency_check);
  out->set_type2_inconsistency_reason(v.type2_reason);
  out->set_dual_active_detection_status(v.dual_active_detection_status);
  out->set_auto_recovery_status(v.auto_recovery_status);
  out->set_delay_restore_status(v.delay_restore_status);
  out->set_delay_restore_svi_status(v.delay_restore_svi_status);
  out->set_delay_restore_orphan_status(v.delay_restore_orphan_status);
  out->set_operational_l3_peer_router(v.layer3_peer_router ? "Enabled" : "Disabled");
  out->set_virtual_peerlink_mode("Disabled");
  out->set_time_scale(v.time_scale);
  if (v.peer_link) {
    auto* pl = out->mutable_peer_link();
    pl->set_id(v.peer_link->id);
    pl->set_port(v.peer_link->port);
    pl->set_status(v.peer_link->status);
    pl->set_active_vlans(v.peer_link->active_vlans);
    pl->set_reason(v.peer_link->reason);
  }
  for (const auto& row : v.vpcs) {
    auto* p = out->add_vpcs();
    p->set_id(row.id);
    p->set_port(row.port);
    p->set_status(row.status);
    p->set_consistency(row.consistency);
    p->set_reason(row.reason);
    p->set_active_vlans(row.active_vlans);
    for (const auto& r : row.reason_chain) p->add_reason_chain(r);
    p->set_peer_leg(row.peer_leg);
    p->set_peer_link_traffic_allowed(row.peer_link_traffic_allowed);
  }
}

void toProto(const VpcView& v, v1::ShowVpcRoleReply* out) {
  out->set_role(v.role);
  out->set_dual_active_detection_status(v.dual_active_detection_status);
  out->set_system_mac(v.system_mac.colon());
  out->set_system_priority(v.system_priority);
  out->set_local_system_mac(v.local_mac.colon());
  out->set_local_role_priority(v.local_role_priority);
  out->set_local_config_role_priority(v.local_config_role_priority);
  out->set_peer_system_mac(v.peer_mac ? v.peer_mac->colon() : "");
  out->set_peer_role_priority(v.peer_role_priority);
  out->set_peer_config_role_priority(v.peer_config_role_priority);
  out->set_sticky(v.sticky);
}

void toProto(const MacRow& row, v1::MacEntry* out) {
  out->set_vlan(row.vlan);
  out->set_mac(row.mac.dotted());
  out->set_type(row.is_static ? "static" : "dynamic");
  out->set_age(row.age_s);
  out->set_port(row.port.shortName());
  out->set_flag(std::string(1, row.flag));
}

std::string arpAge(Duration age) {
  auto s = std::chrono::duration_cast<Seconds>(age).count();
  if (s < 0) s = 0;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld", static_cast<long long>(s / 3600),
                static_cast<long long>((s / 60) % 60), static_cast<long long>(s % 60));
  return buf;
}

void toProto(const ArpRow& row, v1::ArpEntry* out) {
  out->set_ip(row.ip.str());
  out->set_mac(row.mac.dotted());
  out->set_interface(InterfaceId::vlan(row.vlan).longName());
  out->set_age(arpAge(row.age));
  out->set_flags(row.synced ? "+" : "");
}

namespace {
void txToProto(const SyncTxStatus& s, const WallClock& clock, v1::SyncDirection* out) {
  out->set_batches(s.batches);
  out->set_records(s.records);
  out->set_acked_records(s.acked_records);
  out->set_pending_records(s.pending_records);
  out->set_queued_records(s.queued_records);
  out->set_last_seq(s.last_seq);
  out->set_acked_seq(s.acked_seq);
  out->set_bulk_syncs(s.bulk_syncs);
  out->set_resyncs(s.resyncs);
  out->set_last_resync_reason(s.last_resync_reason);
  if (s.last_resync_at) out->set_last_resync_at(clock.iso(*s.last_resync_at));
  out->set_bulk_state(s.bulk_in_progress ? "in progress" : (s.bulk_syncs ? "done" : "idle"));
  out->set_bulk_records(s.bulk_records);
  if (s.last_bulk_duration) out->set_last_bulk_ms(toMillis(*s.last_bulk_duration));
}

void rxToProto(const SyncRxStatus& s, const WallClock& clock, v1::SyncDirection* out) {
  out->set_batches(s.batches);
  out->set_records(s.records);
  out->set_last_seq(s.last_seq);
  out->set_bulk_syncs(s.bulk_syncs);
  out->set_resyncs(s.resyncs_requested);
  out->set_last_resync_reason(s.last_resync_reason);
  if (s.last_resync_at) out->set_last_resync_at(clock.iso(*s.last_resync_at));
  out->set_gaps(s.gaps);
  out->set_malformed(s.malformed);
  out->set_bulk_state(s.bulk_in_progress ? "in progress" : (s.bulk_done ? "done" : "idle"));
  out->set_bulk_records(s.bulk_records);
  if (s.last_bulk_duration) out->set_last_bulk_ms(toMillis(*s.last_bulk_duration));
}

std::string hex(std::uint64_t v) {
  char buf[20];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}
}  // namespace

void toProto(const SyncView& v, const WallClock& clock, v1::ShowVpcSyncReply* out) {
  out->set_session_state(v.session_state);
  txToProto(v.tx, clock, out->mutable_tx());
  rxToProto(v.rx, clock, out->mutable_rx());
  out->set_local_macs(v.local_macs);
  out->set_peer_macs(v.peer_macs);
  out->set_local_arps(v.local_arps);
  out->set_peer_arps(v.peer_arps);
  out->set_logical_mac_digest(hex(v.logical_mac_digest));
  out->set_logical_arp_digest(hex(v.logical_arp_digest));
  out->set_logical_macs(v.logical_macs);
  out->set_logical_arps(v.logical_arps);
  if (v.rtt) out->set_rtt_ms(toMillis(*v.rtt));
  out->set_session_flaps(v.session_flaps);
  out->set_arp_sync(v.arp_sync);
  for (const auto& m : v.recent_messages) out->add_recent_messages(m);
}

void toProto(const KeepaliveView& v, const WallClock& clock, v1::ShowVpcPeerKeepaliveReply* out) {
  out->set_keepalive_status(v.status);
  if (v.alive_for) out->set_peer_alive_for_s(toSeconds(*v.alive_for));
  out->set_send_status(v.counters.send_failures && v.state == KeepaliveState::SendFailed ? "Failed" : "Success");
  if (v.last_tx) out->set_last_send_at(clock.nxos(*v.last_tx));
  const bool receiving = v.state == KeepaliveState::Alive || v.state == KeepaliveState::DomainMismatch;
  out->set_sent_on_interface(v.settings ? "mgmt0" : "");
  out->set_receive_status(receiving ? "Success" : "Failed");
  if (v.last_rx) out->set_last_receive_at(clock.nxos(*v.last_rx));
  out->set_received_on_interface(receiving ? "mgmt0" : "");
  if (v.since_last_rx) out->set_last_update_from_peer_s(toSeconds(*v.since_last_rx));
  if (v.settings) {
    out->set_destination(v.settings->destination.str());
    out->set_source(v.settings->source ? v.settings->source->str() : "");
    out->set_interval_ms(v.settings->interval_ms);
    out->set_timeout_s(v.settings->timeout_s);
    out->set_hold_timeout_s(v.settings->hold_timeout_s);
    out->set_vrf(v.settings->vrf);
    out->set_udp_port(v.settings->udp_port);
    out->set_tos(v.settings->tos);
  }
  out->set_tx_count(v.counters.tx);
  out->set_rx_count(v.counters.rx);
  out->set_state_changes(v.counters.transitions);
  out->set_bad_datagrams(v.counters.malformed);
  if (v.average_rx_interval) out->set_average_rx_interval_ms(toMillis(*v.average_rx_interval));
  out->set_tx_failures(v.counters.send_failures);
}

void toProto(const ConsistencyView& v, v1::ShowVpcConsistencyReply* out) {
  out->set_status(v.status);
  out->set_reason(v.reason);
  for (const auto& r : v.rows) {
    auto* row = out->add_rows();
    row->set_name(r.name);
    row->set_type(r.type);
    row->set_local_value(r.local);
    row->set_peer_value(r.peer);
  }
}

void toProto(const InterfaceRow& row, v1::InterfaceStatus* out) {
  out->set_port(row.id.shortName());
  out->set_name(row.description.empty() ? "--" : row.description);
  out->set_status(row.status);
  out->set_vlan(row.vlan);
  out->set_duplex(row.duplex);
  out->set_speed(row.speed);
  switch (row.id.kind()) {
    case IfKind::Ethernet: out->set_type("10G"); break;
    default: out->set_type("--");
  }
  for (const auto& r : row.reason_chain) out->add_reason_chain(r);
}

void toProto(const Event& e, const std::string& hostname, const WallClock& clock, v1::Event* out) {
  out->set_seq(e.seq);
  out->set_time(clock.iso(e.at));
  out->set_mono_ms(clock.monoMs(e.at));
  out->set_unix_us(std::chrono::duration_cast<std::chrono::microseconds>(clock.wall(e.at).time_since_epoch()).count());
  out->set_switch_(hostname);
  out->set_subject(e.subject);
  out->set_from(e.from);
  out->set_to(e.to);
  out->set_kind(std::string(toString(e.kind)));
  out->set_reason(joinReasons(e.reasons));
  for (const auto& r : e.reasons) out->add_reason_chain(r);
}

}  // namespace vpc::daemon

namespace vpc::daemon {

void toProto(const OrphanVlanView& v, v1::OrphanVlan* out) {
  out->set_vlan(v.vlan);
  for (const auto& p : v.ports) out->add_ports(p.shortName());
}

void toProto(const PortChannelView& v, v1::PortChannelSummary* out) {
  out->set_group(v.group);
  out->set_port(v.id.shortName());
  out->set_flags(v.flags);
  out->set_type("Eth");
  out->set_protocol(v.protocol);
  for (const auto& [id, flag] : v.members) {
    auto* m = out->add_members();
    m->set_port(id.shortName());
    m->set_flag(std::string(1, flag));
  }
}

void toProto(const Explanation& x, const std::string& hostname, const WallClock& clock, v1::ExplainReply* out) {
  out->set_subject(x.subject);
  out->set_status(x.status);
  out->set_reason(x.reason);
  for (const auto& c : x.chain) out->add_reason_chain(c);
  for (const auto& r : x.rules) out->add_rules(r);
  for (const auto& e : x.events) toProto(e, hostname, clock, out->add_events());
}

}  // namespace vpc::daemon
