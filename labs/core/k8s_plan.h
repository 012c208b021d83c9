// A lab as Kubernetes objects (`vpclab k8s`), and a switch pod's config filled in at its start
// (`vpclab pod switch`). Pure: a topology's switch configs in, manifest text and config text out.
//
// One namespace per lab (vpclab-<lab>), and in it:
//   a pod per switch    runs `vpclab pod switch`: takes its own address from the downward API (POD_IP)
//                       and the relay's from the relay's headless service, fills them into its config
//                       template, and becomes vpcd
//   a relay pod         runs `vpclab pod relay`: the lab's relays, as `vpclab deploy` starts them, with
//                       the switches found by name (and found again when a switch's pod comes back
//                       elsewhere), and the fault control that `vpclab fault` uses, inside that pod
//   services            per switch a ClusterIP service for management (vpcctl 9000, SSH, NX-API) and a
//                       headless one for its wires (peer-link 7100, keepalive) that the relay resolves;
//                       a headless service for the relay that the switches resolve
//   a NetworkPolicy     the lab's pods talk to each other, to cluster DNS and to nobody else; an
//                       instructor's namespace (label vpclab/role=instructor) may reach them
// The relay has one address, so the two sides of each path are two ports: switch A dials the peer-link
// relay on 7101 and keeps alive on 3200, switch B dials 7102 and keeps alive on 3201 (a switch sends to
// its own udp-port and checks only where a keepalive came from, so the two ports work as on a wire).
//
// The config templates carry placeholders from TEST-NET-1 (RFC 5737), so a template stays a valid
// config: 192.0.2.1 is the switch's own address, 192.0.2.2 the relay's.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "peerlink/core/result.h"
#include "labs/core/lab_plan.h"
#include "switch/core/config.h"

namespace vpc::lab {

inline constexpr const char* kPodSelfPlaceholder = "192.0.2.1";
inline constexpr const char* kPodRelayPlaceholder = "192.0.2.2";
inline constexpr std::uint16_t kPodPeerLinkPort = 7100;
inline constexpr std::uint16_t kPodRelayPeerLinkPort = 7101;  // + switch index
inline constexpr std::uint16_t kPodKeepalivePort = 3200;       // + switch index

struct KubeOptions {
  std::string lab;        // the lab's name: objects are named and labelled after it
  std::string namespace_;  // "" : vpclab-<lab>
  std::string image = "localhost/vpclab:latest";
  std::string domain = "cluster.local";  // the cluster's DNS domain
};

// One switch's pod: its config template (NX-OS text with the placeholders) and what it serves.
struct KubeSwitch {
  std::string name;
  std::string config_template;
  std::optional<std::uint16_t> ssh_port;    // served when the config has users
  std::optional<std::uint16_t> nxapi_port;  // served with `feature nxapi`
};

struct KubeLab {
  KubeOptions options;               // with the namespace filled in
  std::vector<KubeSwitch> switches;  // the two, in topology order
  // The relay pod's paths, as `vpclab deploy` records them: relays listen on all the pod's addresses
  // and forward to the switches' wire services by name.
  std::vector<PathPlan> paths;
};

// The relay's and a switch's service names in the lab's namespace ("relay.vpclab-pair.svc.cluster.local").
std::string kubeServiceHost(const std::string& service, const std::string& ns, const std::string& domain);

// The objects of a lab of two switches (`configs` parsed from the topology, in its order). Refused, with
// the reason, for anything but a vPC pair (each config needs a vpc domain with a peer-keepalive and an
// emulator peer-link) and for names Kubernetes would not take.
Result<KubeLab> planKubernetes(const KubeOptions& options, const std::vector<std::string>& names,
                               const std::vector<SwitchConfig>& configs);

// Every object of the lab as one multi-document YAML. `relay_lab_json` is what the relay pod deploys
// (the lab's v1::LabState as JSON, made by the shell from `lab`), carried in the lab's ConfigMap.
std::string kubeManifests(const KubeLab& lab, const std::string& relay_lab_json);

// A switch pod's config: the template with its own address and the relay's in place of the placeholders.
Result<std::string> fillPodConfig(const std::string& template_text, const std::string& pod_ip,
                                  const std::string& relay_ip);
// The config a switch saved in its pod (`copy running-config startup-config`), for the next start of
// its container: its own and the relay's addresses as they are now, everything it saved kept.
Result<std::string> repointPodConfig(const std::string& saved_text, const std::string& pod_ip,
                                     const std::string& relay_ip);

}  // namespace vpc::lab
