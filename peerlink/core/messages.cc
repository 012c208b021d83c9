#include "peerlink/core/messages.h"

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
template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
}  // namespace

std::string_view messageName(const Message& m) {
  static constexpr std::string_view kNames[] = {"Hello",  "Heartbeat", "VpcState", "ConsistencyParams",
                                                "SyncBegin", "SyncEnd", "MacBatch", "ArpBatch",
                                                "Ack",    "ResyncRequest", "Goodbye", "RolePreempt"};
  return kNames[m.index()];
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
            return "SyncBegin epoch " + std::to_string(b.epoch) + " (" + std::to_string(b.mac_count) + " MACs, " +
                   std::to_string(b.arp_count) + " ARPs)";
          },
          [](const SyncEnd& e) { return "SyncEnd epoch " + std::to_string(e.epoch); },
          [](const MacBatch& b) {
            return "MacBatch #" + std::to_string(b.seq) + " " + std::to_string(b.records.size()) + " records";
          },
          [](const ArpBatch& b) {
            return "ArpBatch #" + std::to_string(b.seq) + " " + std::to_string(b.records.size()) + " records";
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
std::string_view toString(EventKind k) { return k == EventKind::ReasonChanged ? "reason" : "state"; }

std::string joinReasons(const std::vector<std::string>& reasons) {
  std::string out;
  for (const auto& r : reasons) {
    if (!out.empty()) out += " <- ";
    out += r;
  }
  return out;
}
}  // namespace vpc
