// show vpc peer-keepalive, show vpc statistics peer-keepalive: RPC ShowVpcPeerKeepalive.
#include <fmt/format.h>

#include "switch/mgmt/commands.h"
#include "switch/mgmt/text.h"

namespace vpc::mgmt {

namespace {

void showKeepalive(Backend& sw, const v1::ShowVpcPeerKeepaliveRequest&, v1::ShowVpcPeerKeepaliveReply* out,
                   const Done& done) {
  const auto s = sw.snapshot();
  const auto& k = s.keepalive;
  const auto& clock = sw.clock();
  out->set_keepalive_status(std::string(keepaliveStatusText(k.state)));
  if (k.alive_since) out->set_peer_alive_for_s(toSeconds(s.now - *k.alive_since));
  out->set_send_status(k.counters.send_failures && k.state == KeepaliveState::SendFailed ? "Failed" : "Success");
  if (k.last_tx) out->set_last_send_at(clock.nxos(*k.last_tx));
  const bool receiving = k.state == KeepaliveState::Alive || k.state == KeepaliveState::DomainMismatch;
  out->set_sent_on_interface(k.settings ? "mgmt0" : "");
  out->set_receive_status(receiving ? "Success" : "Failed");
  if (k.last_rx) out->set_last_receive_at(clock.nxos(*k.last_rx));
  out->set_received_on_interface(receiving ? "mgmt0" : "");
  if (k.last_rx) out->set_last_update_from_peer_s(toSeconds(s.now - *k.last_rx));
  if (k.settings) {
    out->set_destination(k.settings->destination.str());
    out->set_source(k.settings->source ? k.settings->source->str() : "");
    out->set_interval_ms(k.settings->interval_ms);
    out->set_timeout_s(k.settings->timeout_s);
    out->set_hold_timeout_s(k.settings->hold_timeout_s);
    out->set_vrf(k.settings->vrf);
    out->set_udp_port(k.settings->udp_port);
    out->set_tos(k.settings->tos);
  }
  out->set_tx_count(k.counters.tx);
  out->set_rx_count(k.counters.rx);
  out->set_state_changes(k.counters.transitions);
  out->set_bad_datagrams(k.counters.malformed);
  out->set_foreign_datagrams(k.counters.foreign);
  out->set_mismatched_datagrams(k.counters.domain_mismatches);
  if (k.average_rx_interval) out->set_average_rx_interval_ms(toMillis(*k.average_rx_interval));
  out->set_tx_failures(k.counters.send_failures);
  ok(done);
}

v1::ShowVpcPeerKeepaliveRequest request(const grammar::Match&) { return {}; }

std::string renderKeepalive(const grammar::Match&, const v1::ShowVpcPeerKeepaliveReply& r) {
  std::string out;
  out += field("vPC keep-alive status", r.keepalive_status(), 34);
  constexpr std::size_t w = 32;
  if (r.keepalive_status() == "peer is alive") out += field("--Peer is alive for", secondsMsec(r.peer_alive_for_s()), w);
  out += field("--Send status", r.send_status(), w);
  out += field("--Last send at", r.last_send_at(), w);
  out += field("--Sent on interface", r.sent_on_interface(), w);
  out += field("--Receive status", r.receive_status(), w);
  out += field("--Last receive at", r.last_receive_at(), w);
  out += field("--Received on interface", r.received_on_interface(), w);
  out += field("--Last update from peer", r.last_receive_at().empty() ? "-" : secondsMsec(r.last_update_from_peer_s()), w);
  out += "\nvPC Keep-alive parameters\n";
  out += field("--Destination", r.destination(), w);
  out += field("--Keepalive interval", std::to_string(r.interval_ms()) + " msec", w);
  out += field("--Keepalive timeout", std::to_string(r.timeout_s()) + " seconds", w);
  out += field("--Keepalive hold timeout", std::to_string(r.hold_timeout_s()) + " seconds", w);
  out += field("--Keepalive vrf", r.vrf(), w);
  out += field("--Keepalive udp port", std::to_string(r.udp_port()), w);
  out += field("--Keepalive tos", std::to_string(r.tos()), w);
  return out;
}

std::string renderStatistics(const grammar::Match&, const v1::ShowVpcPeerKeepaliveReply& r) {
  std::string out = field("vPC keep-alive status", r.keepalive_status(), 34);
  out += "\nvPC keep-alive statistics\n";
  out += "----------------------------------------------------\n";
  auto line = [](const std::string& label, const std::string& value) {
    return fmt::format("{:<42}{}\n", label, value);
  };
  out += line("peer-keepalive tx count:", std::to_string(r.tx_count()));
  out += line("peer-keepalive tx fail count:", std::to_string(r.tx_failures()));
  out += line("peer-keepalive rx count:", std::to_string(r.rx_count()));
  out += line("average interval for peer rx:",
              r.average_rx_interval_ms() > 0 ? fmt::format("{:.0f}", r.average_rx_interval_ms()) : "-");
  out += line("Count of peer state changes:", std::to_string(r.state_changes()));
  out += line("bad datagrams (emulator):", std::to_string(r.bad_datagrams()));
  out += line("foreign datagrams (emulator):", std::to_string(r.foreign_datagrams()));
  out += line("other-domain datagrams (emulator):", std::to_string(r.mismatched_datagrams()));
  return out;
}

}  // namespace

void addKeepaliveShows(Registry& r) {
  r.rpc<v1::ShowVpcPeerKeepaliveRequest, v1::ShowVpcPeerKeepaliveReply>("ShowVpcPeerKeepalive", showKeepalive);
  r.verb(kShowVpcPeerKeepalive, "show vpc peer-keepalive", "peer-keepalive status", Verb::Kind::Show,
         &v1::Management::Stub::ShowVpcPeerKeepalive, request, renderKeepalive);
  r.verb(kShowVpcStatisticsKeepalive, "show vpc statistics peer-keepalive", "peer-keepalive counters",
         Verb::Kind::Show, &v1::Management::Stub::ShowVpcPeerKeepalive, request, renderStatistics);
}

}  // namespace vpc::mgmt
