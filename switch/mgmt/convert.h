// The core's values as the management API's messages: cause chains (words and kinds) and events.
// Pure.
#pragma once

#include <string>

#include "peerlink/core/effects.h"
#include "switch/mgmt/wall_clock.h"
#include "vpc/v1/mgmt.pb.h"

namespace vpc::mgmt {

// Fills `words` (reason_chain) and `typed` (causes) from a chain.
template <class Words, class Typed>
void chainToProto(const Causes& chain, Words* words, Typed* typed) {
  for (const auto& c : chain) {
    words->Add(describe(c));
    auto* t = typed->Add();
    t->set_kind(std::string(name(c.kind)));
    for (const auto& a : c.args) t->add_args(a);
  }
}

std::string joinCauses(const Causes& chain);  // "a <- b <- c"
void toProto(const Event& e, const std::string& hostname, const WallClock& clock, v1::Event* out);

}  // namespace vpc::mgmt
