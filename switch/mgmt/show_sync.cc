// show vpc sync, show peer-link messages (emulator): RPCs ShowVpcSync and ShowPeerLinkMessages.
#include <cstdio>

#include <fmt/format.h>

#include "switch/mgmt/commands.h"
#include "switch/mgmt/text.h"

namespace vpc::mgmt {

namespace {

std::string hex(std::uint64_t v) {
  char buf[20];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

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

// The digests are kept current as the tables change (table_sync.h): O(1) here at any table size.
void showSync(Backend& sw, const v1::ShowVpcSyncRequest&, v1::ShowVpcSyncReply* out, const Done& done) {
  const auto s = sw.snapshot();
  const auto& t = s.tables;
  out->set_session_state(std::string(toString(s.session.state)));
  txToProto(t.tx, sw.clock(), out->mutable_tx());
  rxToProto(t.rx, sw.clock(), out->mutable_rx());
  out->set_local_macs(t.local_macs);
  out->set_peer_macs(t.peer_macs);
  out->set_local_arps(t.local_arps);
  out->set_peer_arps(t.peer_arps);
  out->set_logical_mac_digest(hex(t.macs.sum));
  out->set_logical_arp_digest(hex(t.arps.sum));
  out->set_logical_macs(t.macs.count);
  out->set_logical_arps(t.arps.count);
  if (s.session.rtt) out->set_rtt_ms(toMillis(*s.session.rtt));
  out->set_session_flaps(s.session.counters.downs);
  out->set_arp_sync(t.arp_sync);
  for (const auto& m : sw.peerLinkMessages(16)) out->add_recent_messages(std::string(m.tx ? "tx " : "rx ") + m.summary);
  if (const auto it = s.frames.ports.find(InterfaceId::peerLink()); it != s.frames.ports.end()) {
    auto* f = out->mutable_peer_link_frames();
    f->set_tx_frames(it->second.tx_frames);
    f->set_tx_bytes(it->second.tx_bytes);
    f->set_rx_frames(it->second.rx_frames);
    f->set_rx_bytes(it->second.rx_bytes);
  }
  if (const auto dropped = sw.peerLinkFramesDropped()) out->mutable_peer_link_frames()->set_tx_dropped(dropped);
  {
    const auto& c = s.session.counters;
    auto* g = out->mutable_guard();
    g->set_superseded(c.superseded);
    g->set_refused(c.refused_candidates);
    g->set_refused_bad_hello(c.refused_bad_hello);
    g->set_refused_early(c.refused_early);
    g->set_refused_silent(c.refused_silent);
    g->set_rate_limited(sw.peerLinkRateLimited());
    g->set_restart_hints(c.restart_hints);
  }
  if (s.frames.dropped_malformed || s.frames.dropped_ingress || s.frames.dropped_loop_avoidance ||
      s.frames.dropped_no_egress) {
    auto* d = out->mutable_frame_drops();
    d->set_malformed(s.frames.dropped_malformed);
    d->set_ingress(s.frames.dropped_ingress);
    d->set_loop_avoidance(s.frames.dropped_loop_avoidance);
    d->set_no_egress(s.frames.dropped_no_egress);
  }
  ok(done);
}

std::string renderSync(const grammar::Match&, const v1::ShowVpcSyncReply& r) {
  constexpr std::size_t w = 32;
  std::string out;
  out += "vPC peer-link sync status (emulator)\n";
  out += "----------------------------------------------------\n";
  out += field("Session state", r.session_state(), w);
  out += field("Peer-link round trip", r.rtt_ms() > 0 ? fmt::format("{:.3f} ms", r.rtt_ms()) : "-", w);
  out += field("Peer-link flaps", std::to_string(r.session_flaps()), w);
  const auto& g = r.guard();
  out += field("Connections refused",
               fmt::format("{} (bad Hello {}, no Hello first {}, silent {}), {} rate-limited", g.refused(),
                           g.refused_bad_hello(), g.refused_early(), g.refused_silent(), g.rate_limited()),
               w);
  out += field("Sessions superseded", std::to_string(g.superseded()), w);
  out += field("ARP synchronize", r.arp_sync() ? "Enabled (both switches)" : "Disabled", w);
  out += field("MAC entries (local/peer)", fmt::format("{} / {}", r.local_macs(), r.peer_macs()), w);
  out += field("ARP entries (local/peer)", fmt::format("{} / {}", r.local_arps(), r.peer_arps()), w);
  out += field("Logical MAC view", fmt::format("{} assertions, digest {}", r.logical_macs(), r.logical_mac_digest()), w);
  out += field("Logical ARP view", fmt::format("{} assertions, digest {}", r.logical_arps(), r.logical_arp_digest()), w);
  out += "\n";
  const auto& tx = r.tx();
  const auto& rx = r.rx();
  auto row = [](const std::string& label, const std::string& a, const std::string& b) {
    return fmt::format("{:<24}{:<22}{}\n", label, a, b);
  };
  auto num = [](std::uint64_t v) { return std::to_string(v); };
  auto bulk = [](const v1::SyncDirection& d) {
    if (d.bulk_state() == "idle") return std::string("-");
    return fmt::format("{}, {} rec{}", d.bulk_state(), d.bulk_records(),
                       d.last_bulk_ms() > 0 ? fmt::format(", {:.1f} ms", d.last_bulk_ms()) : "");
  };
  out += row("", "Sent to peer", "Received from peer");
  out += row("Batches", num(tx.batches()), num(rx.batches()));
  out += row("Records", num(tx.records()), num(rx.records()));
  out += row("Acknowledged records", num(tx.acked_records()), "-");
  out += row("Pending (not acked)", num(tx.pending_records()), "-");
  out += row("Queued (not sent)", num(tx.queued_records()), "-");
  out += row("Last sequence", num(tx.last_seq()), num(rx.last_seq()));
  out += row("Acked sequence", num(tx.acked_seq()), "-");
  out += row("Bulk snapshots", num(tx.bulk_syncs()), num(rx.bulk_syncs()));
  out += row("Last bulk snapshot", bulk(tx), bulk(rx));
  out += row("Resyncs", num(tx.resyncs()), num(rx.resyncs()));
  out += row("Sequence gaps", "-", num(rx.gaps()));
  out += row("Malformed messages", "-", num(rx.malformed()));
  const auto& f = r.peer_link_frames();
  out += row("Data frames", num(f.tx_frames()), num(f.rx_frames()));
  out += row("Data bytes", num(f.tx_bytes()), num(f.rx_bytes()));
  if (f.tx_dropped()) out += row("Data frames dropped", num(f.tx_dropped()), "-");
  if (r.has_frame_drops()) {
    const auto& d = r.frame_drops();
    out += field("Frames dropped", fmt::format("ingress {}, loop avoidance {}, no egress {}, malformed {}", d.ingress(),
                                               d.loop_avoidance(), d.no_egress(), d.malformed()),
                 w);
  }
  if (!tx.last_resync_reason().empty())
    out += field("Last resync (asked by peer)", tx.last_resync_at() + " " + tx.last_resync_reason(), w);
  if (!rx.last_resync_reason().empty())
    out += field("Last resync (asked by us)", rx.last_resync_at() + " " + rx.last_resync_reason(), w);
  if (r.recent_messages_size()) {
    out += "\nRecent peer-link messages (oldest first)\n";
    for (const auto& m : r.recent_messages()) out += "  " + m + "\n";
  }
  return out;
}

void showMessages(Backend& sw, const v1::ShowPeerLinkMessagesRequest& req, v1::ShowPeerLinkMessagesReply* out,
                  const Done& done) {
  for (const auto& n : sw.peerLinkMessages(req.last())) {
    auto* m = out->add_messages();
    m->set_time(sw.clock().iso(n.at));
    m->set_mono_ms(sw.clock().monoMs(n.at));
    m->set_direction(n.tx ? "tx" : "rx");
    m->set_type(n.type);
    m->set_bytes(n.bytes);
    m->set_summary(n.summary);
  }
  ok(done);
}

v1::ShowPeerLinkMessagesRequest messagesRequest(const grammar::Match& m) {
  v1::ShowPeerLinkMessagesRequest req;
  req.set_last(static_cast<std::uint32_t>(m.numberOr("last").value_or(0)));
  return req;
}

std::string renderMessages(const grammar::Match&, const v1::ShowPeerLinkMessagesReply& r) {
  std::string out;
  out += "Time                      Dir  Type               Bytes  Summary\n";
  out += "------------------------  ---  -----------------  -----  -----------------------------------\n";
  for (const auto& m : r.messages())
    out += fmt::format("{:<26}{:<5}{:<19}{:<7}{}\n", m.time(), m.direction(), m.type(), m.bytes(), m.summary());
  return out;
}

v1::ShowVpcSyncRequest syncRequest(const grammar::Match&) { return {}; }

}  // namespace

void addSyncShows(Registry& r) {
  r.rpc<v1::ShowVpcSyncRequest, v1::ShowVpcSyncReply>("ShowVpcSync", showSync);
  r.verb(kShowVpcSync, "show vpc sync", "MAC/ARP sync over the peer-link (emulator)", Verb::Kind::Show,
         &v1::Management::Stub::ShowVpcSync, syncRequest, renderSync);
  r.rpc<v1::ShowPeerLinkMessagesRequest, v1::ShowPeerLinkMessagesReply>("ShowPeerLinkMessages", showMessages);
  r.verb(kShowPeerLinkMessages, "show peer-link messages [ last <last:1-256> ]",
         "the last messages on the peer-link (emulator)", Verb::Kind::Show,
         &v1::Management::Stub::ShowPeerLinkMessages, messagesRequest, renderMessages);
}

}  // namespace vpc::mgmt
