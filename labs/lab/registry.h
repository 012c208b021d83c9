// Where deployed labs are recorded: <home>/labs/<name>/lab.json (a v1::LabState in protobuf's JSON),
// next to the lab's deployed configs, logs and control socket. <home> is $VPCLAB_HOME, else
// /tmp/vpclab-<uid>. `vpcctl -s NAME` resolves a node name through it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "labs/core/lab_plan.h"
#include "peerlink/core/result.h"
#include "switch/cli/vpcctl.h"
#include "vpc/v1/lab.pb.h"

namespace vpc::lab {

std::string labsHome();
std::string labDir(const std::string& name);

Result<v1::LabState> readLab(const std::string& name);
// A planned path as the lab records it (relay addresses as "listen>target").
void addPath(v1::LabState& lab, const PathPlan& path);
Status writeLab(const v1::LabState& state);  // atomic (write, then rename)
std::vector<v1::LabState> listLabs();

// The lowest slot from `first` that no lab of this home uses and whose switch addresses are free.
Result<std::uint32_t> freeSlot(std::uint32_t first = 1);

// "leaf1" (one node of that name among the deployed labs) or "lab/leaf1": its management address.
Result<std::string> resolveNode(const std::string& target);

// The same, as the name resolution vpcctl asks for (`vpcctl -s leaf1`).
class LabNames final : public cli::NameResolver {
 public:
  Result<std::string> resolve(const std::string& name) const override { return resolveNode(name); }
  std::string tlsDir(const std::string& name) const override;
};

}  // namespace vpc::lab
