// `vpclab relayd LAB_DIR`: the process that holds a deployed lab's relays (one TCP relay pair for the
// peer-link, one UDP relay for the keepalive, per lab.json) and serves PathControl on
// unix:LAB_DIR/control.sock, so faults can be injected by any later vpclab command. Every change of a
// path is an event (switch = the path's name, subject "path"). Runs until SIGTERM.
#pragma once

#include <string>

namespace vpc::lab {

int relaydMain(const std::string& lab_dir);

}  // namespace vpc::lab
