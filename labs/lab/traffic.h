// Traffic between a lab's hosts: sequence-numbered UDP flows, what arrived and when nothing did. The
// sender and the receiver run inside the hosts' namespaces (vpclab's own hidden verbs `flow-tx` and
// `flow-rx`, started with `ip netns exec`), each datagram carrying its sequence number. Times are
// CLOCK_MONOTONIC, one clock for every namespace of the machine.
//
// The receiver is told on its stdin when the sender is done ("end SENT START_NS END_NS"), waits a
// moment for late datagrams and prints its report: so a loss at the very end of a flow, when nothing
// could tell it the flow was over, is still counted.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>

#include "peerlink/core/result.h"
#include "vpc/v1/lab.pb.h"

namespace vpc::lab {

constexpr std::uint16_t kFlowPort = 5201;

// `vpclab flow-tx`: sends `rate` datagrams a second to `to`:`port` for `duration_s` (0: until
// SIGTERM); prints "SENT START_NS END_NS".
int flowTx(const std::string& to, std::uint16_t port, std::uint32_t rate, double duration_s);
// `vpclab flow-rx`: prints "ready" once bound, receives on `port` until told the end on stdin, then
// prints its FlowReport (received, reordered, duplicates, outages) as JSON.
int flowRx(std::uint16_t port);

// A running flow between two hosts of a deployed lab.
class Flow {
 public:
  // duration_s 0: until stop(). Returns once both ends run.
  static Result<std::unique_ptr<Flow>> start(const v1::LabState& lab, const std::string& name,
                                             const std::string& from, const std::string& to, std::uint32_t rate,
                                             double duration_s);
  // Stops the sender when it still sends (or waits for its end), and returns the flow's report.
  Result<v1::FlowReport> stop();
  const std::string& name() const { return report_.name(); }
  ~Flow();
  Flow(const Flow&) = delete;
  Flow& operator=(const Flow&) = delete;

 private:
  Flow() = default;
  v1::FlowReport report_;  // name, from, to, rate
  pid_t rx_ = -1, tx_ = -1;
  int rx_in_ = -1, rx_out_ = -1, tx_out_ = -1;
  bool until_stopped_ = false;
  bool stopped_ = false;
};

// Runs one flow for `duration_s` and reports it.
Result<v1::FlowReport> traffic(const v1::LabState& lab, const std::string& from, const std::string& to,
                               std::uint32_t rate, double duration_s);
std::string renderFlow(const v1::FlowReport& r);
// A flow's outages, one line each (the five longest; the others summed), each line led by `indent`.
std::string outagesText(const v1::FlowReport& r, const std::string& indent);

}  // namespace vpc::lab
