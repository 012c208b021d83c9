// Traffic between a lab's hosts: one sequence-numbered UDP flow, what arrived and the longest time
// nothing did. The sender and the receiver run inside the hosts' namespaces (vpclab's own hidden verbs
// `flow-tx` and `flow-rx`, started with `ip netns exec`); each datagram carries its sequence number,
// the flow's planned start and end, and its send time (CLOCK_MONOTONIC, shared by every namespace of
// the machine), so the receiver can place a loss at the start or the end of the flow too.
#pragma once

#include <cstdint>
#include <string>

#include "peerlink/core/result.h"
#include "vpc/v1/lab.pb.h"

namespace vpc::lab {

constexpr std::uint16_t kFlowPort = 5201;

// `vpclab flow-tx`: sends `rate` datagrams a second to `to`:`port` for `duration_s`; prints how many.
int flowTx(const std::string& to, std::uint16_t port, std::uint32_t rate, double duration_s);
// `vpclab flow-rx`: receives on `port` until the flow's end (plus a grace), or `wait_s` without a
// first datagram; prints the FlowReport (received, reordered, duplicates, outage) as JSON.
int flowRx(std::uint16_t port, double wait_s);

// Runs one flow between two hosts of a deployed lab and reports it.
Result<v1::FlowReport> traffic(const v1::LabState& lab, const std::string& from, const std::string& to,
                               std::uint32_t rate, double duration_s);
std::string renderFlow(const v1::FlowReport& r);

}  // namespace vpc::lab
