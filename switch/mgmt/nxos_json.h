// NX-OS's own JSON for a show command (`show vpc | json` on a real switch, and the NX-API body): the
// key names and shapes a Nexus returns - TABLE_x / ROW_x, values as strings, a single row as an object
// and several as a list - built from our reply. Sources for each layout: docs/nxapi.md. Commands
// without an NX-OS layout here answer with our own JSON twin (protobuf's JSON mapping).
#pragma once

#include <optional>
#include <string>

#include <google/protobuf/message.h>

#include "switch/core/grammar.h"

namespace vpc::mgmt {

// The NX-OS JSON of `reply` to command `m`; nullopt when the command has no NX-OS layout here.
std::optional<std::string> nxosJson(const grammar::Match& m, const google::protobuf::Message& reply, bool pretty);

}  // namespace vpc::mgmt
