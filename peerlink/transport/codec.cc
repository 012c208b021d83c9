#include "peerlink/transport/codec.h"

#include "peerlink/core/interface_id.h"
#include "peerlink/core/overloaded.h"

namespace vpc::codec {

namespace {

bool validMac(std::uint64_t v) { return v <= MacAddress::kMask; }
bool validVlan(std::uint32_t v) { return v >= kMinVlan && v <= kMaxVlan; }

template <class Repeated>
void vlanSetToProto(const VlanSet& s, Repeated* out) {
  const auto ids = s.ids();
  out->Reserve(static_cast<int>(ids.size()));
  for (auto v : ids) out->Add(v);
}

template <class Repeated>
Result<VlanSet> vlanSetFromProto(const Repeated& in, const char* what) {
  VlanSet s;
  for (auto v : in) {
    if (!validVlan(v)) return invalidArgument(std::string(what) + ": VLAN " + std::to_string(v) + " out of range");
    s.insert(static_cast<std::uint16_t>(v));
  }
  return s;
}


// One synced kind on the wire: its batch message (columnar: record i is column[i] of every column) and
// how one record is written, read and checked. batchToProto/batchFromProto are written once over it.
template <class T>
struct Columns;

template <>
struct Columns<MacTraits> {
  using Proto = v1::MacBatch;
  static Proto* mutableIn(v1::PeerMessage* m) { return m->mutable_mac_batch(); }
  static int size(const Proto& p) { return p.mac_size(); }
  static bool equalLengths(const Proto& p) {
    const int n = p.mac_size();
    return p.vlan_size() == n && p.port_size() == n && p.flags_size() == n;
  }
  static void reserve(Proto* p, int n) {
    p->mutable_mac()->Reserve(n);
    p->mutable_vlan()->Reserve(n);
    p->mutable_port()->Reserve(n);
    p->mutable_flags()->Reserve(n);
  }
  static void write(const peer::MacRecord& r, Proto* p) {
    p->add_mac(keyMac(r.key));
    p->add_vlan(keyVlan(r.key));
    p->add_port(r.port);
    p->add_flags(r.flags);
  }
  // Record i, or why it is refused. `valid_port`: the last port code found valid in this batch (a
  // batch's records sit on a few ports: each code is checked once per run of it, not once per record).
  static Result<peer::MacRecord> read(const Proto& p, int i, std::uint32_t& valid_port) {
    const auto mac = p.mac(i);
    const auto vlan = p.vlan(i);
    const auto flags = p.flags(i);
    if (!validMac(mac) || !validVlan(vlan) || flags > (kRecordDelete | kRecordStatic))
      return invalidArgument("invalid MAC, VLAN or flags");
    if (!(flags & kRecordDelete) && p.port(i) != valid_port) {
      const auto port = InterfaceId::fromCode(p.port(i));
      if (!port || (port->kind() != IfKind::Ethernet && port->kind() != IfKind::PortChannel &&
                    port->kind() != IfKind::Vpc))
        return invalidArgument("invalid port code " + std::to_string(p.port(i)));
      valid_port = p.port(i);
    }
    return peer::MacRecord{macKey(static_cast<std::uint16_t>(vlan), mac), p.port(i), static_cast<std::uint8_t>(flags)};
  }
};

template <>
struct Columns<ArpTraits> {
  using Proto = v1::ArpBatch;
  static Proto* mutableIn(v1::PeerMessage* m) { return m->mutable_arp_batch(); }
  static int size(const Proto& p) { return p.ip_size(); }
  static bool equalLengths(const Proto& p) {
    const int n = p.ip_size();
    return p.mac_size() == n && p.vlan_size() == n && p.flags_size() == n;
  }
  static void reserve(Proto* p, int n) {
    p->mutable_ip()->Reserve(n);
    p->mutable_mac()->Reserve(n);
    p->mutable_vlan()->Reserve(n);
    p->mutable_flags()->Reserve(n);
  }
  static void write(const peer::ArpRecord& r, Proto* p) {
    p->add_ip(r.ip);
    p->add_mac(r.mac);
    p->add_vlan(r.vlan);
    p->add_flags(r.flags);
  }
  static Result<peer::ArpRecord> read(const Proto& p, int i, std::uint32_t&) {
    const auto flags = p.flags(i);
    const bool del = flags & kRecordDelete;
    if (flags > kRecordDelete || (!del && (!validMac(p.mac(i)) || !validVlan(p.vlan(i)))))
      return invalidArgument("invalid MAC, VLAN or flags");
    return peer::ArpRecord{p.ip(i), p.mac(i), static_cast<std::uint16_t>(p.vlan(i)), static_cast<std::uint8_t>(flags)};
  }
};

template <class T>
void batchToProto(const peer::Batch<T>& b, v1::PeerMessage* out) {
  auto* p = Columns<T>::mutableIn(out);
  p->set_seq(b.seq);
  Columns<T>::reserve(p, static_cast<int>(b.records.size()));
  for (const auto& r : b.records) Columns<T>::write(r, p);
}

template <class T>
Result<peer::Message> batchFromProto(const typename Columns<T>::Proto& p) {
  const std::string what = std::string(T::kBatchName) + " #" + std::to_string(p.seq());
  if (!Columns<T>::equalLengths(p)) return invalidArgument(what + ": columns of different lengths");
  const int n = Columns<T>::size(p);
  if (static_cast<std::size_t>(n) > kMaxBatchRecords) return invalidArgument(what + ": too many records");
  peer::Batch<T> b;
  b.seq = p.seq();
  b.records.reserve(static_cast<std::size_t>(n));
  std::uint32_t valid_port = 0;  // 0 is never a valid port code
  for (int i = 0; i < n; ++i) {
    auto r = Columns<T>::read(p, i, valid_port);
    if (!r) return invalidArgument(what + " record " + std::to_string(i) + ": " + r.error().message);
    b.records.push_back(*r);
  }
  return peer::Message{std::move(b)};
}

}  // namespace

v1::Role toProto(Role r) {
  switch (r) {
    case Role::Primary: return v1::ROLE_PRIMARY;
    case Role::Secondary: return v1::ROLE_SECONDARY;
    case Role::None: break;
  }
  return v1::ROLE_NONE;
}

Role fromProto(v1::Role r) {
  switch (r) {
    case v1::ROLE_PRIMARY: return Role::Primary;
    case v1::ROLE_SECONDARY: return Role::Secondary;
    default: return Role::None;
  }
}

void toProto(const peer::Message& msg, v1::PeerMessage* out) {
  std::visit(
      Overloaded{
          [&](const peer::Hello& h) {
            auto* p = out->mutable_hello();
            p->set_protocol_version(h.protocol_version);
            p->set_domain_id(h.domain_id);
            p->set_system_mac(h.system_mac.value);
            p->set_system_priority(h.system_priority);
            p->set_local_mac(h.local_mac.value);
            p->set_role_priority(h.role_priority);
            p->set_operational_role_priority(h.operational_role_priority);
            p->set_sticky(h.sticky);
            p->set_operational_role(toProto(h.operational_role));
            p->set_boot_id(h.boot_id);
            p->set_hostname(h.hostname);
            p->set_capabilities(h.capabilities);
            p->set_vpcs_forwarding(h.vpcs_forwarding);
          },
          [&](const peer::Heartbeat& hb) {
            auto* p = out->mutable_heartbeat();
            p->set_seq(hb.seq);
            p->set_tx_time_ns(hb.tx_time_ns);
            p->set_echo_tx_time_ns(hb.echo_tx_time_ns);
            p->set_echo_hold_ns(hb.echo_hold_ns);
          },
          [&](const peer::VpcState& s) {
            auto* p = out->mutable_vpc_state();
            for (const auto& v : s.vpcs) {
              auto* pv = p->add_vpcs();
              pv->set_id(v.id);
              pv->set_port(v.port);
              pv->set_members_up(v.members_up);
              pv->set_suspended(v.suspended);
              vlanSetToProto(v.allowed_vlans, pv->mutable_allowed_vlans());
            }
            vlanSetToProto(s.vlans, p->mutable_vlans());
            vlanSetToProto(s.peer_link_allowed_vlans, p->mutable_peer_link_allowed_vlans());
          },
          [&](const peer::ConsistencyParams& c) {
            auto* p = out->mutable_consistency();
            for (const auto& g : c.global) {
              auto* pg = p->add_global();
              pg->set_name(g.name);
              pg->set_type(g.type);
              pg->set_value(g.value);
            }
            for (const auto& v : c.vpcs) {
              auto* pv = p->add_vpcs();
              pv->set_id(v.id);
              for (const auto& g : v.params) {
                auto* pg = pv->add_params();
                pg->set_name(g.name);
                pg->set_type(g.type);
                pg->set_value(g.value);
              }
            }
            p->set_graceful_consistency_check(c.graceful_consistency_check);
            p->set_role_priority(c.role_priority);
          },
          [&](const peer::SyncBegin& b) {
            auto* p = out->mutable_sync_begin();
            p->set_epoch(b.epoch);
            p->set_next_seq(b.next_seq);
            p->set_mac_count(b.counts[MacTraits::kIndex]);
            p->set_arp_count(b.counts[ArpTraits::kIndex]);
          },
          [&](const peer::SyncEnd& e) { out->mutable_sync_end()->set_epoch(e.epoch); },
          [&](const peer::MacBatch& b) { batchToProto(b, out); },
          [&](const peer::ArpBatch& b) { batchToProto(b, out); },
          [&](const peer::Ack& a) { out->mutable_ack()->set_seq(a.seq); },
          [&](const peer::ResyncRequest& r) { out->mutable_resync_request()->set_reason(r.reason); },
          [&](const peer::Goodbye& g) { out->mutable_goodbye()->set_reason(g.reason); },
          [&](const peer::RolePreempt& r) {
            out->mutable_role_preempt()->set_ack(r.ack);
            out->mutable_role_preempt()->set_role_priority(r.role_priority);
          },
      },
      msg);
}

namespace {

Result<peer::Message> helloFromProto(const v1::Hello& p) {
  if (p.domain_id() < 1 || p.domain_id() > 1000)
    return invalidArgument("Hello: domain id " + std::to_string(p.domain_id()) + " out of range 1-1000");
  if (!validMac(p.system_mac()) || !validMac(p.local_mac())) return invalidArgument("Hello: MAC wider than 48 bits");
  if (p.system_priority() < 1 || p.system_priority() > 65535 || p.role_priority() < 1 || p.role_priority() > 65535)
    return invalidArgument("Hello: priority out of range 1-65535");
  if (p.hostname().size() > 64) return invalidArgument("Hello: hostname longer than 64 characters");
  if (!v1::Role_IsValid(p.operational_role())) return invalidArgument("Hello: unknown role");
  peer::Hello h;
  h.protocol_version = p.protocol_version();
  h.domain_id = p.domain_id();
  h.system_mac = MacAddress{p.system_mac()};
  h.system_priority = p.system_priority();
  h.local_mac = MacAddress{p.local_mac()};
  h.role_priority = p.role_priority();
  h.operational_role_priority = p.operational_role_priority();
  h.sticky = p.sticky();
  h.operational_role = fromProto(p.operational_role());
  h.boot_id = p.boot_id();
  h.hostname = p.hostname();
  h.capabilities = p.capabilities();
  h.vpcs_forwarding = p.vpcs_forwarding();
  return peer::Message{std::move(h)};
}

Result<peer::Message> vpcStateFromProto(const v1::VpcState& p) {
  peer::VpcState s;
  if (p.vpcs_size() > 4096) return invalidArgument("VpcState: too many vPCs");
  for (const auto& pv : p.vpcs()) {
    if (pv.id() < 1 || pv.id() > InterfaceId::kMaxVpc)
      return invalidArgument("VpcState: vPC id " + std::to_string(pv.id()) + " out of range");
    VPC_ASSIGN_OR_RETURN(auto allowed, vlanSetFromProto(pv.allowed_vlans(), "VpcState"));
    s.vpcs.push_back(peer::VpcInfo{pv.id(), pv.port().substr(0, 32), pv.members_up(), pv.suspended(), allowed});
  }
  VPC_ASSIGN_OR_RETURN(s.vlans, vlanSetFromProto(p.vlans(), "VpcState"));
  VPC_ASSIGN_OR_RETURN(s.peer_link_allowed_vlans, vlanSetFromProto(p.peer_link_allowed_vlans(), "VpcState"));
  return peer::Message{std::move(s)};
}

}  // namespace

Result<peer::Message> fromProto(const v1::PeerMessage& in) {
  switch (in.body_case()) {
    case v1::PeerMessage::kHello: return helloFromProto(in.hello());
    case v1::PeerMessage::kHeartbeat: {
      const auto& p = in.heartbeat();
      return peer::Message{peer::Heartbeat{p.seq(), p.tx_time_ns(), p.echo_tx_time_ns(), p.echo_hold_ns()}};
    }
    case v1::PeerMessage::kVpcState: return vpcStateFromProto(in.vpc_state());
    case v1::PeerMessage::kConsistency: {
      const auto& pc = in.consistency();
      if (pc.global_size() > 256 || pc.vpcs_size() > 4096) return invalidArgument("ConsistencyParams: too many entries");
      peer::ConsistencyParams c;
      auto param = [](const v1::ConsistencyParam& g) -> Result<peer::ConsistencyParam> {
        if (g.name().size() > 128 || g.value().size() > 4096 || g.type() > 2)
          return invalidArgument("ConsistencyParams: parameter too long or of unknown type");
        return peer::ConsistencyParam{g.name(), g.type(), g.value()};
      };
      for (const auto& g : pc.global()) {
        VPC_ASSIGN_OR_RETURN(auto p, param(g));
        c.global.push_back(std::move(p));
      }
      for (const auto& v : pc.vpcs()) {
        peer::VpcConsistency vc{v.id(), {}};
        for (const auto& g : v.params()) {
          VPC_ASSIGN_OR_RETURN(auto p, param(g));
          vc.params.push_back(std::move(p));
        }
        c.vpcs.push_back(std::move(vc));
      }
      c.graceful_consistency_check = pc.graceful_consistency_check();
      c.role_priority = pc.role_priority();
      return peer::Message{std::move(c)};
    }
    case v1::PeerMessage::kRolePreempt: {
      const auto& r = in.role_preempt();
      if (r.role_priority() < 1 || r.role_priority() > 65535)
        return invalidArgument("RolePreempt: role priority out of range 1-65535");
      return peer::Message{peer::RolePreempt{r.ack(), r.role_priority()}};
    }
    case v1::PeerMessage::kSyncBegin: {
      const auto& p = in.sync_begin();
      peer::SyncBegin b{p.epoch(), p.next_seq(), {}};
      b.counts[MacTraits::kIndex] = p.mac_count();
      b.counts[ArpTraits::kIndex] = p.arp_count();
      return peer::Message{b};
    }
    case v1::PeerMessage::kSyncEnd: return peer::Message{peer::SyncEnd{in.sync_end().epoch()}};
    case v1::PeerMessage::kMacBatch: return batchFromProto<MacTraits>(in.mac_batch());
    case v1::PeerMessage::kArpBatch: return batchFromProto<ArpTraits>(in.arp_batch());
    case v1::PeerMessage::kAck: return peer::Message{peer::Ack{in.ack().seq()}};
    case v1::PeerMessage::kResyncRequest:
      return peer::Message{peer::ResyncRequest{in.resync_request().reason().substr(0, 256)}};
    case v1::PeerMessage::kGoodbye: return peer::Message{peer::Goodbye{in.goodbye().reason().substr(0, 256)}};
    case v1::PeerMessage::BODY_NOT_SET: break;
  }
  return invalidArgument("peer message with no body (unknown type?)");
}

std::string encodeKeepalive(const KeepaliveMsg& msg) {
  v1::KeepaliveDatagram d;
  d.set_version(msg.version);
  d.set_domain_id(msg.domain_id);
  d.set_system_mac(msg.system_mac.value);
  d.set_local_mac(msg.local_mac.value);
  d.set_role(toProto(msg.role));
  d.set_seq(msg.seq);
  d.set_tx_time_ns(msg.tx_time_ns);
  d.set_peer_link_up(msg.peer_link_up);
  d.set_boot_id(msg.boot_id);
  return d.SerializeAsString();
}

Result<KeepaliveMsg> decodeKeepalive(const void* data, std::size_t size) {
  v1::KeepaliveDatagram d;
  if (size > 1024 || !d.ParseFromArray(data, static_cast<int>(size)))
    return invalidArgument("undecodable keepalive datagram (" + std::to_string(size) + " bytes)");
  if (d.version() != kProtocolVersion)
    return invalidArgument("keepalive version " + std::to_string(d.version()) + " not supported");
  if (!validMac(d.system_mac()) || !validMac(d.local_mac()) || d.local_mac() == 0 || !v1::Role_IsValid(d.role()))
    return invalidArgument("keepalive with invalid MAC or role");
  KeepaliveMsg m;
  m.version = d.version();
  m.domain_id = d.domain_id();
  m.system_mac = MacAddress{d.system_mac()};
  m.local_mac = MacAddress{d.local_mac()};
  m.role = fromProto(d.role());
  m.seq = d.seq();
  m.tx_time_ns = d.tx_time_ns();
  m.peer_link_up = d.peer_link_up();
  m.boot_id = d.boot_id();
  return m;
}

}  // namespace vpc::codec
