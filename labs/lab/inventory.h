// `vpclab inventory LAB`: a deployed lab's switches as an Ansible inventory (cisco.nxos over SSH,
// network_cli; NX-API settings for httpapi) and as a Netmiko device list, with the right addresses,
// ports and credentials.
#pragma once

#include <string>

#include "vpc/v1/lab.pb.h"

namespace vpc::lab {

// The clear-text password of `user` in NX-OS config text (`username USER password [0] SECRET`); ""
// when the config keeps only its hash (`password 5 ...`) or has no such user.
std::string clearPassword(const std::string& config_text, const std::string& user);

std::string ansibleInventory(const v1::LabState& lab);
std::string netmikoDevices(const v1::LabState& lab);

}  // namespace vpc::lab
