#include "labs/lab/relayd.h"

#include <signal.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <deque>
#include <fstream>
#include <iostream>
#include <memory>
#include <set>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <grpcpp/grpcpp.h>

#include "labs/lab/process.h"
#include "labs/lab/registry.h"
#include "labs/relay/relay.h"
#include "switch/mgmt/event_stream.h"
#include "vpc/v1/lab.grpc.pb.h"

namespace vpc::lab {

namespace {

namespace asio = boost::asio;

std::string isoNow(std::chrono::system_clock::time_point t) {
  const auto secs = std::chrono::system_clock::to_time_t(t);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

std::string msText(double ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", ms);
  return std::string(buf) + "ms";
}

labs::PathMode parseMode(const std::string& m) {
  if (m == "cut") return labs::PathMode::Cut;
  if (m == "shut") return labs::PathMode::Shut;
  return labs::PathMode::Pass;
}

class Relayd;

struct Path {
  std::string name, kind, a, b;
  std::vector<std::string> addresses;
  std::unique_ptr<labs::TcpRelay> tcp[2];
  std::unique_ptr<labs::UdpRelay> udp;
  labs::PathMode mode = labs::PathMode::Pass;
  labs::Impairment impairment;
  // Flap schedule.
  std::unique_ptr<asio::steady_timer> flap_timer;
  v1::FlapSchedule flap;
  std::uint32_t flap_cycle = 0;  // 0: not flapping
  bool flap_down = false;

  void apply() {
    for (auto& t : tcp)
      if (t) {
        t->setImpairment(impairment);
        t->setMode(mode);
      }
    if (udp) {
      udp->setImpairment(impairment);
      udp->setMode(mode);
    }
  }
  std::string text() const {
    std::string s(labs::toString(mode));
    if (mode == labs::PathMode::Pass && impairment.any()) {
      if (impairment.delay_ms > 0 || impairment.jitter_ms > 0)
        s += ", delay " + msText(impairment.delay_ms) +
             (impairment.jitter_ms > 0 ? " jitter " + msText(impairment.jitter_ms) : "");
      if (impairment.loss_percent > 0) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%g%%", impairment.loss_percent);
        s += std::string(", loss ") + buf;
      }
    }
    return s;
  }
  v1::PathState state() const {
    v1::PathState p;
    p.set_name(name);
    p.set_kind(kind);
    p.set_mode(std::string(labs::toString(mode)));
    p.mutable_impairment()->set_delay_ms(static_cast<std::uint32_t>(impairment.delay_ms));
    p.mutable_impairment()->set_jitter_ms(static_cast<std::uint32_t>(impairment.jitter_ms));
    p.mutable_impairment()->set_loss_percent(impairment.loss_percent);
    p.mutable_impairment()->set_seed(impairment.seed);
    p.set_flapping(flap_cycle > 0);
    p.set_between(a + " <-> " + b);
    for (const auto& ad : addresses) p.add_relay_addresses(ad);
    auto* c = p.mutable_counters();
    auto add = [c](const labs::RelayStats& s) {
      c->set_connections(c->connections() + s.connections);
      c->set_bytes(c->bytes() + s.bytes);
      c->set_datagrams(c->datagrams() + s.datagrams);
      c->set_dropped(c->dropped() + s.dropped);
      c->set_closed(c->closed() + s.closed);
      c->set_delayed(c->delayed() + s.delayed);
    };
    for (const auto& t : tcp)
      if (t) add(t->stats());
    if (udp) add(udp->stats());
    return p;
  }
};

class PathEventStream;

class Relayd final : public v1::PathControl::CallbackService {
 public:
  explicit Relayd(v1::LabState lab) : lab_(std::move(lab)), guard_(io_.get_executor()) {}

  std::string start() {
    for (const auto& lp : lab_.paths()) {
      auto p = std::make_unique<Path>();
      p->name = lp.name();
      p->kind = lp.kind();
      p->a = lp.a();
      p->b = lp.b();
      p->addresses.assign(lp.relay_addresses().begin(), lp.relay_addresses().end());
      p->flap_timer = std::make_unique<asio::steady_timer>(io_);
      // relay_addresses: tcp "listen>target" x2; udp "listen>target" for side a then side b.
      std::vector<std::pair<std::string, std::string>> rs;
      for (const auto& ad : lp.relay_addresses()) {
        const auto gt = ad.find('>');
        if (gt == std::string::npos) return "bad relay address '" + ad + "' in lab.json";
        rs.emplace_back(ad.substr(0, gt), ad.substr(gt + 1));
      }
      if (rs.size() != 2) return "path " + p->name + " needs two relay addresses";
      // A far end given by name (a Kubernetes service, `vpclab pod relay`): its address now, and
      // looked up again while the relay runs.
      for (int i = 0; i < 2; ++i) {
        auto& target = rs[static_cast<std::size_t>(i)].second;
        const auto colon = target.rfind(':');
        const std::string host = target.substr(0, colon);
        boost::system::error_code ec;
        asio::ip::make_address_v4(host, ec);
        if (!ec || colon == std::string::npos) continue;
        NamedEnd end{p.get(), i, host, target.substr(colon + 1), ""};
        end.current = resolveIpv4Waiting(end.host, kResolveWaitS, "relayd");
        if (end.current.empty()) return "cannot resolve " + host + " (the relay's far end)";
        target = end.current + ":" + end.port;
        named_.push_back(std::move(end));
      }
      if (p->kind == "tcp") {
        for (int i = 0; i < 2; ++i) {
          p->tcp[i] = std::make_unique<labs::TcpRelay>(io_, rs[static_cast<std::size_t>(i)].first,
                                                       rs[static_cast<std::size_t>(i)].second);
          if (auto st = p->tcp[i]->start(); !st) return st.error().message;
        }
      } else {
        p->udp = std::make_unique<labs::UdpRelay>(io_, rs[0].first, rs[0].second, rs[1].first, rs[1].second);
        if (auto st = p->udp->start(); !st) return st.error().message;
      }
      record(*p, "", "pass", "relay started");
      paths_.push_back(std::move(p));
    }
    if (!named_.empty()) resolveLater();
    grpc::ServerBuilder b;
    b.AddListeningPort(lab_.control_socket(), grpc::InsecureServerCredentials());
    b.RegisterService(this);
    server_ = b.BuildAndStart();
    if (!server_) return "cannot serve on " + lab_.control_socket();
    return "";
  }

  void run() { io_.run(); }
  void stop();

  asio::io_context& io() { return io_; }
  const std::deque<v1::Event>& journal() const { return journal_; }
  void subscribe(PathEventStream* s) { subscribers_.insert(s); }
  void unsubscribe(PathEventStream* s) { subscribers_.erase(s); }
  bool stopping() const { return stopping_; }

  grpc::ServerUnaryReactor* ListPaths(grpc::CallbackServerContext* ctx, const v1::ListPathsRequest*,
                                      v1::ListPathsReply* reply) override {
    auto* r = ctx->DefaultReactor();
    asio::post(io_, [this, r, reply] {
      for (const auto& p : paths_) *reply->add_paths() = p->state();
      r->Finish(grpc::Status::OK);
    });
    return r;
  }

  grpc::ServerUnaryReactor* SetPath(grpc::CallbackServerContext* ctx, const v1::SetPathRequest* req,
                                    v1::PathState* reply) override {
    auto* r = ctx->DefaultReactor();
    asio::post(io_, [this, r, req, reply] { r->Finish(setPath(*req, reply)); });
    return r;
  }

  grpc::ServerWriteReactor<v1::Event>* PathEvents(grpc::CallbackServerContext*, const v1::EventsRequest* req) override;

  void record(const Path& p, const std::string& from, const std::string& to, const std::string& reason);

 private:
  grpc::Status setPath(const v1::SetPathRequest& req, v1::PathState* reply) {
    Path* p = nullptr;
    for (auto& x : paths_)
      if (x->name == req.path()) p = x.get();
    if (!p) return grpc::Status(grpc::StatusCode::NOT_FOUND, "no path '" + req.path() + "' (peer-link, keepalive)");
    if (!req.mode().empty() && req.mode() != "pass" && req.mode() != "cut" && req.mode() != "shut")
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "mode is pass, cut or shut");
    if (req.has_impairment() && p->kind == "tcp" && req.impairment().loss_percent() > 0)
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          "a TCP path cannot lose bytes (TCP would resend them); use delay, jitter, cut or flap");
    const std::string before = p->text();
    const std::string reason = req.reason().empty() ? "vpclab" : req.reason();
    if (req.flap().down_ms() > 0) {
      p->flap = req.flap();
      p->flap_cycle = 1;
      flapStep(*p, true, reason);
    } else {
      if (p->flap_cycle > 0 && (!req.mode().empty() || req.has_impairment())) {
        p->flap_timer->cancel();
        p->flap_cycle = 0;
      }
      if (!req.mode().empty()) p->mode = parseMode(req.mode());
      if (req.has_impairment()) {
        const auto& i = req.impairment();
        p->impairment = {static_cast<double>(i.delay_ms()), static_cast<double>(i.jitter_ms()), i.loss_percent(), i.seed()};
      }
      p->apply();
      if (p->text() != before) record(*p, before, p->text(), reason);
    }
    *reply = p->state();
    return grpc::Status::OK;
  }

  void flapStep(Path& p, bool down, const std::string& reason) {
    const std::string before = p.text();
    p.mode = down ? (p.flap.down_mode() == "shut" ? labs::PathMode::Shut : labs::PathMode::Cut) : labs::PathMode::Pass;
    p.apply();
    const std::string count = p.flap.count() ? "/" + std::to_string(p.flap.count()) : "";
    record(p, before, p.text(), reason + " <- flap " + std::to_string(p.flap_cycle) + count + (down ? " down" : " up"));
    if (!down && p.flap.count() && p.flap_cycle >= p.flap.count()) {
      p.flap_cycle = 0;
      return;
    }
    p.flap_timer->expires_after(std::chrono::milliseconds(down ? p.flap.down_ms() : p.flap.up_ms()));
    p.flap_timer->async_wait([this, &p, down, reason](const boost::system::error_code& ec) {
      if (ec || p.flap_cycle == 0) return;
      if (!down) ++p.flap_cycle;
      flapStep(p, !down, reason);
    });
  }

  // A far end the lab names instead of numbering (a switch's wire service in Kubernetes).
  struct NamedEnd {
    Path* path;
    int index;  // tcp: relay [index]'s target; udp: side a (0) or b (1)'s peer
    std::string host, port, current;
  };
  static constexpr auto kResolveEvery = std::chrono::seconds(2);
  static constexpr int kResolveWaitS = 300;  // at start: the switches' pods may still be scheduling

  // While running: each name again every 2 s, off the relays' path (asio's resolver thread). A switch
  // whose pod came back at another address is reached there; a name that stops resolving for a while
  // (its pod is gone) keeps its last address.
  void resolveLater() {
    resolve_timer_.expires_after(kResolveEvery);
    resolve_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (ec || stopping_) return;
      for (std::size_t i = 0; i < named_.size(); ++i)
        resolver_.async_resolve(asio::ip::udp::v4(), named_[i].host, named_[i].port,
                                [this, i](const boost::system::error_code& rec, asio::ip::udp::resolver::results_type res) {
                                  if (rec || res.empty() || stopping_) return;
                                  moved(named_[i], res.begin()->endpoint().address().to_string());
                                });
      resolveLater();
    });
  }

  void moved(NamedEnd& end, const std::string& address) {
    if (address == end.current) return;
    const std::string target = address + ":" + end.port;
    Path& p = *end.path;
    Status st = p.tcp[end.index] ? p.tcp[end.index]->setTarget(target)
                                 : (p.udp ? p.udp->setPeer(end.index == 0, target) : Status::ok());
    if (!st) return;
    const std::string was = end.current;
    end.current = address;
    record(p, p.text(), p.text(), end.host + " moved from " + was + " to " + address);
  }

  v1::LabState lab_;
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> guard_;
  std::vector<std::unique_ptr<Path>> paths_;
  std::unique_ptr<grpc::Server> server_;
  std::vector<NamedEnd> named_;
  asio::steady_timer resolve_timer_{io_};
  asio::ip::udp::resolver resolver_{io_};
  std::deque<v1::Event> journal_;
  std::uint64_t last_seq_ = 0;
  std::set<PathEventStream*> subscribers_;
  bool stopping_ = false;
  const std::chrono::steady_clock::time_point mono0_ = std::chrono::steady_clock::now();
  friend class PathEventStream;

 public:
  grpc::Server* server() { return server_.get(); }
};

class PathEventStream final : public mgmt::EventStream {
 public:
  PathEventStream(Relayd& d, bool follow, std::uint32_t last) : mgmt::EventStream(d.io()), d_(d) {
    asio::post(d_.io(), [this, follow, last] {
      const auto& j = d_.journal();
      const std::size_t skip = last && j.size() > last ? j.size() - last : 0;
      for (std::size_t i = skip; i < j.size(); ++i) queue().push_back(j[i]);
      if (follow && !d_.stopping()) {
        d_.subscribe(this);
        writeNext();
      } else {
        drainThenFinish();
      }
    });
  }
  void onEvent(const v1::Event& e) { push(e); }

 private:
  void detach() override { d_.unsubscribe(this); }
  Relayd& d_;
};

grpc::ServerWriteReactor<v1::Event>* Relayd::PathEvents(grpc::CallbackServerContext*, const v1::EventsRequest* req) {
  return new PathEventStream(*this, req->follow(), req->last());
}

void Relayd::record(const Path& p, const std::string& from, const std::string& to, const std::string& reason) {
  const auto now = std::chrono::system_clock::now();
  v1::Event e;
  e.set_seq(++last_seq_);  // dense and increasing for the relay's life, also after old events fall off
  e.set_time(isoNow(now));
  e.set_mono_ms(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - mono0_).count());
  e.set_switch_(p.name);
  e.set_subject("path");
  e.set_from(from);
  e.set_to(to);
  e.set_reason(reason);
  e.add_reason_chain(reason);
  e.set_unix_us(std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count());
  journal_.push_back(e);
  if (journal_.size() > 4096) journal_.pop_front();
  const auto subs = subscribers_;
  for (auto* s : subs) s->onEvent(e);
}

void Relayd::stop() {
  stopping_ = true;
  const auto subs = subscribers_;
  for (auto* s : subs) s->finish(grpc::Status::OK);
  for (auto& p : paths_) p->flap_timer->cancel();
  resolve_timer_.cancel();
  resolver_.cancel();
}

}  // namespace

int relaydMain(const std::string& lab_dir) {
  // The lab's name is the directory's; lab.json says the rest.
  const auto slash = lab_dir.find_last_not_of('/');
  const std::string trimmed = lab_dir.substr(0, slash + 1);
  const std::string name = trimmed.substr(trimmed.rfind('/') + 1);
  std::ifstream probe(trimmed + "/lab.json");
  if (!probe) {
    std::cerr << "relayd: no lab.json in " << trimmed << "\n";
    return 2;
  }
  // Read it through the registry's reader by pointing VPCLAB_HOME at the lab's home.
  const std::string home = trimmed.substr(0, trimmed.rfind("/labs/"));
  ::setenv("VPCLAB_HOME", home.c_str(), 1);
  auto lab = readLab(name);
  if (!lab) {
    std::cerr << "relayd: " << lab.error().message << "\n";
    return 2;
  }
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);  // before any thread starts: only sigwait sees them

  Relayd d(*lab);
  if (auto err = d.start(); !err.empty()) {
    std::cerr << "relayd: " << err << "\n";
    return 1;
  }
  std::thread loop([&d] { d.run(); });
  { std::ofstream(trimmed + "/relayd.ready") << ::getpid() << "\n"; }
  std::cerr << "relayd: serving " << lab->control_socket() << "\n";
  int sig = 0;
  sigwait(&set, &sig);
  asio::post(d.io(), [&d] { d.stop(); });
  d.server()->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  d.io().stop();
  loop.join();
  return 0;
}

}  // namespace vpc::lab
