#include "peerlink/core/messages.h"

#include "peerlink/core/overloaded.h"

namespace vpc {

std::string_view toString(Role r) {
  switch (r) {
    case Role::None: return "none established";
    case Role::Primary: return "primary";
    case Role::Secondary: return "secondary";
  }
  return "?";
}

namespace peer {

namespace {
template <class B>
struct BatchKind;
template <class T>
struct BatchKind<Batch<T>> {
  using type = T;
};
template <class B>
constexpr std::string_view batchName() {
  return BatchKind<B>::type::kBatchName;
}
}  // namespace

std::string_view messageName(const Message& m) {
  return std::visit(Overloaded{[](const Hello&) -> std::string_view { return "Hello"; },
                               [](const Heartbeat&) -> std::string_view { return "Heartbeat"; },
                               [](const VpcState&) -> std::string_view { return "VpcState"; },
                               [](const ConsistencyParams&) -> std::string_view { return "ConsistencyParams"; },
                               [](const SyncBegin&) -> std::string_view { return "SyncBegin"; },
                               [](const SyncEnd&) -> std::string_view { return "SyncEnd"; },
                               [](const Ack&) -> std::string_view { return "Ack"; },
                               [](const ResyncRequest&) -> std::string_view { return "ResyncRequest"; },
                               [](const Goodbye&) -> std::string_view { return "Goodbye"; },
                               [](const RolePreempt&) -> std::string_view { return "RolePreempt"; },
                               [](const auto& b) -> std::string_view { return batchName<std::decay_t<decltype(b)>>(); }},
                    m);
}

std::string describe(const Message& m) {
  return std::visit(
      Overloaded{
          [](const Hello& h) {
            return "Hello domain " + std::to_string(h.domain_id) + " from " + h.hostname + " (" +
                   h.local_mac.colon() + ", role priority " + std::to_string(h.role_priority) +
                   (h.sticky ? ", sticky" : "") + ", was " + std::string(toString(h.operational_role)) + ")";
          },
          [](const Heartbeat& hb) { return "Heartbeat #" + std::to_string(hb.seq); },
          [](const VpcState& s) { return "VpcState " + std::to_string(s.vpcs.size()) + " vPCs"; },
          [](const ConsistencyParams& c) {
            return "ConsistencyParams " + std::to_string(c.global.size()) + " global, " +
                   std::to_string(c.vpcs.size()) + " vPCs";
          },
          [](const SyncBegin& b) {
            std::string counts;
            forEachSyncType([&](auto t) {
              using T = decltype(t);
              counts += (counts.empty() ? "" : ", ") + std::to_string(b.counts[T::kIndex]) + " " +
                        std::string(T::kName) + "s";
            });
            return "SyncBegin epoch " + std::to_string(b.epoch) + " (" + counts + ")";
          },
          [](const SyncEnd& e) { return "SyncEnd epoch " + std::to_string(e.epoch); },
          [](const auto& b) -> std::string {  // Batch<T>
            using T = std::decay_t<decltype(b)>;
            return std::string(batchName<T>()) + " #" + std::to_string(b.seq) + " " +
                   std::to_string(b.records.size()) + " records";
          },
          [](const Ack& a) { return "Ack #" + std::to_string(a.seq); },
          [](const ResyncRequest& r) { return "ResyncRequest (" + r.reason + ")"; },
          [](const Goodbye& g) { return "Goodbye (" + g.reason + ")"; },
          [](const RolePreempt& r) {
            return std::string(r.ack ? "RolePreempt ack" : "RolePreempt request") + ", role priority " +
                   std::to_string(r.role_priority);
          },
      },
      m);
}

}  // namespace peer
}  // namespace vpc

#include "peerlink/core/effects.h"

namespace vpc {

std::string Subject::str() const {
  switch (kind) {
    case SubjectKind::Switch: return "switch";
    case SubjectKind::PeerLink: return "peer-link";
    case SubjectKind::PeerStatus: return "peer status";
    case SubjectKind::Role: return "role";
    case SubjectKind::Sticky: return "sticky";
    case SubjectKind::Vpc: return "vPC " + std::to_string(id);
    case SubjectKind::Interface: return "interface " + InterfaceId::fromTrustedCode(id).shortName();
    case SubjectKind::Keepalive: return "keepalive";
    case SubjectKind::Failover: return "failover";
    case SubjectKind::DelayRestore: return "delay restore";
    case SubjectKind::Sync: return "sync";
    case SubjectKind::Tables: return "tables";
    case SubjectKind::Config: return "config";
    case SubjectKind::Lacp: return "lacp " + InterfaceId::fromTrustedCode(id).shortName();
  }
  return "?";
}

std::string_view toString(EventKind k) { return k == EventKind::ReasonChanged ? "reason" : "state"; }

}  // namespace vpc
