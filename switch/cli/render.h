// NX-OS text for each show reply (layouts from vpc-behaviour.md §7), and the JSON twin (protobuf's JSON
// mapping with proto field names). Pure functions of the reply message: golden-tested.
#pragma once

#include <string>

#include <google/protobuf/message.h>

#include "vpc/v1/mgmt.pb.h"

namespace vpc::cli {

std::string renderShowVpc(const v1::ShowVpcReply& r);
std::string renderShowVpcRole(const v1::ShowVpcRoleReply& r);
std::string renderShowVpcPeerKeepalive(const v1::ShowVpcPeerKeepaliveReply& r);
std::string renderShowVpcSync(const v1::ShowVpcSyncReply& r);
std::string renderShowMac(const v1::ShowMacReply& r, bool count_only);
std::string renderShowIpArp(const v1::ShowArpReply& r);
std::string renderShowVersion(const v1::InfoReply& r);
std::string renderShowVpcConsistency(const v1::ShowVpcConsistencyReply& r);
std::string renderShowVpcKeepaliveStatistics(const v1::ShowVpcPeerKeepaliveReply& r);
std::string renderShowInterfaceStatus(const v1::ShowInterfaceStatusReply& r);
std::string renderShowVpcOrphanPorts(const v1::ShowVpcOrphanPortsReply& r);
std::string renderShowPortChannelSummary(const v1::ShowPortChannelSummaryReply& r);
std::string renderShowRunningConfig(const v1::ShowRunningConfigReply& r);
std::string renderShowVpcHistory(const std::vector<v1::Event>& events);
std::string renderShowPeerLinkMessages(const v1::ShowPeerLinkMessagesReply& r);
std::string renderExplain(const v1::ExplainReply& r);

// Pretty JSON (multi-line) for show commands; compact one-line JSON for NDJSON streams.
std::string toJson(const google::protobuf::Message& m, bool pretty = true);

// Splits text into lines of at most `width` characters, breaking at spaces (or after commas for VLAN
// lists); a word longer than the width is cut.
std::vector<std::string> wrap(const std::string& text, std::size_t width);

}  // namespace vpc::cli
