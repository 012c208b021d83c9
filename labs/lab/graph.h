// `vpclab graph`: an SVG of the pair - the two switches, the peer-link and keepalive paths through
// their relays, the vPCs below, orphan ports - from a topology, or from a deployed lab with its live
// roles, peer status and path modes.
#pragma once

#include <string>

#include "labs/lab/files.h"
#include "vpc/v1/lab.pb.h"

namespace vpc::lab {

std::string graphSvg(const Topology& topology);
std::string graphSvg(const v1::LabState& lab, const v1::InspectReply* live);

}  // namespace vpc::lab
