// A deployed lab: its processes (a relayd and one vpcd per switch, detached), its record in the
// registry, and the faults that can be applied to it. Used by the vpclab verbs and the drill runner.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "labs/core/drill.h"
#include "labs/core/lab_plan.h"
#include "labs/lab/files.h"
#include <grpcpp/grpcpp.h>

#include "peerlink/core/result.h"
#include "vpc/v1/lab.grpc.pb.h"
#include "vpc/v1/mgmt.grpc.pb.h"

namespace vpc::lab {

struct DeployOptions {
  std::string name;                        // "" = the topology's name
  std::optional<double> time_scale;        // else the topology's, else 1
  std::optional<std::uint32_t> slot;       // else the first free one
  bool start_switches = true;              // false: only the relays (a drill deploys switches in a step)
  bool tls = false;                        // a lab CA and per-switch certificates; mutual TLS everywhere
  std::chrono::milliseconds ready_timeout{10000};
};

Result<v1::LabState> deploy(const Topology& topology, const DeployOptions& options);
// What `deploy --tls` makes in `dir`: ca.crt/.key; NAME.crt/.key per switch (its name, vpc-peer and its
// address); vpcctl.crt/.key for management clients. With the openssl command.
Status makeCertificates(const std::string& dir, const std::string& lab, const std::vector<NodePlan>& nodes);
// Stops every process of the lab (SIGTERM, then SIGKILL) and removes its directory. `report` tells what
// was stopped. Fails only when a process cannot be stopped.
Status destroy(const std::string& name, std::string* report);

Status startNode(v1::LabState& lab, const std::string& node, std::chrono::milliseconds ready_timeout);
// Spawns every named switch, then waits until each serves.
Status startNodes(v1::LabState& lab, const std::vector<std::string>& nodes, std::chrono::milliseconds ready_timeout);
// graceful: SIGTERM (a Goodbye on the peer-link), else SIGKILL. Either way its bound links go down (a
// switch that is off has dark ports; startNode brings them up again).
Status stopNode(v1::LabState& lab, const std::string& node, bool graceful);

// A fault on a deployed lab. Path faults go to its relayd; node faults are signals and restarts; a link
// fault sets a switch port's Linux link down or up (and holds it so across restarts).
// Durations in the fault are multiplied by `scale` (drills: the time scale; by hand: 1).
Status applyFault(v1::LabState& lab, const Fault& fault, double scale, const std::string& reason);

Result<v1::InspectReply> inspect(const v1::LabState& lab);
std::string renderInspect(const v1::InspectReply& r);

std::unique_ptr<v1::PathControl::Stub> pathControl(const v1::LabState& lab);
std::unique_ptr<v1::Management::Stub> management(const v1::LabNode& node);
const v1::LabNode* findNode(const v1::LabState& lab, const std::string& name);

}  // namespace vpc::lab
