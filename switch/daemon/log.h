// The shell's logging facade (spdlog). The core never logs: it records events, which the daemon logs
// here as one canonical line each.
#pragma once

#include <memory>
#include <string>

#include <spdlog/spdlog.h>

namespace vpc::daemon {

// level: trace|debug|info|warn|error|off; file: empty for stderr.
void initLogging(const std::string& hostname, const std::string& level, const std::string& file);
std::shared_ptr<spdlog::logger> logger(const std::string& component);

}  // namespace vpc::daemon
