// Starting and stopping the lab's processes: detached (their own session, output to a file) so a
// deployed lab outlives the `vpclab deploy` that started it.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace vpc::lab {

// Starts argv[0] (a path) in a new session, stdin from /dev/null, stdout and stderr appended to
// `output_file`. Returns the pid, or -1 with `error` set.
pid_t spawnDetached(const std::vector<std::string>& argv, const std::string& output_file, std::string* error);

// The process exists and is not a zombie (reaps it first when it is our child).
bool processAlive(pid_t pid);
// "running", "stopped" (SIGSTOP) or "exited".
std::string processState(pid_t pid);
// Waits until the process is gone; false after `limit`.
bool waitGone(pid_t pid, std::chrono::milliseconds limit);
// SIGTERM, then SIGKILL after `grace` if it is still there. True when it is gone.
bool terminate(pid_t pid, std::chrono::milliseconds grace);

// Runs argv[0] (a path) to completion, its stdout and stderr in `output`; the exit code (-1: could
// not start, 128+N: killed by signal N).
int runCommand(const std::vector<std::string>& argv, std::string* output);

// The directory of the running program (vpcd sits next to vpclab in build/bin).
std::string selfDir();

// The first IPv4 address of `host`, asking again every second for up to `wait_s` (a Kubernetes
// service's pods may still be scheduling); "" if it never resolved. Says on stderr, as `who`, what it
// waits for.
std::string resolveIpv4Waiting(const std::string& host, int wait_s, const std::string& who);

}  // namespace vpc::lab
