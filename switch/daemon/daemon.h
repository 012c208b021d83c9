// The imperative shell of one switch. It owns the io_context-side pieces: the pure SwitchNode, the one
// timer set to node.nextDeadline(), the gRPC peer-link transport, the UDP keepalive socket, the gRPC
// servers, the event subscribers and a worker thread for the heavy half of long reads. Every input
// (socket, gRPC callback, management call, timer) reaches the node on the io_context thread, and every
// effect the node returns is executed here. It decides nothing about vPC.
//
// It is the management commands' Backend (switch/mgmt/backend.h): they read snapshots, run commands
// and read the tables in slices through it.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <grpcpp/grpcpp.h>

#include "peerlink/transport/grpc_peer_link.h"
#include "peerlink/transport/udp_keepalive.h"
#include "switch/core/switch_node.h"
#include "switch/daemon/log.h"
#include "switch/daemon/packet_ports.h"
#include "switch/daemon/nxapi_server.h"
#include "switch/daemon/ssh_server.h"
#include "switch/mgmt/backend.h"
#include "switch/mgmt/registry.h"
#include "switch/mgmt/wall_clock.h"
#include "vpc/v1/mgmt.pb.h"

namespace vpc::daemon {

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

class Daemon : public mgmt::Backend,
               private transport::PeerLinkTransport::Sink,
               private transport::UdpKeepalive::Sink,
               private PacketPorts::Sink {
 public:
  Daemon(boost::asio::io_context& io, SwitchConfig config, DaemonOptions options);
  ~Daemon() override;

  // Binds the sockets and starts the servers and the node. Errors name the address that failed.
  Status start();
  // Sends Goodbye, closes the peer-link, stops the servers, then stops the io_context (io thread).
  void shutdown(const std::string& reason);

  // mgmt::Backend (io thread, but post()).
  void post(std::function<void()> f) override;
  bool shuttingDown() const override { return shutting_down_; }
  NodeSnapshot snapshot() override { return node_->snapshot(now()); }
  const SwitchNode& node() const override { return *node_; }
  TableSync& tables() override { return node_->tables(); }
  const mgmt::WallClock& clock() const override { return clock_; }
  TimePoint now() const override { return Clock::now(); }
  v1::InfoReply info() const override;
  std::vector<mgmt::WireNote> peerLinkMessages(std::size_t last) const override;
  std::uint64_t peerLinkFramesDropped() const override { return peer_link_.stats().frames_dropped; }
  std::uint64_t peerLinkRateLimited() const override { return peer_link_.stats().rate_limited; }
  Result<std::string> saveStartupConfig(const std::string& text) override;
  Result<std::string> startupConfig() const override;
  void command(const std::function<void(SwitchNode&, TimePoint, Effects&)>& f) override;
  Result<ConfigureResult> configure(const std::vector<std::string>& lines) override;
  void sliced(std::function<bool(bool abandon)> step, std::function<void(bool complete)> finish) override;

  // io thread: a command whose result the caller wants (tests, benchmarks).
  template <class F>
  auto run(F&& f) {
    Effects out;
    auto r = f(*node_, now(), out);
    execute(out);
    rearm();
    return r;
  }
  void subscribe(EventSubscriber* s) { subscribers_.insert(s); }
  void unsubscribe(EventSubscriber* s) { subscribers_.erase(s); }
  // Sees every peer message right after the node has handled it (io thread). For benchmarks that time
  // when a peer's record is installed here; unset, it costs nothing.
  void onPeerApplied(std::function<void(const peer::Message&)> f) { peer_applied_ = std::move(f); }
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
  void keepaliveForeign(const std::string& from) override;
  void peerFrame(std::vector<std::uint8_t> frame) override;
  void keepaliveSent(bool ok, const std::string& error) override;
  // PacketPorts::Sink (io thread)
  void frameReceived(InterfaceId port, std::vector<std::uint8_t> bytes) override;
  void carrierChanged(InterfaceId port, bool up) override;

  void deliver(const Input& input);
  void execute(const Effects& effects);
  void rearm();
  void onTimer(const boost::system::error_code& ec);
  void finishShutdown();
  void waitPeerLinkIdle();
  Status openKeepalive();
  // The users SSH sessions and NX-API requests log in as (a copy for their threads); the SSH server once
  // users exist, NX-API once `feature nxapi` is on.
  Status refreshUsers();
  void nextSlice(std::uint64_t job);

  boost::asio::io_context& io_;
  SwitchConfig config_;
  DaemonOptions options_;
  mgmt::WallClock clock_;
  std::uint64_t boot_id_;
  std::unique_ptr<SwitchNode> node_;
  boost::asio::steady_timer timer_;
  std::optional<TimePoint> armed_;
  transport::PeerLinkTransport peer_link_;
  transport::UdpKeepalive keepalive_;
  PacketPorts ports_;
  std::unique_ptr<mgmt::Service> mgmt_service_;
  mgmt::UnknownMethods mgmt_unknown_{"vpc.v1.Management"};
  mgmt::UnknownMethods peer_unknown_{"vpc.v1.PeerLink"};
  std::unique_ptr<grpc::Server> mgmt_server_;
  std::unique_ptr<grpc::Server> peer_server_;
  std::string mgmt_address_;
  std::string peer_address_;
  std::string keepalive_address_;
  std::set<EventSubscriber*> subscribers_;
  // Input from outside reaches the log at most 5 lines per 10 s per kind (the core counts every one).
  LogLimiter peer_log_limit_{5, std::chrono::seconds(10)};
  LogLimiter keepalive_log_limit_{5, std::chrono::seconds(10)};
  LogLimiter send_log_limit_{5, std::chrono::seconds(10)};
  std::function<void(const peer::Message&)> peer_applied_;
  bool shutting_down_ = false;
  boost::asio::steady_timer shutdown_timer_;
  TimePoint shutdown_deadline_{};
  std::thread server_stopper_;
  std::mutex users_mu_;  // guards users_ and hostname_ (read by SSH session threads)
  std::map<std::string, UserConfig> users_;
  std::string hostname_;
  std::unique_ptr<SshServer> ssh_;
  std::unique_ptr<NxapiServer> nxapi_;
  // Long reads in progress: their slices run on the io thread; destroyed before the node (they hold
  // cursors into its tables).
  struct Job {
    std::function<bool(bool abandon)> step;
    std::function<void(bool complete)> finish;
  };
  void abandonJobs();  // at shutdown: each long read is answered (finish(false)), none continues
  std::map<std::uint64_t, Job> jobs_;
  std::uint64_t next_job_ = 1;
  boost::asio::thread_pool worker_{1};  // the heavy half of long reads (sorting, building replies)
};

}  // namespace vpc::daemon
