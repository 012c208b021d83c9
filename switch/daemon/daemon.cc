#include "switch/daemon/daemon.h"


#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

#include <boost/asio/post.hpp>
#include <fmt/format.h>

#include "peerlink/core/overloaded.h"
#include "switch/daemon/log.h"
#include "switch/mgmt/convert.h"
#include "switch/mgmt/event_stream.h"

namespace vpc::daemon {

namespace {

constexpr auto kShutdownFlushWait = std::chrono::milliseconds(600);
// The release whose vPC behaviour the fact sheet describes (docs/behaviour.md), as `show version` names it.
constexpr const char* kEmulatedNxos = "9.3(10)";

std::uint64_t randomBootId() {
  std::random_device rd;
  std::uint64_t id = 0;
  while (id == 0) id = (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
  return id;
}


// The tables' big arrays ask for transparent huge pages: touching fresh 4 KiB pages one by one
// dominated a bulk snapshot's insert time (measured: 1.1 M records applied in ~400 ms with small
// pages, ~240 ms with huge ones). A hint only - without THP the kernel ignores it.
void hugePages(void* block, std::size_t bytes) { (void)::madvise(block, bytes, MADV_HUGEPAGE); }

// Builds and starts a gRPC server on `address`; reports the bound address (port 0 picks one).
std::unique_ptr<grpc::Server> startServer(const std::string& address, std::vector<grpc::Service*> services,
                                          grpc::CallbackGenericService* unknown,
                                          const std::optional<transport::TlsMaterial>& tls, std::string& bound,
                                          std::string& error, bool peer_link = false) {
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(address, transport::serverCredentials(tls), &port);
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);  // a second switch on the same address must fail
  if (peer_link) transport::PeerLinkTransport::tune(builder);
  for (auto* s : services) builder.RegisterService(s);
  builder.RegisterCallbackGenericService(unknown);  // methods none of them has: answered with a message
  auto server = builder.BuildAndStart();
  if (!server || port == 0) {
    error = "cannot listen on " + address + " (address in use, or not an address of this host)";
    return nullptr;
  }
  bound = hostOf(address) + ":" + std::to_string(port);
  return server;
}

// Management.Events: the history, then (with follow) every new event until the client goes away.
class EventStream final : public mgmt::EventStream, public EventSubscriber {
 public:
  EventStream(Daemon& daemon, bool follow, std::uint32_t last)
      : mgmt::EventStream(daemon.io()), daemon_(daemon), follow_(follow), last_(last) {
    boost::asio::post(daemon_.io(), [this] { begin(); });
  }

  void onEvent(const v1::Event& event) override { push(event); }
  void onShutdown() override { finish(grpc::Status::OK); }

 private:
  void begin() {
    if (daemon_.shuttingDown()) {
      finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, "the switch is shutting down"));
      return;
    }
    const auto& events = daemon_.node().journal().events();
    std::size_t skip = 0;
    if (last_ && events.size() > last_) skip = events.size() - last_;
    const auto& host = daemon_.node().config().hostname;
    for (std::size_t i = skip; i < events.size(); ++i) {
      queue().emplace_back();
      mgmt::toProto(events[i], host, daemon_.clock(), &queue().back());
    }
    if (follow_) {
      daemon_.subscribe(this);
      writeNext();
    } else {
      drainThenFinish();
    }
  }
  void detach() override { daemon_.unsubscribe(this); }

  Daemon& daemon_;
  bool follow_;
  std::uint32_t last_;
};

std::string suppressedNote(std::uint64_t n) {
  return n ? " (" + std::to_string(n) + " more like it not logged)" : std::string();
}

}  // namespace

Daemon::Daemon(boost::asio::io_context& io, SwitchConfig config, DaemonOptions options)
    : io_(io),
      config_(std::move(config)),
      options_(std::move(options)),
      clock_(mgmt::WallClock::now()),
      boot_id_(randomBootId()),
      timer_(io),
      peer_link_(io, *this),
      keepalive_(io, *this),
      ports_(io, *this),
      shutdown_timer_(io) {
  NodeOptions no;
  no.boot_id = boot_id_;
  no.time_scale = options_.time_scale;
  no.page_hint = hugePages;
  node_ = std::make_unique<SwitchNode>(config_, no);
  mgmt_service_ = std::make_unique<mgmt::Service>(*this);
  mgmt_service_->markStream("Events", new grpc::internal::CallbackServerStreamingHandler<v1::EventsRequest, v1::Event>(
                                          [this](grpc::CallbackServerContext*, const v1::EventsRequest* req) {
                                            return new EventStream(*this, req->follow(), req->last());
                                          }));
  // The worker renders long replies; it yields to the switch's own thread on a busy machine.
  boost::asio::post(worker_, [] { (void)::setpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)), 10); });
}

Daemon::~Daemon() {
  worker_.join();
  jobs_.clear();
  if (server_stopper_.joinable()) server_stopper_.join();
  // A call that outlived the servers' shutdown deadline (a loaded machine) is done only when its
  // server goes: its reactor then posts its own deletion to this loop, which has stopped. The loop's
  // thread is gone, so run what is left here, on this one, while the daemon still exists (seen as a
  // leaked Events stream under LeakSanitizer).
  mgmt_server_.reset();
  peer_server_.reset();
  io_.restart();
  io_.poll();
}

Status Daemon::start() {
  auto log = logger("vpcd");
  std::string error;
  VPC_RETURN_IF_ERROR(openKeepalive());
  VPC_RETURN_IF_ERROR(ports_.open(config_.emulator.ports, options_.config_path));
  // Mutual TLS: a peer or a client without a certificate from the CA is refused in the TLS handshake,
  // before gRPC reads a byte of it.
  std::optional<transport::TlsMaterial> tls;
  if (const auto& t = config_.emulator.tls) {
    auto m = transport::loadTls(t->certificate, t->key, t->ca);
    if (!m) return m.error();
    tls = std::move(*m);
    peer_link_.useTls(*tls);
  }
  if (!config_.emulator.peer_link_listen.empty()) {
    peer_server_ = startServer(config_.emulator.peer_link_listen, {peer_link_.service()}, &peer_unknown_, tls,
                               peer_address_, error, /*peer_link=*/true);
    if (!peer_server_) return Error{ErrorCode::Unavailable, "peer-link: " + error};
  }
  mgmt_server_ =
      startServer(config_.emulator.management, {mgmt_service_.get()}, &mgmt_unknown_, tls, mgmt_address_, error);
  if (!mgmt_server_) return Error{ErrorCode::Unavailable, "management: " + error};
  log->info("{} up{}: management {}, peer-link {} -> {}, keepalive {} -> {}", config_.hostname,
            tls ? " (mutual TLS)" : "", mgmt_address_,
            peer_address_.empty() ? "-" : peer_address_,
            config_.emulator.peer_link_peer.empty() ? "-" : config_.emulator.peer_link_peer,
            keepalive_address_.empty() ? "-" : keepalive_address_,
            config_.vpc_domain && config_.vpc_domain->keepalive
                ? config_.vpc_domain->keepalive->destination.str() + ":" +
                      std::to_string(config_.vpc_domain->keepalive->udp_port)
                : "-");
  VPC_RETURN_IF_ERROR(refreshUsers());
  execute(node_->start(now()));
  ports_.start();
  rearm();
  return Status::ok();
}

Status Daemon::refreshUsers() {
  const auto& cfg = node_->config();
  {
    std::lock_guard lock(users_mu_);
    users_ = cfg.users;
    hostname_ = cfg.hostname;
  }
  if (!mgmt_server_) return Status::ok();
  auto user = [this](const std::string& name) -> std::optional<UserConfig> {
    std::lock_guard lock(users_mu_);
    auto it = users_.find(name);
    if (it == users_.end()) return std::nullopt;
    return it->second;
  };
  auto hostname = [this] {
    std::lock_guard lock(users_mu_);
    return hostname_;
  };
  auto channel = [this] {
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(-1);
    return mgmt_server_->InProcessChannel(args);
  };
  if (!nxapi_ && cfg.feature("nxapi")) {
    auto server = std::make_unique<NxapiServer>(
        hostOf(mgmt_address_), cfg.nxapi_http_port,
        NxapiServer::Hooks{user, hostname, channel, [](const std::string& line) { logger("nxapi")->info("{}", line); }});
    VPC_RETURN_IF_ERROR(server->start());
    logger("nxapi")->info("NX-API on http://{}:{}/ins", hostOf(mgmt_address_), server->port());
    nxapi_ = std::move(server);
  }
  if (ssh_ || cfg.users.empty()) return Status::ok();
  SshServerOptions o;
  o.address = hostOf(mgmt_address_);
  o.port = cfg.emulator.ssh_port;
  o.host_key = cfg.emulator.ssh_host_key;
  if (o.host_key.empty())
    o.host_key = "/tmp/vpcd-" + std::to_string(::getuid()) + "/ssh_host_ed25519_key-" + cfg.hostname;
  SshServer::Hooks h{user, hostname, channel, [](const std::string& line) { logger("ssh")->info("{}", line); }};
  auto server = std::make_unique<SshServer>(std::move(o), std::move(h));
  VPC_RETURN_IF_ERROR(server->start());
  logger("ssh")->info("NX-OS session over SSH on {}:{}", hostOf(mgmt_address_), server->port());
  ssh_ = std::move(server);
  return Status::ok();
}

Status Daemon::openKeepalive() {
  keepalive_.close();
  keepalive_address_.clear();
  const auto& cfg = node_ ? node_->config() : config_;
  if (!cfg.vpc_domain || !cfg.vpc_domain->keepalive) return Status::ok();
  const auto& k = *cfg.vpc_domain->keepalive;
  const std::string source = k.source ? k.source->str() : hostOf(cfg.emulator.management);
  VPC_RETURN_IF_ERROR(keepalive_.setDestination(k.destination.str(), static_cast<std::uint16_t>(k.udp_port)));
  keepalive_.setKey(config_.emulator.keepalive_key);
  VPC_RETURN_IF_ERROR(keepalive_.open(source, static_cast<std::uint16_t>(k.udp_port)));
  keepalive_address_ = source + ":" + std::to_string(keepalive_.localPort());
  return Status::ok();
}

// ---------------------------------------------------------------------------------------------------
// The management commands' backend

void Daemon::post(std::function<void()> f) { boost::asio::post(io_, std::move(f)); }

void Daemon::command(const std::function<void(SwitchNode&, TimePoint, Effects&)>& f) {
  Effects out;
  f(*node_, now(), out);
  execute(out);
  rearm();
}

Result<ConfigureResult> Daemon::configure(const std::vector<std::string>& lines) {
  auto r = run([&](SwitchNode& n, TimePoint now, Effects& out) { return n.configure(lines, now, out); });
  if (r && r->keepalive_endpoints_changed) {
    if (auto st = openKeepalive(); !st) {
      logger("keepalive")->error("{}", st.error().message);
      r->messages.push_back("Warning: " + st.error().message);
    }
  }
  if (r) {
    if (auto st = refreshUsers(); !st) {
      logger("ssh")->error("{}", st.error().message);
      r->messages.push_back("Warning: " + st.error().message);
    }
  }
  return r;
}

void Daemon::sliced(std::function<bool(bool abandon)> step, std::function<void(bool complete)> finish) {
  if (shutting_down_) {
    step(true);
    boost::asio::post(worker_, [finish = std::move(finish)] { finish(false); });
    return;
  }
  const auto id = next_job_++;
  jobs_[id] = Job{std::move(step), std::move(finish)};
  nextSlice(id);
}

void Daemon::abandonJobs() {
  for (auto& [id, job] : jobs_) {
    job.step(true);
    boost::asio::post(worker_, [finish = std::move(job.finish)] { finish(false); });
  }
  jobs_.clear();
}

// One slice of a long read, then back to the queue: whatever else waits on the switch's thread (a
// heartbeat, a keepalive) runs before the next slice.
void Daemon::nextSlice(std::uint64_t id) {
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return;  // abandoned at shutdown
  if (!it->second.step(false)) {
    boost::asio::post(io_, [this, id] { nextSlice(id); });
    return;
  }
  boost::asio::post(worker_, [finish = std::move(it->second.finish)] { finish(true); });
  jobs_.erase(it);
}

v1::InfoReply Daemon::info() const {
  v1::InfoReply r;
  r.set_hostname(node_->config().hostname);
  r.set_version(VPCLAB_VERSION);
  r.set_boot_id(boot_id_);
  r.set_uptime_s(toSeconds(Clock::now() - clock_.start()));
  r.set_time_scale(options_.time_scale);
  r.set_management_address(mgmt_address_);
  r.set_peer_link_address(peer_address_);
  r.set_keepalive_address(keepalive_address_);
  r.set_pid(static_cast<std::uint32_t>(::getpid()));
  r.set_nxos_version(kEmulatedNxos);
  const auto mac = node_->config().emulator.local_mac.value_or(MacAddress{});
  r.set_chassis_serial(fmt::format("VPC{:08X}", mac.value & 0xffffffffULL));
  if (nxapi_) r.set_nxapi_address(hostOf(mgmt_address_) + ":" + std::to_string(nxapi_->port()));
  if (ssh_) {
    const auto st = ssh_->stats();
    auto* s = r.mutable_ssh();
    s->set_enabled(true);
    s->set_address(hostOf(mgmt_address_) + ":" + std::to_string(ssh_->port()));
    s->set_logins(st.logins);
    s->set_authentication_failures(st.auth_failures);
    s->set_sessions_active(st.sessions_active);
    s->set_sessions_refused(st.sessions_refused);
  }
  return r;
}

// Written beside it and renamed over it: a crash mid-write leaves the old file whole.
Result<std::string> Daemon::saveStartupConfig(const std::string& text) {
  if (options_.config_path.empty()) return Error{ErrorCode::FailedPrecondition, "this switch has no config file"};
  const std::string tmp = options_.config_path + ".saving";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << text;
    if (!out.flush()) return Error{ErrorCode::Unavailable, "cannot write " + tmp};
  }
  if (::rename(tmp.c_str(), options_.config_path.c_str()) != 0)
    return Error{ErrorCode::Unavailable, "cannot replace " + options_.config_path + ": " + std::strerror(errno)};
  logger("vpcd")->info("copy running-config startup-config: {} bytes to {}", text.size(), options_.config_path);
  return options_.config_path;
}

Result<std::string> Daemon::startupConfig() const {
  if (options_.config_path.empty()) return Error{ErrorCode::FailedPrecondition, "this switch has no config file"};
  std::ifstream in(options_.config_path);
  if (!in) return Error{ErrorCode::Unavailable, "cannot read " + options_.config_path};
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<mgmt::WireNote> Daemon::peerLinkMessages(std::size_t last) const {
  const auto& log = peer_link_.log();
  const std::size_t from = last && log.size() > last ? log.size() - last : 0;
  return {log.begin() + static_cast<std::ptrdiff_t>(from), log.end()};
}

// ---------------------------------------------------------------------------------------------------
// Inputs

void Daemon::deliver(const Input& input) {
  if (shutting_down_ && !std::holds_alternative<in::ShutdownRequested>(input)) return;
  execute(node_->handle(input, now()));
  rearm();
}

void Daemon::peerAccepted(ConnId conn) { deliver(in::PeerTransportUp{conn}); }
void Daemon::peerMessage(ConnId conn, peer::Message msg) {
  if (!peer_applied_) {
    deliver(in::PeerMessageReceived{conn, std::move(msg)});
    return;
  }
  deliver(in::PeerMessageReceived{conn, msg});
  peer_applied_(msg);
}
void Daemon::peerMalformed(ConnId conn, std::string error) {
  std::uint64_t suppressed = 0;
  if (peer_log_limit_.allow(Clock::now(), suppressed))
    logger("peerlink")->warn("malformed message on connection {:#x}: {}{}", conn, error, suppressedNote(suppressed));
  deliver(in::PeerMessageMalformed{conn, std::move(error)});
}
void Daemon::peerClosed(ConnId conn, std::string reason) { deliver(in::PeerTransportDown{conn, std::move(reason)}); }
void Daemon::peerFrame(std::vector<std::uint8_t> frame) {
  deliver(in::FrameReceived{InterfaceId::peerLink(), std::move(frame)});
}

void Daemon::frameReceived(InterfaceId port, std::vector<std::uint8_t> bytes) {
  deliver(in::FrameReceived{port, std::move(bytes)});
}
void Daemon::carrierChanged(InterfaceId port, bool up) {
  logger("ports")->info("{}: carrier {}", port.longName(), up ? "up" : "down");
  deliver(in::LinkChanged{port, up});
}

void Daemon::keepaliveReceived(const KeepaliveMsg& msg) { deliver(in::KeepaliveReceived{msg}); }
void Daemon::keepaliveForeign(const std::string& from) {
  std::uint64_t suppressed = 0;
  if (keepalive_log_limit_.allow(Clock::now(), suppressed))
    logger("keepalive")->warn("datagram from {}, not the peer: dropped{}", from, suppressedNote(suppressed));
  deliver(in::KeepaliveForeign{from});
}

void Daemon::keepaliveMalformed(const std::string& error) {
  std::uint64_t suppressed = 0;
  if (keepalive_log_limit_.allow(Clock::now(), suppressed))
    logger("keepalive")->warn("bad datagram: {}{}", error, suppressedNote(suppressed));
  deliver(in::KeepaliveMalformed{error});
}
void Daemon::keepaliveSent(bool ok, const std::string& error) {
  std::uint64_t suppressed = 0;
  if (!ok && send_log_limit_.allow(Clock::now(), suppressed))
    logger("keepalive")->warn("send failed: {}{}", error, suppressedNote(suppressed));
  deliver(in::KeepaliveSendResult{ok});
}

// ---------------------------------------------------------------------------------------------------
// Effects and the one timer

void Daemon::execute(const Effects& effects) {
  for (const auto& e : effects) {
    std::visit(Overloaded{
                   [&](const fx::SendKeepalive& k) { keepalive_.send(k.msg); },
                   [&](const fx::SendPeer& s) { peer_link_.send(s.conn, s.msg); },
                   [&](const fx::ConnectPeer& c) {
                     peer_link_.dial(c.conn, config_.emulator.peer_link_peer, c.timeout);
                   },
                   [&](const fx::ClosePeer& c) { peer_link_.close(c.conn); },
                   [&](const fx::EventRecorded& r) {
                     const auto& ev = r.event;
                     logger("events")->info("{}: {}{} -> {} reason=\"{}\"", ev.subject.str(),
                                            ev.kind == EventKind::ReasonChanged ? "reason " : "",
                                            ev.from.empty() ? "-" : ev.from, ev.to, mgmt::joinCauses(ev.causes));
                     if (subscribers_.empty()) return;
                     v1::Event proto;
                     mgmt::toProto(ev, node_->config().hostname, clock_, &proto);
                     for (auto* s : std::set<EventSubscriber*>(subscribers_)) s->onEvent(proto);
                   },
                   [&](const fx::SendFrame& f) {
                     if (f.port == InterfaceId::peerLink()) peer_link_.sendFrame(f.bytes);
                     else ports_.send(f.port, f.bytes);
                   },
                   [&](const fx::SetPortLight& l) { ports_.setLight(l.port, l.lit); },
               },
               e);
  }
}

void Daemon::rearm() {
  if (shutting_down_) return;
  const auto deadline = node_->nextDeadline();
  if (deadline == armed_) return;
  armed_ = deadline;
  if (!deadline) {
    timer_.cancel();
    return;
  }
  timer_.expires_at(*deadline);
  timer_.async_wait([this](const boost::system::error_code& ec) { onTimer(ec); });
}

void Daemon::onTimer(const boost::system::error_code& ec) {
  if (ec || shutting_down_) return;  // superseded by a re-arm, or stopping
  armed_.reset();
  execute(node_->tick(now()));
  rearm();
}

// ---------------------------------------------------------------------------------------------------
// Shutdown: Goodbye on the peer-link, flush it (bounded), stop the servers, stop the loop.

void Daemon::shutdown(const std::string& reason) {
  if (shutting_down_) return;
  logger("vpcd")->info("shutting down: {}", reason);
  deliver(in::ShutdownRequested{reason});
  shutting_down_ = true;
  timer_.cancel();
  keepalive_.close();
  ports_.close();
  abandonJobs();
  for (auto* s : std::set<EventSubscriber*>(subscribers_)) s->onShutdown();
  shutdown_deadline_ = now() + kShutdownFlushWait;
  waitPeerLinkIdle();
}

// Until the peer-link has sent what it holds (the Goodbye among it), or the flush wait is over. (A
// member, not a self-referencing closure: that one kept itself alive - a leak LeakSanitizer found.)
void Daemon::waitPeerLinkIdle() {
  if (peer_link_.idle() || now() >= shutdown_deadline_) {
    finishShutdown();
    return;
  }
  shutdown_timer_.expires_after(std::chrono::milliseconds(5));
  shutdown_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) waitPeerLinkIdle();
  });
}

void Daemon::finishShutdown() {
  // grpc::Server::Shutdown waits for every call to finish, and calls finish on this loop: so the loop
  // keeps running while another thread waits, then that thread stops the loop.
  server_stopper_ = std::thread([this] {
    // SSH sessions first: one may be waiting for a management call, which this loop still serves.
    if (ssh_) ssh_->stop();
    if (nxapi_) nxapi_->stop();
    const auto deadline = std::chrono::system_clock::now() + std::chrono::milliseconds(300);
    if (mgmt_server_) mgmt_server_->Shutdown(deadline);
    if (peer_server_) peer_server_->Shutdown(deadline);
    boost::asio::post(io_, [this] { io_.stop(); });
  });
}

}  // namespace vpc::daemon
