// NX-API over HTTP (`feature nxapi`): POST /ins with the ins_api or JSON-RPC formats, HTTP basic
// authentication of the configured users (their roles apply), on the management address (port 80 by
// default, `nxapi http port N`). Boost.Beast, one thread per connection; each request runs on a fresh
// NX-OS session (switch/cli/nxapi.h) over the management API, as the SSH sessions do.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include <grpcpp/grpcpp.h>

#include "peerlink/core/result.h"
#include "switch/core/users.h"
#include "switch/daemon/tcp_acceptor.h"

namespace vpc::daemon {

class NxapiServer {
 public:
  struct Hooks {
    std::function<std::optional<UserConfig>(const std::string& name)> user;  // any thread
    std::function<std::string()> hostname;
    std::function<std::shared_ptr<grpc::Channel>()> channel;  // to this switch's management API
    std::function<void(const std::string& line)> log;
  };
  struct Stats {
    std::uint64_t requests = 0;
    std::uint64_t auth_failures = 0;
  };

  NxapiServer(std::string address, std::uint16_t port, Hooks hooks);
  ~NxapiServer();
  NxapiServer(const NxapiServer&) = delete;
  NxapiServer& operator=(const NxapiServer&) = delete;

  Status start();
  void stop();
  std::uint16_t port() const { return port_; }
  Stats stats() const { return {requests_, auth_failures_}; }

 private:
  void serve(int fd);

  std::string address_;
  std::uint16_t requested_port_;
  std::uint16_t port_ = 0;
  Hooks hooks_;
  TcpAcceptor acceptor_;
  std::atomic<std::uint64_t> requests_{0}, auth_failures_{0};
  static constexpr std::size_t kMaxConnections = 16;
};

}  // namespace vpc::daemon
