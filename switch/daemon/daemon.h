// The imperative shell of one switch. It owns the io_context-side pieces: the pure SwitchNode, the one
// timer set to node.nextDeadline(), the gRPC peer-link transport, the UDP keepalive socket, the gRPC
// servers and the event subscribers. Every input (socket, gRPC callback, management call, timer) reaches
// the node on the io_context thread, and every effect the node returns is executed here. It decides
// nothing about vPC.
#pragma once

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <grpcpp/grpcpp.h>

#include "peerlink/transport/grpc_peer_link.h"
#include "peerlink/transport/udp_keepalive.h"
#include "switch/core/switch_node.h"
#include "switch/daemon/wall_clock.h"
#include "vpc/v1/mgmt.pb.h"

namespace vpc::daemon {

class ManagementService;

// Receives events as they are recorded (io thread).
class EventSubscriber {
 public:
  virtual ~EventSubscriber() = default;
  virtual void onEvent(const v1::Event& event) = 0;
  virtual void onShutdown() = 0;
};

struct DaemonOptions {
  double time_scale = 1.0;
  std::string config_path;
};

class Daemon : private transport::PeerLinkTransport::Sink, private transport::UdpKeepalive::Sink {
 public:
  Daemon(boost::asio::io_context& io, SwitchConfig config, DaemonOptions options);
  ~Daemon() override;

  // Binds the sockets and starts the servers and the node. Errors name the address that failed.
  Status start();
  // Sends Goodbye, closes the peer-link, stops the servers, then stops the io_context (io thread).
  void shutdown(const std::string& reason);

  // io thread only:
  SwitchNode& node() { return *node_; }
  TimePoint now() const { return Clock::now(); }
  const WallClock& clock() const { return clock_; }
  // Runs a management command against the node and executes its effects.
  template <class F>
  auto command(F&& f) {
    Effects out;
    auto r = f(*node_, now(), out);
    execute(out);
    rearm();
    return r;
  }
  // `configure` lines; moves the keepalive socket if the change asks for it.
  Result<ConfigureResult> configure(const std::vector<std::string>& lines);
  void subscribe(EventSubscriber* s) { subscribers_.insert(s); }
  void unsubscribe(EventSubscriber* s) { subscribers_.erase(s); }
  bool shuttingDown() const { return shutting_down_; }
  // Sees every peer message right after the node has handled it (io thread). For benchmarks that time
  // when a peer's record is installed here; unset, it costs nothing.
  void onPeerApplied(std::function<void(const peer::Message&)> f) { peer_applied_ = std::move(f); }

  v1::InfoReply info() const;
  const std::deque<transport::PeerLinkTransport::WireNote>& peerLinkLog() const { return peer_link_.log(); }
  boost::asio::io_context& io() { return io_; }

 private:
  // PeerLinkTransport::Sink
  void peerAccepted(ConnId conn) override;
  void peerMessage(ConnId conn, peer::Message msg) override;
  void peerMalformed(ConnId conn, std::string error) override;
  void peerClosed(ConnId conn, std::string reason) override;
  // UdpKeepalive::Sink
  void keepaliveReceived(const KeepaliveMsg& msg) override;
  void keepaliveMalformed(const std::string& error) override;
  void keepaliveSent(bool ok, const std::string& error) override;

  void deliver(const Input& input);
  void execute(const Effects& effects);
  void rearm();
  void onTimer(const boost::system::error_code& ec);
  void finishShutdown();
  Status openKeepalive();

  boost::asio::io_context& io_;
  SwitchConfig config_;
  DaemonOptions options_;
  WallClock clock_;
  std::uint64_t boot_id_;
  std::unique_ptr<SwitchNode> node_;
  boost::asio::steady_timer timer_;
  std::optional<TimePoint> armed_;
  transport::PeerLinkTransport peer_link_;
  transport::UdpKeepalive keepalive_;
  std::unique_ptr<ManagementService> mgmt_service_;
  std::unique_ptr<grpc::Server> mgmt_server_;
  std::unique_ptr<grpc::Server> peer_server_;
  std::string mgmt_address_;
  std::string peer_address_;
  std::string keepalive_address_;
  std::set<EventSubscriber*> subscribers_;
  std::function<void(const peer::Message&)> peer_applied_;
  bool shutting_down_ = false;
  boost::asio::steady_timer shutdown_timer_;
  TimePoint shutdown_deadline_{};
  std::thread server_stopper_;
  std::uint64_t keepalive_send_errors_logged_ = 0;
};

}  // namespace vpc::daemon
