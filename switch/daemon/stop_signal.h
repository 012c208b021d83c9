// A server thread's way to sleep in poll() until there is work or the server stops: an eventfd that
// stop() makes readable. An idle switch then wakes its acceptors only to reap finished connections
// (every few seconds), not every 200 ms to ask whether it should stop (issue 16: idle costs).
#pragma once

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>

namespace vpc::daemon {

class StopSignal {
 public:
  StopSignal() : fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}
  ~StopSignal() {
    if (fd_ >= 0) ::close(fd_);
  }
  StopSignal(const StopSignal&) = delete;
  StopSignal& operator=(const StopSignal&) = delete;

  void raise() {
    const std::uint64_t one = 1;
    (void)!::write(fd_, &one, sizeof one);
  }

  // Waits until `fd` is readable (true), the signal is raised or `timeout_ms` passed (false).
  bool waitReadable(int fd, int timeout_ms) const {
    pollfd p[2] = {{fd, POLLIN, 0}, {fd_, POLLIN, 0}};
    if (::poll(p, 2, timeout_ms) <= 0) return false;
    return (p[0].revents & POLLIN) != 0 && (p[1].revents & POLLIN) == 0;
  }

 private:
  int fd_;
};

}  // namespace vpc::daemon
