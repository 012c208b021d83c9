// The sample pair as two real Daemons in this process (node, gRPC peer-link, keepalive, ports), each
// on its own io thread, straight between the two (no relays: the benchmarks that use it measure the
// switches, not the lab's plumbing), on a loopback block of its own (127.3.N.0/24), delay restore 0.
#pragma once

#include <functional>
#include <future>
#include <memory>
#include <string>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "switch/daemon/daemon.h"

namespace vpc::bench {

// Runs f on the io thread of `io` and waits for its result.
template <class F>
auto onIo(boost::asio::io_context& io, F f) {
  std::promise<decltype(f())> p;
  auto fut = p.get_future();
  boost::asio::post(io, [&] { p.set_value(f()); });
  return fut.get();
}

std::string replaceAll(std::string s, const std::string& from, const std::string& to);

class InProcessPair {
 public:
  // `edit` may change switch i's configuration text (leaf1 is 0) before it is parsed.
  explicit InProcessPair(const std::function<void(int i, std::string& text)>& edit = {});
  // The loopback block the pair uses ("127.3.N."): leaf1 is .1, leaf2 .2.
  static std::string block();
  ~InProcessPair();
  daemon::Daemon& d(int i) { return *sw_[i].d; }
  boost::asio::io_context& io(int i) { return *sw_[i].io; }
  bool established();  // both sessions

 private:
  struct Switch {
    std::unique_ptr<boost::asio::io_context> io = std::make_unique<boost::asio::io_context>();
    std::unique_ptr<daemon::Daemon> d;
    std::thread thread;
  };
  Switch sw_[2];
};

}  // namespace vpc::bench
