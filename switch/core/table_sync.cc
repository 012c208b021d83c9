#include "switch/core/table_sync.h"

#include <algorithm>

#include "peerlink/core/overloaded.h"

namespace vpc {

namespace {

constexpr Duration kArpTimeout = Seconds(1500);  // NX-OS default ARP timeout

std::uint64_t mix(std::uint64_t x) {  // splitmix64 finaliser
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// A snapshot's copy is tens of megabytes of fresh memory written once: offered to the page hint (the
// 2 MiB-aligned part), it is faulted in a few huge pages instead of thousands of small ones.
template <class V>
void offerHugePages(PageHint hint, const V& v) {
  if (!hint) return;
  constexpr std::uintptr_t kHuge = std::uintptr_t{2} << 20;
  const auto begin = reinterpret_cast<std::uintptr_t>(v.data());
  const auto end = begin + v.capacity() * sizeof(typename V::value_type);
  const auto a = (begin + kHuge - 1) & ~(kHuge - 1);
  const auto b = end & ~(kHuge - 1);
  if (b > a) hint(reinterpret_cast<void*>(a), b - a);
}

}  // namespace

TableSync::TableSync(SyncLimits limits, PageHint hint) : macs_(hint), arps_(hint), hint_(hint), sender_(limits) {}

template <>
DualTable<MacTraits>& TableSync::table<MacTraits>() {
  return macs_;
}
template <>
DualTable<ArpTraits>& TableSync::table<ArpTraits>() {
  return arps_;
}
template <>
const DualTable<MacTraits>& TableSync::table<MacTraits>() const {
  return macs_;
}
template <>
const DualTable<ArpTraits>& TableSync::table<ArpTraits>() const {
  return arps_;
}

// ---------------------------------------------------------------------------------------------------
// Deltas: the one place a table change goes. Every applied record passes here, so it is inlined into
// the loops that apply them (measured: the calls cost a bulk resync ~25 %, the digest itself little).

// Where a MAC sits, named the same on both switches: a vPC by its number, any other port by its
// switch's local MAC and the port.
[[gnu::always_inline]] inline std::uint64_t TableSync::macLocation(bool local, const MacValue& v) {
  auto& memo = locations_[local ? 1 : 0][(v.port ^ (v.port >> 16) ^ (v.is_static ? 7 : 0)) % kLocationSlots];
  if (memo.valid && memo.port == v) [[likely]]
    return memo.location;
  const auto port = InterfaceId::fromTrustedCode(local ? ports_.wirePort(v.port) : v.port);
  const std::uint64_t owner = port.kind() == IfKind::Vpc ? 0 : (local ? ports_.self : ports_.peer);
  memo = {true, v, mix(owner ^ mix(port.code()) ^ (v.is_static ? 1 : 0))};
  return memo.location;
}

template <>
[[gnu::always_inline]] inline Digest TableSync::contribution<MacTraits>(std::uint64_t key,
                                                                      const Assertions<MacValue>& a) {
  if (!a.has_local && !a.has_peer) return {};
  std::uint64_t locs[2];
  int n = 0;
  if (a.has_local) locs[n++] = macLocation(true, a.local);
  if (a.has_peer) {
    const std::uint64_t loc = macLocation(false, a.peer);
    if (n == 0 || locs[0] != loc) locs[n++] = loc;  // both on the same vPC: one logical entry
  }
  Digest d;
  for (int i = 0; i < n; ++i) d.sum += mix(key ^ locs[i]);
  d.count = static_cast<std::uint64_t>(n);
  return d;
}

template <>
Digest TableSync::contribution<ArpTraits>(std::uint32_t ip, const Assertions<ArpValue>& a) {
  std::uint64_t locs[2];
  int n = 0;
  if (a.has_local) locs[n++] = mix(a.local.mac ^ (static_cast<std::uint64_t>(a.local.vlan) << 48));
  if (a.has_peer) {
    const std::uint64_t loc = mix(a.peer.mac ^ (static_cast<std::uint64_t>(a.peer.vlan) << 48));
    if (n == 0 || locs[0] != loc) locs[n++] = loc;
  }
  Digest d;
  for (int i = 0; i < n; ++i) d.sum += mix(ip ^ locs[i]);
  d.count = static_cast<std::uint64_t>(n);
  return d;
}

template <class T>
[[gnu::always_inline]] inline void TableSync::absorb(const TableDelta<T>& d) {
  if (d.empty()) return;
  auto& digest = digests_[T::kIndex];
  const Digest before = contribution<T>(d.key, d.before);
  const Digest after = contribution<T>(d.key, d.after);
  digest.sum += after.sum - before.sum;  // modulo 2^64: order never matters
  digest.count += after.count - before.count;
  if (d.localChanged()) sender_.note<T>(d.key);
}

void TableSync::recomputeDigests() {
  forEachSyncType([&](auto t) {
    using T = decltype(t);
    Digest d;
    for (const auto& [key, e] : table<T>().entries()) {
      const Digest c = contribution<T>(key, e.assertions());
      d.sum += c.sum;
      d.count += c.count;
    }
    digests_[T::kIndex] = d;
  });
}

void TableSync::setPorts(PortMap ports) {
  const bool identity = !ports_.sameIdentity(ports);
  ports_ = std::move(ports);
  locations_ = {};
  // The logical location of a local entry on a port-channel follows its vPC number, and every other
  // location names its switch: a vPC added or removed, or a new peer, moves them all.
  if (identity) recomputeDigests();
}

// ---------------------------------------------------------------------------------------------------
// Sender's source

template <>
void TableSync::records<MacTraits>(std::vector<peer::MacRecord>& out) const {
  out.reserve(out.size() + macs_.localCount());
  offerHugePages(hint_, out);
  for (const auto& [key, e] : macs_.entries())
    if (e.has_local) out.push_back(MacTraits::record(key, MacValue{ports_.wirePort(e.local.port), e.local.is_static}));
}

template <>
peer::MacRecord TableSync::current<MacTraits>(std::uint64_t key) const {
  const auto* e = macs_.find(key);
  if (!e || !e->has_local) return MacTraits::deletion(key);
  return MacTraits::record(key, MacValue{ports_.wirePort(e->local.port), e->local.is_static});
}

template <>
void TableSync::records<ArpTraits>(std::vector<peer::ArpRecord>& out) const {
  out.reserve(out.size() + arps_.localCount());
  offerHugePages(hint_, out);
  for (const auto& [ip, e] : arps_.entries())
    if (e.has_local) out.push_back(ArpTraits::record(ip, e.local));
}

template <>
peer::ArpRecord TableSync::current<ArpTraits>(std::uint32_t ip) const {
  const auto* e = arps_.find(ip);
  if (!e || !e->has_local) return ArpTraits::deletion(ip);
  return ArpTraits::record(ip, e->local);
}

// ---------------------------------------------------------------------------------------------------
// Local assertions

LearnResult TableSync::learnMacs(std::uint16_t vlan, std::uint64_t first_mac, std::uint32_t count, InterfaceId port,
                                 bool is_static, TimePoint now) {
  LearnResult r;
  const MacValue value{port.code(), is_static};
  for (std::uint32_t i = 0; i < count; ++i) {
    const auto key = macKey(vlan, first_mac + i);
    if (!is_static) {
      if (const auto* e = macs_.find(key); e && e->has_local && e->local.is_static) {
        ++r.unchanged;  // a dynamic learn never overrides a static entry
        continue;
      }
    }
    const auto d = macs_.assertLocal(key, value, now);
    absorb(d);
    ++(d.localChanged() ? r.changed : r.unchanged);
  }
  return r;
}

LearnResult TableSync::learnArps(std::uint32_t first_ip, std::uint32_t count, std::uint64_t first_mac,
                                 std::uint16_t vlan, TimePoint now) {
  LearnResult r;
  for (std::uint32_t i = 0; i < count; ++i) {
    const auto d = arps_.assertLocal(first_ip + i, ArpValue{first_mac + i, vlan}, now);
    absorb(d);
    ++(d.localChanged() ? r.changed : r.unchanged);
  }
  return r;
}

std::uint64_t TableSync::clearMacDynamic() {
  std::uint64_t n = 0;
  macs_.retractLocalIf([](std::uint64_t, const MacTable::Entry& e) { return !e.local.is_static; },
                       [&](const TableDelta<MacTraits>& d) {
                         absorb(d);
                         ++n;
                       });
  return n;
}

std::uint64_t TableSync::clearArp() {
  std::uint64_t n = 0;
  arps_.retractLocalIf([](std::uint32_t, const ArpTable::Entry&) { return true; },
                       [&](const TableDelta<ArpTraits>& d) {
                         absorb(d);
                         ++n;
                       });
  return n;
}

void TableSync::applyStaticMacs(const SwitchConfig::StaticMacs& before, const SwitchConfig::StaticMacs& after,
                                TimePoint now) {
  for (const auto& [k, s] : before) {
    if (auto it = after.find(k); it != after.end() && it->second == s) continue;
    const auto key = macKey(s.vlan, s.mac.value);
    if (const auto* e = macs_.find(key); e && e->has_local && e->local.is_static && e->local.port == s.iface.code())
      absorb(macs_.retractLocal(key));
  }
  for (const auto& [k, s] : after) {
    if (auto it = before.find(k); it != before.end() && it->second == s) continue;
    absorb(macs_.assertLocal(macKey(s.vlan, s.mac.value), MacValue{s.iface.code(), true}, now));
  }
}

// ---------------------------------------------------------------------------------------------------
// The peer-link session

void TableSync::sessionUp(bool arp_sync, TimePoint now) {
  enabled_ = {};
  enabled_[MacTraits::kIndex] = true;
  enabled_[ArpTraits::kIndex] = arp_sync;
  sender_.start(enabled_, *this, now);
  receiver_.start();
}

void TableSync::sessionDown(TimePoint now) {
  sender_.stop();
  receiver_.stop();
  macs_.touchPeer(now);  // the peer's entries that stay start ageing here
  arps_.touchPeer(now);
}

void TableSync::requestResync(const Cause& why, TimePoint now, std::vector<peer::Message>& send, Effects& out) {
  const std::string reason = describe(why);
  receiver_.noteResync(reason, now);
  send.push_back(peer::ResyncRequest{reason});
  recordEvent(out, now, Subject::of(SubjectKind::Sync), "in sync", "resync requested", {why});
}

template <class T>
void TableSync::applyBatch(const peer::Batch<T>& b, TimePoint now, std::vector<peer::Message>& send, Effects& out) {
  const auto v = receiver_.onBatch(b.seq, b.records.size(), now);
  if (v == SyncReceiver::Verdict::Resync) {
    requestResync(cause(CauseKind::SequenceGap, {arg(static_cast<long long>(receiver_.status().last_seq)),
                                                 arg(static_cast<long long>(b.seq))}),
                  now, send, out);
    return;
  }
  if (v != SyncReceiver::Verdict::Apply) return;
  if (enabled_[T::kIndex]) {
    auto& t = table<T>();
    for (const auto& r : b.records) {
      if (T::isDelete(r)) absorb(t.retractPeer(T::key(r)));
      else absorb(t.assertPeer(T::key(r), T::value(r), rx_gen_, now));
    }
  }
  send.push_back(peer::Ack{b.seq});
}

void TableSync::onMessage(const peer::Message& msg, TimePoint now, std::vector<peer::Message>& send, Effects& out) {
  std::visit(
      Overloaded{
          [&](const peer::SyncBegin& b) {
            receiver_.onBegin(b, now);
            ++rx_gen_;
            // Room for the whole snapshot at once (the counts come from the peer: capped, a hint only).
            constexpr std::uint64_t kReserveCap = 1ULL << 24;
            forEachSyncType([&](auto t) {
              using T = decltype(t);
              if (enabled_[T::kIndex])
                table<T>().reserve(table<T>().localCount() + std::min<std::uint64_t>(b.counts[T::kIndex], kReserveCap));
            });
            recordEvent(out, now, Subject::of(SubjectKind::Sync), "", "receiving snapshot",
                        {cause(CauseKind::BulkReceiving,
                               {arg(static_cast<long long>(b.counts[MacTraits::kIndex])),
                                arg(static_cast<long long>(b.counts[ArpTraits::kIndex])), arg(b.epoch)})});
          },
          [&](const peer::SyncEnd& e) {
            if (!receiver_.onEnd(e, now)) return;
            std::uint64_t swept = 0;
            forEachSyncType([&](auto t) {
              using T = decltype(t);
              table<T>().sweepPeer(rx_gen_, [&](const TableDelta<T>& d) {
                absorb(d);
                ++swept;
              });
            });
            const auto& st = receiver_.status();
            recordEvent(out, now, Subject::of(SubjectKind::Sync), "receiving snapshot", "snapshot applied",
                        {cause(CauseKind::BulkApplied,
                               {arg(static_cast<long long>(st.bulk_records)),
                                msArg(toMillis(st.last_bulk_duration.value_or(Duration{}))),
                                arg(static_cast<long long>(swept))})});
          },
          [&](const peer::Ack& a) { sender_.onAck(a.seq, now); },
          [&](const peer::ResyncRequest& r) {
            sender_.resync(r.reason, *this, now);
            recordEvent(out, now, Subject::of(SubjectKind::Sync), "in sync", "resending snapshot",
                        {cause(CauseKind::ResyncAsked, {r.reason})});
          },
          [&](const peer::MacBatch& b) { applyBatch(b, now, send, out); },
          [&](const peer::ArpBatch& b) { applyBatch(b, now, send, out); },
          [&](const auto&) {},  // not table sync
      },
      msg);
}

void TableSync::onMalformed(const std::string& error, TimePoint now, std::vector<peer::Message>& send, Effects& out) {
  if (receiver_.onMalformed(error, now) == SyncReceiver::Verdict::Resync)
    requestResync(cause(CauseKind::MalformedPeerMessage, {error}), now, send, out);
}

void TableSync::produce(TimePoint now, std::vector<peer::Message>& send) { sender_.produce(*this, now, send); }

// ---------------------------------------------------------------------------------------------------
// Flushing and ageing

void TableSync::flush(bool adjacent, const Causes& link_down, TimePoint now, Effects& out) {
  // The verdict depends on the port alone (except for vPC ports while the peer-link is down): decided
  // once per port, not once per entry - a table holds a million entries on a few dozen ports.
  enum Verdict : std::uint8_t { Keep, Drop, ByInstalledPort };
  absl::flat_hash_map<std::uint32_t, Verdict> verdicts;
  auto verdictFor = [&](std::uint32_t code) {
    const auto [it, fresh] = verdicts.try_emplace(code, Keep);
    if (!fresh) return it->second;
    if (!ports_.configured.contains(code)) return it->second = Drop;  // the interface was deleted
    if (ports_.vpc_of_port.contains(code)) return it->second = adjacent ? Keep : ByInstalledPort;
    return it->second = ports_.up.contains(code) ? Keep : Drop;
  };
  std::uint64_t local_gone = 0, peer_gone = 0, arp_gone = 0;
  macs_.retractLocalIf(
      [&](std::uint64_t key, const MacTable::Entry& e) {
        if (e.local.is_static) return false;  // configuration: no port state removes it
        switch (verdictFor(e.local.port)) {
          case Keep: return false;
          case Drop: return true;
          case ByInstalledPort: return installedPort(key, e).first == InterfaceId::peerLink();
        }
        return false;
      },
      [&](const TableDelta<MacTraits>& d) {
        absorb(d);
        ++local_gone;
      });
  if (!adjacent)
    macs_.retractPeerIf(
        [&](std::uint64_t key, const MacTable::Entry& e) {
          return ports_.installedMac(key, false, e.local, e.peer).first == InterfaceId::peerLink();
        },
        [&](const TableDelta<MacTraits>& d) {
          absorb(d);
          ++peer_gone;
        });
  const VlanSet& dead = ports_.dead_svis;
  if (!dead.empty()) {
    arps_.retractLocalIf([&](std::uint32_t, const ArpTable::Entry& e) { return dead.contains(e.local.vlan); },
                         [&](const TableDelta<ArpTraits>& d) {
                           absorb(d);
                           ++arp_gone;
                         });
    arps_.retractPeerIf([&](std::uint32_t, const ArpTable::Entry& e) { return dead.contains(e.peer.vlan); },
                        [&](const TableDelta<ArpTraits>& d) {
                          absorb(d);
                          ++arp_gone;
                        });
  }
  if (local_gone + peer_gone + arp_gone == 0) return;
  Causes why{cause(CauseKind::TablesFlushed, {arg(static_cast<long long>(local_gone)),
                                              arg(static_cast<long long>(peer_gone)),
                                              arg(static_cast<long long>(arp_gone))})};
  if (adjacent) why.push_back(cause(CauseKind::InterfacesWentDown));
  else why = concat(concat(why, {cause(CauseKind::PeerLinkDown)}), link_down);
  recordEvent(out, now, Subject::of(SubjectKind::Tables), "", "flushed", std::move(why));
}

void TableSync::tick(TimePoint now, std::uint32_t mac_aging_s, bool adjacent) {
  if (!next_age_ || now < *next_age_) return;
  next_age_ = now + std::clamp<Duration>(Seconds(mac_aging_s) / 30, Seconds(1), Seconds(60));
  if (mac_aging_s != 0) {
    const Duration max_age = Seconds(mac_aging_s);
    macs_.retractLocalIf(
        [&](std::uint64_t, const MacTable::Entry& e) { return !e.local.is_static && now - e.local_seen >= max_age; },
        [&](const TableDelta<MacTraits>& d) { absorb(d); });
    if (!adjacent)
      macs_.retractPeerIf([&](std::uint64_t, const MacTable::Entry& e) { return now - e.peer_seen >= max_age; },
                          [&](const TableDelta<MacTraits>& d) { absorb(d); });
  }
  arps_.retractLocalIf([&](std::uint32_t, const ArpTable::Entry& e) { return now - e.local_seen >= kArpTimeout; },
                       [&](const TableDelta<ArpTraits>& d) { absorb(d); });
  if (!adjacent)
    arps_.retractPeerIf([&](std::uint32_t, const ArpTable::Entry& e) { return now - e.peer_seen >= kArpTimeout; },
                        [&](const TableDelta<ArpTraits>& d) { absorb(d); });
}

TableTotals TableSync::totals() const {
  TableTotals t;
  t.local_macs = macs_.localCount();
  t.peer_macs = macs_.peerCount();
  t.local_arps = arps_.localCount();
  t.peer_arps = arps_.peerCount();
  t.macs = digests_[MacTraits::kIndex];
  t.arps = digests_[ArpTraits::kIndex];
  t.arp_sync = sender_.active() && enabled_[ArpTraits::kIndex];
  t.tx = sender_.status();
  t.rx = receiver_.status();
  return t;
}

// ---------------------------------------------------------------------------------------------------
// PortMap

PortMap PortMap::build(const SwitchConfig& config, const SwitchStatus& status, std::uint64_t peer_mac) {
  PortMap pm;
  for (const auto& [id, ic] : config.interfaces) {
    pm.configured.insert(id.code());
    if (id.kind() == IfKind::PortChannel && ic.vpc_id) {
      pm.vpc_of_port[id.code()] = *ic.vpc_id;
      pm.port_of_vpc[*ic.vpc_id] = id;
    } else if (status.forwards(id)) {
      pm.up.insert(id.code());
    }
    if (id.kind() == IfKind::Vlan && !status.forwards(id)) pm.dead_svis.insert(static_cast<std::uint16_t>(id.number()));
  }
  pm.vpc_active = status.vpc_active;
  pm.self = config.emulator.local_mac ? config.emulator.local_mac->value : 0;
  pm.peer = peer_mac;
  return pm;
}

std::pair<InterfaceId, char> PortMap::installedMac(std::uint64_t key, bool has_local, const MacValue& local,
                                                   const MacValue& peer_value) const {
  if (has_local) {
    if (const auto it = vpc_of_port.find(local.port); it != vpc_of_port.end() && !vpcForwards(it->second, keyVlan(key)))
      return {InterfaceId::peerLink(), '+'};  // our leg is down: the host is reachable through the peer's leg
    return {InterfaceId::fromTrustedCode(local.port), '*'};
  }
  const auto port = InterfaceId::fromTrustedCode(peer_value.port);  // validated by the codec
  if (port.kind() == IfKind::Vpc && vpcForwards(port.number(), keyVlan(key))) {
    if (const auto it = port_of_vpc.find(port.number()); it != port_of_vpc.end()) return {it->second, '*'};
  }
  return {InterfaceId::peerLink(), '+'};
}

}  // namespace vpc
