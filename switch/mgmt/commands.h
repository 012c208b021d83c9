// The files of this folder, each adding its commands to the registry (registry.cc calls them all).
#pragma once

#include "switch/mgmt/registry.h"

namespace vpc::mgmt {

void addVpcShows(Registry& r);          // show vpc [brief], show vpc role
void addKeepaliveShows(Registry& r);    // show vpc peer-keepalive, show vpc statistics peer-keepalive
void addConsistencyShows(Registry& r);  // show vpc consistency-parameters
void addInterfaceShows(Registry& r);    // show interface status, port-channel summary, vpc orphan-ports
void addLacpShows(Registry& r);         // show lacp neighbor|counters|interface|system-identifier
void addTableShows(Registry& r);        // show mac address-table, show ip arp
void addSyncShows(Registry& r);         // show vpc sync, show peer-link messages
void addSwitchShows(Registry& r);       // show version, running-config, vpc history, events, explain
void addChanges(Registry& r);           // learn, clear, vpc role preempt, configure

}  // namespace vpc::mgmt
