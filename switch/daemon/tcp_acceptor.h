// A TCP listener whose connections each get a thread of their own (few clients: NX-API callers, the
// pages of `vpclab serve`). The acceptor sleeps until a client or stop(); stop() also shuts down the
// open connections (a read waiting for the next request returns) and joins every thread.
// Header-only: vpclab's live page uses it without linking the switch daemon.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "switch/daemon/stop_signal.h"
#include "switch/daemon/worker_threads.h"

namespace vpc::daemon {

class TcpAcceptor {
 public:
  TcpAcceptor() = default;
  ~TcpAcceptor() { stop(); }
  TcpAcceptor(const TcpAcceptor&) = delete;
  TcpAcceptor& operator=(const TcpAcceptor&) = delete;

  // Binds address:port (0: a free port); "" when listening, else why not.
  std::string listen(const std::string& address, std::uint16_t port) {
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    if (::inet_pton(AF_INET, address.c_str(), &sa.sin_addr) != 1) return address + " is not an IPv4 address";
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0 || ::listen(fd_, 32) != 0) {
      const std::string why = std::strerror(errno);
      ::close(fd_);
      fd_ = -1;
      return "cannot listen on " + address + ":" + std::to_string(port) + " (" + why + ")";
    }
    socklen_t len = sizeof sa;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&sa), &len);
    port_ = ntohs(sa.sin_port);
    return "";
  }
  std::uint16_t port() const { return port_; }

  // Serves each connection with serve(fd) on a thread of its own, at most `limit` at once (one more is
  // closed at once). The acceptor closes fd after serve returns.
  void start(std::size_t limit, std::function<void(int fd)> serve) {
    serve_ = std::move(serve);  // a member: the clients' threads use it until stop() joined them
    acceptor_ = std::thread([this, limit] { acceptLoop(limit); });
  }

  void stop() {
    if (stopping_.exchange(true)) return;
    wake_.raise();
    if (acceptor_.joinable()) acceptor_.join();
    {
      std::lock_guard lock(fds_mu_);
      for (const int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
    }
    clients_.joinAll();
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  bool stopping() const { return stopping_; }

 private:
  static constexpr int kReapMs = 5000;  // finished clients are joined at the latest this long after

  void acceptLoop(std::size_t limit) {
    while (!stopping_) {
      if (!wake_.waitReadable(fd_, kReapMs)) {
        clients_.reap();
        continue;
      }
      const int fd = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      {
        std::lock_guard lock(fds_mu_);
        open_fds_.insert(fd);
      }
      const bool started = clients_.spawn(limit, [this, fd] {
        serve_(fd);
        std::lock_guard lock(fds_mu_);
        open_fds_.erase(fd);
        ::close(fd);  // under the lock: stop() never shuts down a number already reused
      });
      if (!started) {
        std::lock_guard lock(fds_mu_);
        open_fds_.erase(fd);
        ::close(fd);
      }
    }
  }

  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::function<void(int fd)> serve_;
  std::atomic<bool> stopping_{false};
  StopSignal wake_;
  std::thread acceptor_;
  WorkerThreads clients_;
  std::mutex fds_mu_;
  std::set<int> open_fds_;  // the clients' sockets, for stop() to shut down (closed under fds_mu_)
};

}  // namespace vpc::daemon
