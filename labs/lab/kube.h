// Kubernetes, the shell side (labs/core/k8s_plan.h has the plan):
//   vpclab k8s LAB|TOPOLOGY      the manifests of a lab (a deployed lab's topology, or a topology file)
//   vpclab pod switch ...        a switch pod's entry: fill its config with its own and the relay's
//                                addresses, then become vpcd
//   vpclab pod relay FILE        the relay pod's entry: record the lab in this pod's registry (so
//                                `vpclab fault` and `vpcctl -s LAB/NODE` work inside it), then serve
//                                the relays
#pragma once

#include <string>

#include "labs/core/k8s_plan.h"
#include "peerlink/core/result.h"

namespace vpc::lab {

// The manifests for `what` (a topology file, else a deployed lab's name). options.lab "" takes the
// topology's (or the lab's) name.
Result<std::string> kubeManifestsFor(const std::string& what, KubeOptions options);

// `vpclab pod switch`: returns only on failure (it execs vpcd).
int podSwitchMain(const std::string& config_template, const std::string& relay_host, int wait_s);
// `vpclab pod relay`: runs until SIGTERM.
int podRelayMain(const std::string& lab_json_file);

}  // namespace vpc::lab
