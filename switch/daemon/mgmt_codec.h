// Views of the core (show values) to the management API's protobuf replies. Pure functions of their
// arguments (the wall clock is passed in), unit-tested; the JSON twins are these messages.
#pragma once

#include <string>
#include <vector>

#include "switch/core/switch_node.h"
#include "switch/daemon/wall_clock.h"
#include "vpc/v1/mgmt.pb.h"

namespace vpc::daemon {

void toProto(const VpcView& v, v1::ShowVpcReply* out);
void toProto(const VpcView& v, v1::ShowVpcRoleReply* out);
void toProto(const MacRow& row, v1::MacEntry* out);
void toProto(const ArpRow& row, v1::ArpEntry* out);
void toProto(const SyncView& v, const WallClock& clock, v1::ShowVpcSyncReply* out);
void toProto(const KeepaliveView& v, const WallClock& clock, v1::ShowVpcPeerKeepaliveReply* out);
void toProto(const Event& e, const std::string& hostname, const WallClock& clock, v1::Event* out);
void toProto(const ConsistencyView& v, v1::ShowVpcConsistencyReply* out);
void toProto(const InterfaceRow& row, v1::InterfaceStatus* out);
void toProto(const OrphanVlanView& v, v1::OrphanVlan* out);
void toProto(const PortChannelView& v, v1::PortChannelSummary* out);
void toProto(const Explanation& x, const std::string& hostname, const WallClock& clock, v1::ExplainReply* out);

std::string arpAge(Duration age);  // "00:03:39"

}  // namespace vpc::daemon
