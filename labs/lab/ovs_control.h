// A client of an ovs-vswitchd's control socket (the unixctl JSON-RPC that ovs-appctl speaks): one
// connection kept open for many commands, so a drill can sample its hosts' bonds every few
// milliseconds without starting an ovs-appctl each time.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace vpc::lab {

class OvsControl {
 public:
  explicit OvsControl(std::string socket_path) : path_(std::move(socket_path)) {}
  ~OvsControl();
  OvsControl(const OvsControl&) = delete;
  OvsControl& operator=(const OvsControl&) = delete;

  // The text a command answers ("bond/show"), or nullopt (no daemon, an error reply); reconnects
  // on the next call after a failure.
  std::optional<std::string> call(const std::string& method, const std::vector<std::string>& params = {});

 private:
  void close();
  std::string path_;
  int fd_ = -1;
  int next_id_ = 0;
  std::string buffer_;
};

}  // namespace vpc::lab
