#include "switch/core/forwarding.h"

#include <algorithm>

namespace vpc {

namespace {

bool connected(const SwitchStatus& s, InterfaceId id) {
  const auto* row = s.port(id);
  return row && row->state == PortState::Connected;
}

// The SVI's own address ("10.10.0.2/24" -> 10.10.0.2).
std::optional<Ipv4> sviAddress(const InterfaceConfig& svi) {
  const auto slash = svi.ip_address.find('/');
  return Ipv4::parse(std::string_view(svi.ip_address).substr(0, slash));
}

// The tag a frame of `vlan` carries out of a switchport.
std::optional<std::uint16_t> egressTag(const InterfaceConfig& ic, std::uint16_t vlan) {
  if (ic.mode == PortMode::Access || vlan == ic.native_vlan) return std::nullopt;
  return vlan;
}

}  // namespace

void Forwarding::emit(InterfaceId port, frame::Bytes bytes, Effects& out) {
  auto& c = counters_.ports[port];
  ++c.tx_frames;
  c.tx_bytes += bytes.size();
  out.push_back(fx::SendFrame{port, std::move(bytes)});
}

std::optional<Forwarding::Ingress> Forwarding::classify(const ForwardingView& v, InterfaceId port,
                                                        const frame::Header& h) {
  const auto& cfg = v.config;
  const InterfaceConfig* ic = nullptr;
  Ingress in;
  if (port == InterfaceId::peerLink()) {
    ic = cfg.peerLink();
    if (!ic || !v.adjacent) return std::nullopt;
    in.logical = port;
    in.vlan = h.vid && *h.vid ? *h.vid : ic->native_vlan;
    if (!ic->carriedVlans().contains(in.vlan) || !cfg.vlans.contains(in.vlan)) return std::nullopt;
    return in;
  }
  ic = cfg.interface(port);
  if (!ic || port.kind() != IfKind::Ethernet || !connected(v.status, port)) return std::nullopt;
  in.logical = port;
  if (ic->channel_group) {
    in.logical = InterfaceId::portChannel(*ic->channel_group);
    ic = cfg.interface(in.logical);
    if (!ic || ic->vpc_peer_link || !connected(v.status, in.logical)) return std::nullopt;
  }
  if (!ic->switchport) return std::nullopt;
  if (ic->mode == PortMode::Access) {
    if (h.vid && *h.vid) return std::nullopt;  // a tagged frame on an access port
    in.vlan = ic->access_vlan;
  } else {
    in.vlan = h.vid && *h.vid ? *h.vid : ic->native_vlan;
    if (!ic->trunk_allowed.contains(in.vlan)) return std::nullopt;
  }
  if (!cfg.vlans.contains(in.vlan)) return std::nullopt;
  if (ic->vpc_id) {
    const auto it = v.status.vpc_active.find(*ic->vpc_id);
    if (it == v.status.vpc_active.end() || !it->second.contains(in.vlan)) return std::nullopt;
  }
  return in;
}

bool Forwarding::forwards(const ForwardingView& v, InterfaceId logical, std::uint16_t vlan, bool from_peer) {
  const auto& cfg = v.config;
  if (logical == InterfaceId::peerLink()) {
    const auto* pl = cfg.peerLink();
    return !from_peer && v.adjacent && pl && pl->carriedVlans().contains(vlan);
  }
  const auto* ic = cfg.interface(logical);
  if (!ic || !ic->switchport || ic->vpc_peer_link || !ic->carriedVlans().contains(vlan)) return false;
  if (!connected(v.status, logical)) return false;
  if (ic->vpc_id) {
    const auto it = v.status.vpc_active.find(*ic->vpc_id);
    if (it == v.status.vpc_active.end() || !it->second.contains(vlan)) return false;
    if (from_peer) {
      // Loop avoidance: the peer forwarded this frame itself unless its own leg of the vPC is down.
      const auto* row = v.status.vpc(*ic->vpc_id);
      if (!row || row->peer_leg != PeerLeg::Down) {
        ++counters_.dropped_loop_avoidance;
        return false;
      }
    }
  }
  return true;
}

void Forwarding::sendTo(const ForwardingView& v, InterfaceId logical, std::uint16_t vlan, frame::View bytes,
                        const frame::Header& h, Effects& out) {
  if (logical == InterfaceId::peerLink()) {
    frame::egress(bytes, h, vlan, scratch_);
    emit(logical, scratch_, out);
    return;
  }
  const auto& ic = *v.config.interface(logical);
  InterfaceId port = logical;
  if (logical.kind() == IfKind::PortChannel) {
    // One member per flow, among those up.
    InterfaceId members[64];
    std::size_t n = 0;
    for (const auto& m : v.config.members(logical.number()))
      if (n < std::size(members) && connected(v.status, m)) members[n++] = m;
    if (n == 0) {
      ++counters_.dropped_no_egress;
      return;
    }
    port = members[frame::flowHash(bytes, h) % n];
  }
  frame::egress(bytes, h, egressTag(ic, vlan), scratch_);
  emit(port, scratch_, out);
}

void Forwarding::flood(const ForwardingView& v, std::optional<InterfaceId> ingress, std::uint16_t vlan,
                       frame::View bytes, const frame::Header& h, Effects& out) {
  ++counters_.flooded;
  const bool from_peer = ingress && *ingress == InterfaceId::peerLink();
  for (const auto& [id, ic] : v.config.interfaces) {
    if (ingress && id == *ingress) continue;
    if (id.kind() == IfKind::Ethernet && ic.channel_group) continue;  // its port-channel stands for it
    if (id.kind() != IfKind::Ethernet && id.kind() != IfKind::PortChannel) continue;
    if (forwards(v, id, vlan, from_peer)) sendTo(v, id, vlan, bytes, h, out);
  }
  if (forwards(v, InterfaceId::peerLink(), vlan, from_peer)) sendTo(v, InterfaceId::peerLink(), vlan, bytes, h, out);
}

void Forwarding::forward(const ForwardingView& v, TableSync& tables, std::optional<InterfaceId> ingress,
                         std::uint16_t vlan, frame::View bytes, const frame::Header& h, Effects& out) {
  const bool from_peer = ingress && *ingress == InterfaceId::peerLink();
  if (h.dst.isMulticast()) return flood(v, ingress, vlan, bytes, h, out);
  InterfaceId to;
  const auto key = macKey(vlan, h.dst.value);
  if (const auto* e = tables.macs().find(key)) {
    to = tables.ports().installedMac(key, e->has_local, e->local, e->peer).first;
  } else if (v.peer_mac && h.dst.value == v.peer_mac) {
    to = InterfaceId::peerLink();  // the peer's own MAC (its SVIs)
  } else {
    return flood(v, ingress, vlan, bytes, h, out);  // unknown unicast
  }
  if ((ingress && to == *ingress) || !forwards(v, to, vlan, from_peer)) {
    ++counters_.dropped_no_egress;
    return;
  }
  sendTo(v, to, vlan, bytes, h, out);
}

bool Forwarding::toSvi(const ForwardingView& v, TableSync& tables, std::uint16_t vlan, frame::View bytes,
                       const frame::Header& h, TimePoint now, Effects& out) {
  const auto svi_id = InterfaceId::vlan(vlan);
  const auto* svi = v.config.interface(svi_id);
  if (!svi || !connected(v.status, svi_id)) return false;
  const auto ip = sviAddress(*svi);
  if (!ip) return false;
  const MacAddress self{v.self_mac};
  if (auto arp = frame::parseArp(bytes, h)) {
    if (arp->target_ip != *ip) return false;
    ++counters_.to_svi;
    // The asker (or the one answering us) becomes an ARP entry, as `learn arp` would make it.
    if (arp->sender_ip.value != 0 && !arp->sender_mac.isMulticast())
      (void)tables.learnArps(arp->sender_ip.value, 1, arp->sender_mac.value, vlan, now);
    if (arp->op == 1) {
      ++counters_.svi_replies;
      originate(v, tables, vlan, frame::arpReply(self, *ip, *arp), out);
    }
    return true;
  }
  if (h.dst != self) return false;
  ++counters_.to_svi;
  if (auto reply = frame::echoReply(bytes, h, self, *ip)) {
    ++counters_.svi_replies;
    originate(v, tables, vlan, std::move(*reply), out);
  }
  return true;
}

void Forwarding::originate(const ForwardingView& v, TableSync& tables, std::uint16_t vlan, frame::Bytes bytes,
                           Effects& out) {
  const auto h = frame::parse(bytes);
  if (!h) return;
  forward(v, tables, std::nullopt, vlan, bytes, *h, out);
}

void Forwarding::receive(const ForwardingView& v, TableSync& tables, InterfaceId port, frame::View bytes,
                         TimePoint now, Effects& out) {
  auto& c = counters_.ports[port];
  ++c.rx_frames;
  c.rx_bytes += bytes.size();
  const auto h = frame::parse(bytes);
  if (!h) {
    ++counters_.dropped_malformed;
    return;
  }
  const auto in = classify(v, port, *h);
  if (!in) {
    ++counters_.dropped_ingress;
    return;
  }
  const bool from_peer = in->logical == InterfaceId::peerLink();
  if (!from_peer && !h->src.isMulticast() && h->src.value != 0 && h->src.value != v.self_mac)
    (void)tables.learnMacs(in->vlan, h->src.value, 1, in->logical, false, now);
  if (h->dst.value == v.self_mac) {
    (void)toSvi(v, tables, in->vlan, bytes, *h, now, out);
    return;
  }
  if (h->dst.value == frame::kBroadcast) (void)toSvi(v, tables, in->vlan, bytes, *h, now, out);
  forward(v, tables, in->logical, in->vlan, bytes, *h, out);
}

}  // namespace vpc
