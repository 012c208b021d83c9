// The peer-link and keepalive messages as the core sees them. The transport codec
// (peerlink/transport/codec.h) translates to and from protobuf and validates everything it lets in:
// a message that reaches the core is well-formed (ranges checked, columns of equal length).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "peerlink/core/records.h"
#include "peerlink/core/time.h"
#include "peerlink/core/values.h"

namespace vpc {

enum class Role : std::uint8_t { None, Primary, Secondary };
std::string_view toString(Role r);

constexpr std::uint32_t kProtocolVersion = 1;
constexpr std::uint32_t kCapabilityArpSync = 1u << 0;

namespace peer {

struct Hello {
  std::uint32_t protocol_version = kProtocolVersion;
  std::uint32_t domain_id = 0;
  MacAddress system_mac;
  std::uint32_t system_priority = 0;
  MacAddress local_mac;
  std::uint32_t role_priority = 0;              // configured
  std::uint32_t operational_role_priority = 0;
  bool sticky = false;
  Role operational_role = Role::None;           // role held before this session
  std::uint64_t boot_id = 0;
  std::string hostname;
  std::uint32_t capabilities = 0;
  bool vpcs_forwarding = false;  // some vPC of the sender forwards now
};

struct Heartbeat {
  std::uint64_t seq = 0;
  std::int64_t tx_time_ns = 0;
  std::int64_t echo_tx_time_ns = 0;
  std::int64_t echo_hold_ns = 0;
};

struct VpcInfo {
  std::uint32_t id = 0;
  std::string port;
  bool members_up = false;
  bool suspended = false;
  VlanSet allowed_vlans;
  bool operator==(const VpcInfo&) const = default;
};

struct VpcState {
  std::vector<VpcInfo> vpcs;
  VlanSet vlans;
  VlanSet peer_link_allowed_vlans;
  bool operator==(const VpcState&) const = default;
};

struct ConsistencyParam {
  std::string name;
  std::uint32_t type = 1;  // 1, 2, or 0 for informational rows ("-" in show output)
  std::string value;
  bool operator==(const ConsistencyParam&) const = default;
};
struct VpcConsistency {
  std::uint32_t id = 0;
  std::vector<ConsistencyParam> params;
  bool operator==(const VpcConsistency&) const = default;
};
struct ConsistencyParams {
  std::vector<ConsistencyParam> global;
  std::vector<VpcConsistency> vpcs;
  bool graceful_consistency_check = true;
  std::uint32_t role_priority = 0;  // configured now
  bool operator==(const ConsistencyParams&) const = default;
};

// `vpc role preempt` (request, then ack): each side sends its configured role priority.
struct RolePreempt {
  bool ack = false;
  std::uint32_t role_priority = 0;
};

struct SyncBegin {
  std::uint32_t epoch = 0;
  std::uint64_t next_seq = 0;
  std::array<std::uint64_t, kSyncTypes> counts{};  // records of each synced kind in the snapshot (a hint)
};
struct SyncEnd {
  std::uint32_t epoch = 0;
};

// Incremental or bulk records of one synced kind (records.h), each batch with its sequence number.
template <class T>
struct Batch {
  std::uint64_t seq = 0;
  std::vector<typename T::Record> records;
};
using MacBatch = Batch<MacTraits>;
using ArpBatch = Batch<ArpTraits>;

struct Ack {
  std::uint64_t seq = 0;
};
struct ResyncRequest {
  std::string reason;
};
struct Goodbye {
  std::string reason;
};

using Message = std::variant<Hello, Heartbeat, VpcState, ConsistencyParams, SyncBegin, SyncEnd, MacBatch, ArpBatch,
                             Ack, ResyncRequest, Goodbye, RolePreempt>;

template <class M>
struct IsBatch : std::false_type {};
template <class T>
struct IsBatch<Batch<T>> : std::true_type {};

// Table data - a batch of any synced kind, or an ack: it changes tables, never a switch's status.
inline bool isTableData(const Message& m) {
  return std::visit(
      [](const auto& x) {
        using X = std::decay_t<decltype(x)>;
        return IsBatch<X>::value || std::is_same_v<X, Ack>;
      },
      m);
}

std::string_view messageName(const Message& m);
// One line for the message ring of `show vpc sync` / `show peer-link messages`.
std::string describe(const Message& m);

// One message as the transport saw it on the wire (`show peer-link messages`).
struct WireNote {
  TimePoint at{};
  bool tx = false;
  std::string type;
  std::uint32_t bytes = 0;
  std::string summary;
};

}  // namespace peer

// One peer-keepalive datagram.
struct KeepaliveMsg {
  std::uint32_t version = kProtocolVersion;
  std::uint32_t domain_id = 0;
  MacAddress system_mac;
  MacAddress local_mac;
  Role role = Role::None;
  std::uint64_t seq = 0;
  std::int64_t tx_time_ns = 0;
  bool peer_link_up = false;
  std::uint64_t boot_id = 0;
};

}  // namespace vpc
