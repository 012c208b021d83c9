// Translation between the core's peer-link messages and protobuf, in both directions. Everything
// decoded here comes from outside (the peer, the network) and is validated whole: a message that fails
// any check is rejected as a unit with a reason, so the core never half-applies a batch.
#pragma once

#include <cstddef>
#include <string>

#include "peerlink/core/messages.h"
#include "peerlink/core/result.h"
#include "vpc/v1/peer.pb.h"

namespace vpc::codec {

constexpr std::size_t kMaxBatchRecords = 65536;

void toProto(const peer::Message& msg, v1::PeerMessage* out);
Result<peer::Message> fromProto(const v1::PeerMessage& in);

std::string encodeKeepalive(const KeepaliveMsg& msg);
Result<KeepaliveMsg> decodeKeepalive(const void* data, std::size_t size);

v1::Role toProto(Role r);
Role fromProto(v1::Role r);

}  // namespace vpc::codec
