// The shell's logging facade (spdlog). The core never logs: it records events, which the daemon logs
// here as one canonical line each.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <spdlog/spdlog.h>

namespace vpc::daemon {

// level: trace|debug|info|warn|error|off; file: empty for stderr.
void initLogging(const std::string& hostname, const std::string& level, const std::string& file);
std::shared_ptr<spdlog::logger> logger(const std::string& component);

// Lines about input from outside (malformed peer messages, bad keepalive datagrams) are limited:
// `burst` lines per `window`, then one line saying how many were left out; every one is counted
// (total()). A peer or a network that sends garbage cannot flood the log or slow the switch with it.
class LogLimiter {
 public:
  LogLimiter(std::size_t burst, std::chrono::steady_clock::duration window) : burst_(burst), window_(window) {}
  // Whether to write this one; `suppressed` is set to how many were left out since the last line
  // written (say so in it).
  bool allow(std::chrono::steady_clock::time_point now, std::uint64_t& suppressed) {
    ++total_;
    if (now - window_start_ >= window_) {
      window_start_ = now;
      in_window_ = 0;
    }
    if (in_window_ >= burst_) {
      ++suppressed_;
      return false;
    }
    ++in_window_;
    suppressed = suppressed_;
    suppressed_ = 0;
    return true;
  }
  std::uint64_t total() const { return total_; }

 private:
  std::size_t burst_;
  std::chrono::steady_clock::duration window_;
  std::chrono::steady_clock::time_point window_start_{};
  std::size_t in_window_ = 0;
  std::uint64_t suppressed_ = 0;
  std::uint64_t total_ = 0;
};

}  // namespace vpc::daemon
