// A SwitchConfig back to NX-OS running-config text (`show running-config`). What it writes, the parser
// reads back to the same configuration (a unit test round-trips the samples). Pure.
#pragma once

#include <string>

#include "switch/core/config.h"

namespace vpc {

enum class ConfigSection { All, Vpc };

std::string writeConfig(const SwitchConfig& config, ConfigSection section = ConfigSection::All);
// `show running-config interface IF`: that interface's block (empty body when it is not configured).
std::string writeInterfaceConfig(const SwitchConfig& config, InterfaceId id);

}  // namespace vpc
