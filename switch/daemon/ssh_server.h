// The switch's NX-OS session over SSH (libssh's server API): password and public-key logins of the
// configured users, a pty shell driven by the switch's own line editor, and `ssh leaf1 "show vpc"`
// one-shot commands with their exit status. Each session runs on its own thread and reaches the switch
// through the management API on an in-process channel, exactly as vpcctl's session does; a session
// that disconnects mid-command leaves nothing half-applied (a configuration line is one call).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include <grpcpp/grpcpp.h>

#include "peerlink/core/result.h"
#include "switch/core/users.h"
#include "switch/daemon/stop_signal.h"
#include "switch/daemon/worker_threads.h"

namespace vpc::daemon {

struct SshServerOptions {
  std::string address;        // the management address (host only)
  std::uint16_t port = 22;    // 0: any free port (tests)
  std::string host_key;       // an OpenSSH private key file; made (ed25519) when missing
  std::size_t max_sessions = 16;
};

class SshServer {
 public:
  struct Hooks {
    std::function<std::optional<UserConfig>(const std::string& name)> user;  // any thread
    std::function<std::string()> hostname;                                  // any thread
    std::function<std::shared_ptr<grpc::Channel>()> channel;                // to this switch's management API
    std::function<void(const std::string& line)> log;                       // any thread
  };
  struct Stats {
    std::uint64_t logins = 0;
    std::uint64_t auth_failures = 0;
    std::uint64_t sessions_active = 0;
    std::uint64_t sessions_refused = 0;  // beyond max_sessions
  };

  SshServer(SshServerOptions options, Hooks hooks);
  ~SshServer();
  SshServer(const SshServer&) = delete;
  SshServer& operator=(const SshServer&) = delete;

  Status start();  // binds and listens; errors name the address
  void stop();     // ends every session and joins the threads
  std::uint16_t port() const { return port_; }
  Stats stats();

  struct Session;  // one client (ssh_server.cc)

 private:
  void acceptLoop();
  void serve(void* session);  // an ssh_session
  friend struct Session;

  SshServerOptions options_;
  Hooks hooks_;
  void* bind_ = nullptr;  // ssh_bind
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  StopSignal wake_;  // stop() wakes the acceptor at once
  std::thread acceptor_;
  WorkerThreads sessions_;
  std::atomic<std::uint64_t> logins_{0}, auth_failures_{0}, refused_{0};
};

}  // namespace vpc::daemon
