#include "labs/lab/serve.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <openssl/crypto.h>

#include "labs/core/host_plan.h"
#include "labs/core/timeline.h"
#include "labs/lab/events.h"
#include "labs/lab/files.h"
#include "labs/lab/graph.h"
#include "labs/lab/lab.h"
#include "labs/lab/ovs_control.h"
#include "labs/lab/process.h"
#include "labs/lab/registry.h"
#include "labs/lab/serve_page.h"
#include "labs/lab/traffic.h"
#include "switch/cli/management_backend.h"
#include "switch/cli/shell.h"
#include "switch/daemon/tcp_acceptor.h"
#include "switch/mgmt/text.h"

namespace vpc::lab {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;
using namespace std::chrono_literals;

std::string urlDecode(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string queryValue(const std::string& query, const std::string& key) {
  std::size_t at = 0;
  while (at <= query.size()) {
    const auto amp = query.find('&', at);
    const std::string pair = query.substr(at, amp == std::string::npos ? std::string::npos : amp - at);
    const auto eq = pair.find('=');
    if (pair.substr(0, eq) == key) return eq == std::string::npos ? "" : urlDecode(pair.substr(eq + 1));
    if (amp == std::string::npos) break;
    at = amp + 1;
  }
  return "";
}

namespace {

std::atomic<bool> g_stop{false};

constexpr std::size_t kMaxConnections = 128;  // a class: a WebSocket per page, a few requests
constexpr std::size_t kMaxBacklog = 20000;  // messages a newly opened page gets replayed
constexpr std::size_t kMaxBody = 64 * 1024;
constexpr std::size_t kMaxFlows = 4;

std::int64_t nowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// JSON text for a page; a string that is not UTF-8 (a relay's or a switch's text gone wrong) is
// repaired with U+FFFD instead of failing the whole message.
std::string dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

bool sameToken(const std::string& given, const std::string& token) {
  return !token.empty() && given.size() == token.size() &&
         CRYPTO_memcmp(given.data(), token.data(), token.size()) == 0;
}

// What every open page is told, in order: events, drill output, resets (a new lab of this name). A page
// that opens later gets the backlog since the last reset; the latest state goes out on its own.
class Hub {
 public:
  void publish(std::string msg) {
    {
      std::lock_guard lock(mu_);
      log_.emplace_back(++seq_, std::move(msg));
      if (log_.size() > kMaxBacklog) log_.pop_front();
    }
    cv_.notify_all();
  }
  void reset(std::string msg) {
    {
      std::lock_guard lock(mu_);
      log_.clear();
      log_.emplace_back(++seq_, std::move(msg));
    }
    cv_.notify_all();
  }
  void setState(std::string state) {
    {
      std::lock_guard lock(mu_);
      if (state == state_) return;
      state_ = std::move(state);
      ++state_version_;
    }
    cv_.notify_all();
  }
  std::string state() {
    std::lock_guard lock(mu_);
    return state_;
  }
  void wakeAll() { cv_.notify_all(); }

  // What a page has not seen yet: waits up to `wait` for something. `next` is the first message
  // sequence number it lacks; `version` the state it has.
  struct Batch {
    std::vector<std::string> messages;
  };
  Batch next(std::uint64_t& next_seq, std::uint64_t& version, std::chrono::milliseconds wait) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, wait, [&] {
      return g_stop || state_version_ != version || (!log_.empty() && log_.back().first >= next_seq);
    });
    Batch b;
    if (!log_.empty() && log_.front().first > next_seq && next_seq != 0) {
      // Fell behind the backlog's end (a very slow page): it starts over from what is kept.
      b.messages.push_back(R"({"type":"reset","why":"the page fell behind"})");
    }
    for (const auto& [seq, msg] : log_)
      if (seq >= next_seq) b.messages.push_back(msg);
    if (!log_.empty()) next_seq = log_.back().first + 1;
    if (state_version_ != version && !state_.empty()) {
      b.messages.push_back(state_);
      version = state_version_;
    }
    return b;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::pair<std::uint64_t, std::string>> log_;
  std::uint64_t seq_ = 0;
  std::string state_;
  std::uint64_t state_version_ = 0;
};

// Follows the lab: its event streams (again for a restarted switch, anew for a lab deployed again
// under the name), its state every 250 ms (published when it changed), the hosts' bond legs, and the
// output of a drill the page started.
class Watcher {
 public:
  Watcher(const ServeOptions& o, Hub& hub) : o_(o), hub_(hub) {}

  void run() {
    while (!g_stop) {
      tick();
      std::this_thread::sleep_for(250ms);
    }
    stopFollowing();
    stopDrill();
    flows_cv_.notify_all();  // running flows stop now and report
    flows_.joinAll();
  }

  // The drill the page started (at most one at a time).
  std::string startDrill(const std::string& file, bool step) {
    std::lock_guard lock(drill_mu_);
    if (drill_pid_ > 0 && processAlive(drill_pid_)) return "a drill is running already";
    if (readLab(o_.lab)) return "lab '" + o_.lab + "' is deployed: a drill runs in a lab of its own (destroy it first)";
    const std::string out = labsHome() + "/serve-" + o_.lab + ".out";
    std::error_code ec;
    fs::remove(out, ec);
    std::vector<std::string> argv = {selfDir() + "/vpclab", "run", file, "--name", o_.lab, "--out", o_.out_dir};
    if (step) argv.push_back("--step-from-page");
    std::string error;
    const pid_t pid = spawnDetached(argv, out, &error);
    if (pid < 0) return error;
    drill_pid_ = pid;
    drill_out_ = out;
    drill_offset_ = 0;
    drill_partial_.clear();
    Json j = {{"type", "drill"}, {"line", "$ vpclab run " + file + " --name " + o_.lab + (step ? " --step" : "")}};
    hub_.publish(dump(j));
    return "";
  }
  std::string stopDrill() {
    std::lock_guard lock(drill_mu_);
    if (drill_pid_ <= 0 || !processAlive(drill_pid_)) return "no drill started from this page is running";
    ::kill(drill_pid_, SIGINT);  // the runner stops at its next step and cleans up
    return "";
  }
  // A traffic flow between two hosts of the lab, for `seconds`; its report goes to every page when it
  // ends (the flow's ends run inside the hosts' namespaces, as `vpclab traffic` runs them).
  std::string startFlow(const std::string& from, const std::string& to, std::uint32_t rate, double seconds) {
    auto lab = readLab(o_.lab);
    if (!lab) return "lab '" + o_.lab + "' is not deployed";
    std::lock_guard lock(flows_mu_);
    if (flows_.running() >= kMaxFlows) return "four flows run already";
    const std::string name = fmt::format("{}->{} #{}", from, to, ++flow_count_);
    auto flow = Flow::start(*lab, name, from, to, rate, 0);  // until stopped: serve may end it early
    if (!flow) return flow.error().message;
    Json j = {{"type", "flow"}, {"flow", {{"name", name}, {"from", from}, {"to", to}, {"rate_pps", rate},
                                          {"duration_s", seconds}, {"state", "running"}}}};
    hub_.publish(dump(j));
    flows_.spawn(kMaxFlows, [this, name, from, to, seconds, f = std::shared_ptr<Flow>(std::move(*flow))] {
      {
        std::unique_lock wait(flows_mu_);
        flows_cv_.wait_for(wait, std::chrono::duration<double>(seconds), [] { return g_stop.load(); });
      }
      auto r = f->stop();
      Json out = {{"name", name}, {"from", from}, {"to", to}, {"state", r ? "done" : "failed"}};
      if (r) {
        v1::FlowReport shown = *r;
        shown.set_name(name);
        out["report"] = Json::parse(mgmt::toJson(shown, false));
        out["text"] = renderFlow(shown);
      } else {
        out["error"] = r.error().message;
      }
      hub_.publish(dump(Json({{"type", "flow"}, {"flow", out}})));
    });
    return "";
  }

  std::string next() {
    auto lab = readLab(o_.lab);
    if (!lab) return "lab '" + o_.lab + "' is not deployed";
    std::error_code ec;
    if (!fs::exists(fs::path(lab->dir()) / "step.json", ec)) return "no drill step is waiting";
    std::ofstream(fs::path(lab->dir()) / "step.next") << "next\n";
    return "";
  }

 private:
  void tick() {
    auto lab = readLab(o_.lab);
    const std::string generation = lab ? lab->name() + "@" + lab->created() : "";
    if (generation != generation_) {
      stopFollowing();
      generation_ = generation;
      if (lab) {
        Json j = {{"type", "reset"}, {"why", "lab '" + o_.lab + "' deployed (" + lab->created() + ")"}};
        hub_.reset(dump(j));
        collector_ = std::make_unique<EventCollector>([this](const v1::Event& e) { onEvent(e); });
        collector_->followPaths(*lab);
      }
    }
    if (lab && collector_)
      for (const auto& n : lab->nodes())
        if (n.pid() > 0 && followed_pids_[n.name()] != n.pid() && processAlive(n.pid())) {
          followed_pids_[n.name()] = n.pid();
          collector_->followNode(n);
        }
    pumpDrillOutput();
    Json state = {{"type", "state"}, {"lab", o_.lab}, {"deployed", lab.has_value()}};
    if (lab) {
      state["time_scale"] = lab->time_scale();
      state["created"] = lab->created();
      auto live = inspect(*lab);
      if (live) {
        v1::InspectReply shown = *live;
        for (auto& p : *shown.mutable_paths()) p.clear_counters();  // they tick with every keepalive
        state["inspect"] = Json::parse(mgmt::toJson(shown, false));
      }
      state["graph"] = graphSvg(*lab, live ? &*live : nullptr);
      state["bonds"] = bonds(*lab);
      Json hosts = Json::array();
      for (const auto& h : lab->hosts())
        hosts.push_back({{"name", h.name()}, {"vlan", h.vlan()}, {"address", h.address()}, {"bonded", h.bonded()}});
      state["hosts"] = hosts;
      state["timeline"] = timelineSvg(*lab);
      bool ok = false;
      const auto pause = readWholeFile((fs::path(lab->dir()) / "step.json").string(), &ok);
      if (ok && !pause.empty()) {
        try {
          state["step"] = Json::parse(pause);
        } catch (const Json::exception&) {  // half written: the next tick has it
        }
      }
    }
    {
      std::lock_guard lock(drill_mu_);
      state["drill_running"] = drill_pid_ > 0 && processAlive(drill_pid_);
    }
    hub_.setState(dump(state));
  }

  void onEvent(const v1::Event& e) {  // on a collector thread, serialised
    {
      std::lock_guard lock(events_mu_);
      // The streams replay their history (again after a restart): skip what was passed on already.
      auto& last = last_[e.switch_()];
      const std::pair<std::int64_t, std::uint64_t> at{e.unix_us(), e.seq()};
      if (at <= last) return;
      last = at;
      events_.push_back(timelineEvent(e));
      dirty_ = true;
    }
    Json j = {{"type", "event"}, {"event", Json::parse(mgmt::toJson(e, false))}};
    hub_.publish(dump(j));
  }

  std::string timelineSvg(const v1::LabState& lab) {
    std::lock_guard lock(events_mu_);
    if (!dirty_ && !timeline_.empty()) return timeline_;
    dirty_ = false;
    Timeline t;
    t.title = "Lab " + lab.name() + " (live)";
    t.subtitle = fmt::format("time scale {} - {} events - NX-OS time from the first", lab.time_scale(), events_.size());
    for (const auto& n : lab.nodes()) t.switches.push_back(n.name());
    for (const auto& p : lab.paths()) t.paths.push_back(p.name());
    t.events = events_;
    t.t0_us = events_.empty() ? nowUs() : std::min_element(events_.begin(), events_.end(), [](auto& a, auto& b) {
                                                return a.us < b.us;
                                              })->us;
    t.time_scale = lab.time_scale() > 0 ? lab.time_scale() : 1.0;
    timeline_ = renderSvg(t);
    return timeline_;
  }

  Json bonds(const v1::LabState& lab) {
    Json out = Json::array();
    bool any = false;
    for (const auto& h : lab.hosts()) any = any || h.bonded();
    if (!any) return out;
    if (!ovs_) ovs_ = std::make_unique<OvsControl>(ovsControlOf(lab.dir()));
    const auto shown = ovs_->call("bond/show");
    const auto lacp = shown ? ovs_->call("lacp/show") : std::nullopt;
    const auto legs = shown && lacp ? parseBondLegs(*shown, *lacp) : std::map<std::string, BondLeg>{};
    for (int i = 0; i < lab.hosts_size(); ++i) {
      const auto& h = lab.hosts(i);
      if (!h.bonded()) continue;
      for (int k = 0; k < h.links_size(); ++k) {
        const auto it = legs.find(legOf(lab.slot(), static_cast<std::size_t>(i), static_cast<std::size_t>(k)));
        out.push_back({{"host", h.name()},
                       {"switch", h.links(k).substr(0, h.links(k).find(':'))},
                       {"link", h.links(k)},
                       {"state", it == legs.end() ? "absent" : it->second.enabled ? "enabled" : "disabled"},
                       {"lacp", it == legs.end() ? "" : it->second.lacp}});
      }
    }
    return out;
  }

  void pumpDrillOutput() {
    std::lock_guard lock(drill_mu_);
    if (drill_out_.empty()) return;
    std::ifstream in(drill_out_, std::ios::binary);
    if (!in) return;
    in.seekg(static_cast<std::streamoff>(drill_offset_));
    std::string chunk((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    drill_offset_ += chunk.size();
    drill_partial_ += chunk;
    std::size_t nl;
    while ((nl = drill_partial_.find('\n')) != std::string::npos) {
      Json j = {{"type", "drill"}, {"line", drill_partial_.substr(0, nl)}};
      hub_.publish(dump(j));
      drill_partial_.erase(0, nl + 1);
    }
    if (drill_pid_ > 0 && ::waitpid(drill_pid_, nullptr, WNOHANG) == drill_pid_) {
      if (!drill_partial_.empty()) {
        Json j = {{"type", "drill"}, {"line", drill_partial_}};
        hub_.publish(dump(j));
        drill_partial_.clear();
      }
      hub_.publish(dump(Json({{"type", "drill"}, {"line", "(the drill run ended)"}, {"ended", true}})));
      drill_pid_ = 0;
      drill_out_.clear();
    }
  }

  void stopFollowing() {
    if (collector_) collector_->stop();
    collector_.reset();
    followed_pids_.clear();
    ovs_.reset();
    std::lock_guard lock(events_mu_);
    events_.clear();
    last_.clear();
    timeline_.clear();
    dirty_ = true;
  }

  const ServeOptions& o_;
  Hub& hub_;
  std::mutex flows_mu_;
  std::condition_variable flows_cv_;
  daemon::WorkerThreads flows_;  // each flow's thread: waits its duration, stops the flow, reports
  int flow_count_ = 0;
  std::string generation_;
  std::unique_ptr<EventCollector> collector_;
  std::map<std::string, int> followed_pids_;
  std::unique_ptr<OvsControl> ovs_;
  std::mutex events_mu_;
  std::vector<TimelineEvent> events_;
  std::map<std::string, std::pair<std::int64_t, std::uint64_t>> last_;
  std::string timeline_;
  bool dirty_ = true;
  std::mutex drill_mu_;
  pid_t drill_pid_ = 0;
  std::string drill_out_;
  std::size_t drill_offset_ = 0;
  std::string drill_partial_;
};

// The drills a page may start: *.yml of the catalog folder, with their titles.
Json drillCatalog(const std::string& dir) {
  Json out = Json::array();
  std::error_code ec;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().extension() == ".yml") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    auto d = loadDrill(f.string());
    if (!d) continue;
    out.push_back({{"file", f.filename().string()}, {"name", d->drill.name}, {"title", d->drill.title}});
  }
  return out;
}

class Server {
 public:
  Server(const ServeOptions& o, Hub& hub, Watcher& watcher) : o_(o), hub_(hub), watcher_(watcher) {}

  std::string listen() { return acceptor_.listen(o_.address, static_cast<std::uint16_t>(o_.port)); }
  int port() const { return acceptor_.port(); }

  // Serves until SIGINT or SIGTERM; then wakes the pages' threads and joins every connection.
  void run() {
    acceptor_.start(kMaxConnections, [this](int fd) { serve(fd); });
    while (!g_stop) std::this_thread::sleep_for(200ms);
    hub_.wakeAll();
    acceptor_.stop();
  }

 private:
  using Request = http::request<http::string_body>;
  using Response = http::response<http::string_body>;

  void serve(int fd) {
    timeval tv{30, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    timeval snd{10, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &snd, sizeof snd);
    asio::io_context io;
    asio::ip::tcp::socket sock(io);
    beast::error_code ec;
    sock.assign(asio::ip::tcp::v4(), ::dup(fd), ec);
    if (ec) return;
    beast::flat_buffer buffer;
    while (!g_stop) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(kMaxBody);
      http::read(sock, buffer, parser, ec);
      if (ec) break;
      Request req = parser.release();
      if (websocket::is_upgrade(req)) {
        webSocket(std::move(sock), req);
        return;
      }
      Response res = handle(req);
      res.version(req.version());
      res.keep_alive(req.keep_alive());
      res.set(http::field::server, "vpclab serve");
      res.set(http::field::cache_control, "no-store");
      res.prepare_payload();
      http::write(sock, res, ec);
      if (ec || !res.keep_alive()) break;
    }
    sock.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    sock.close(ec);
  }

  bool instructor(const Request& req, const std::string& query) const {
    const std::string header(req["X-Vpclab-Token"]);
    return sameToken(header.empty() ? queryValue(query, "token") : header, o_.token);
  }

  static Response reply(http::status status, const std::string& type, std::string body) {
    Response r;
    r.result(status);
    r.set(http::field::content_type, type);
    r.body() = std::move(body);
    return r;
  }
  static Response text(http::status status, std::string body) {
    return reply(status, "text/plain; charset=utf-8", std::move(body) + "\n");
  }

  Response handle(const Request& req) {
    const std::string target(req.target());
    const auto q = target.find('?');
    const std::string path = target.substr(0, q);
    const std::string query = q == std::string::npos ? "" : target.substr(q + 1);
    const bool get = req.method() == http::verb::get, post = req.method() == http::verb::post;
    if (get && (path == "/" || path == "/index.html")) return reply(http::status::ok, "text/html; charset=utf-8", kServePage);
    if (get && path == "/api/state") {
      auto s = hub_.state();
      return reply(http::status::ok, "application/json", s.empty() ? "{}" : s);
    }
    if (get && path == "/api/hello") return reply(http::status::ok, "application/json", hello(instructor(req, query)));
    if (get && path == "/api/show") return show(queryValue(query, "node"), queryValue(query, "cmd"));
    if (post && path.rfind("/api/", 0) == 0) {
      if (o_.token.empty())
        return text(http::status::forbidden, "read-only: this page was served without an instructor token");
      if (!instructor(req, query)) return text(http::status::forbidden, "the instructor token is missing or wrong");
      if (path == "/api/fault") return fault(req.body());
      if (path == "/api/next") return outcome(watcher_.next(), "next step");
      if (path == "/api/stop") return outcome(watcher_.stopDrill(), "stopping the drill");
      if (path == "/api/run") return run(req.body());
      if (path == "/api/traffic") return traffic(req.body());
    }
    if (!get && !post) return text(http::status::method_not_allowed, "GET or POST");
    return text(http::status::not_found, "not here: see / for the page");
  }

  static Response outcome(const std::string& error, const std::string& ok) {
    return error.empty() ? text(http::status::ok, ok) : text(http::status::conflict, error);
  }

  std::string hello(bool is_instructor) const {
    Json j = {{"type", "hello"}, {"lab", o_.lab}, {"instructor", is_instructor},
              {"read_only", o_.token.empty() || !is_instructor}};
    if (is_instructor) j["drills"] = drillCatalog(o_.drills_dir);
    return dump(j);
  }

  Response show(const std::string& node, const std::string& command) {
    auto lab = readLab(o_.lab);
    if (!lab) return text(http::status::not_found, "lab '" + o_.lab + "' is not deployed");
    const v1::LabNode* n = findNode(*lab, node);
    if (!n) return text(http::status::not_found, "lab '" + o_.lab + "' has no switch '" + node + "'");
    if (command.size() > 512) return text(http::status::bad_request, "a command of at most 512 characters");
    if (command.rfind("show", 0) != 0 && command.rfind("sh ", 0) != 0)
      return text(http::status::bad_request, "the page runs show commands only");
    cli::ManagementClient client;
    client.address = n->management();
    client.timeout_s = 5;
    client.stub = management(*n);
    cli::ManagementBackend backend(client);
    cli::Shell shell(node, backend, UserRole::NetworkOperator);  // reads only, whatever is typed
    auto r = shell.handle(command, false);
    return text(r.exit_code == 0 ? http::status::ok : http::status::unprocessable_entity, r.out + r.err);
  }

  Response fault(const std::string& body) {
    const auto words = splitWords(body);
    const auto f = parseFault(words);
    if (auto* e = std::get_if<std::string>(&f)) return text(http::status::bad_request, *e);
    auto lab = readLab(o_.lab);
    if (!lab) return text(http::status::conflict, "lab '" + o_.lab + "' is not deployed");
    const auto& fault = std::get<Fault>(f);
    if (auto st = applyFault(*lab, fault, lab->time_scale() > 0 ? lab->time_scale() : 1.0,
                             "vpclab serve: " + fault.text());
        !st)
      return text(http::status::conflict, st.error().message);
    return text(http::status::ok, "lab '" + o_.lab + "': " + fault.text());
  }

  Response run(const std::string& body) {
    Json j;
    try {
      j = Json::parse(body);
    } catch (const Json::exception&) {
      return text(http::status::bad_request, R"(a JSON body: {"drill": "peer-link-failure.yml", "step": true})");
    }
    if (!j.is_object() || !j.contains("drill") || !j["drill"].is_string())
      return text(http::status::bad_request, "\"drill\": the file name of a drill of the catalog");
    const std::string file = j["drill"].get<std::string>();
    // Only the catalog's own files: a name, no path.
    if (file.find('/') != std::string::npos || file.size() < 5 || file.substr(file.size() - 4) != ".yml")
      return text(http::status::bad_request, "'" + file + "' is not a drill file of " + o_.drills_dir);
    const std::string path = o_.drills_dir + "/" + file;
    std::error_code ec;
    if (!fs::exists(path, ec)) return text(http::status::not_found, "no drill " + path);
    const bool step = j.value("step", false);
    return outcome(watcher_.startDrill(fs::absolute(path, ec).string(), step), "started " + file);
  }

  Response traffic(const std::string& body) {
    Json j;
    try {
      j = Json::parse(body);
    } catch (const Json::exception&) {
      j = nullptr;
    }
    if (!j.is_object() || !j.contains("from") || !j["from"].is_string() || !j.contains("to") || !j["to"].is_string())
      return text(http::status::bad_request, R"(a JSON body: {"from": "server1", "to": "storage1", "rate": 1000, "seconds": 10})");
    const auto rate = j.value("rate", 1000.0), seconds = j.value("seconds", 10.0);
    if (!(rate >= 1 && rate <= 100000)) return text(http::status::bad_request, "rate: 1 to 100000 datagrams a second");
    if (!(seconds > 0 && seconds <= 600)) return text(http::status::bad_request, "seconds: more than 0, at most 600");
    return outcome(watcher_.startFlow(j["from"].get<std::string>(), j["to"].get<std::string>(),
                                      static_cast<std::uint32_t>(rate), seconds),
                   "flow started");
  }

  void webSocket(asio::ip::tcp::socket sock, const Request& req) {
    const std::string target(req.target());
    const auto q = target.find('?');
    const bool is_instructor = instructor(req, q == std::string::npos ? "" : target.substr(q + 1));
    websocket::stream<asio::ip::tcp::socket> ws(std::move(sock));
    beast::error_code ec;
    ws.accept(req, ec);
    if (ec) return;
    ws.text(true);
    ws.write(asio::buffer(hello(is_instructor)), ec);
    std::uint64_t next_seq = 0, version = 0;
    while (!g_stop && !ec) {
      auto batch = hub_.next(next_seq, version, 5s);
      if (batch.messages.empty()) {
        ws.ping({}, ec);  // an idle page: is it still there?
        continue;
      }
      for (const auto& m : batch.messages) {
        ws.write(asio::buffer(m), ec);
        if (ec) break;
      }
    }
    if (!ec) ws.close(websocket::close_code::going_away, ec);
  }

  const ServeOptions& o_;
  Hub& hub_;
  Watcher& watcher_;
  daemon::TcpAcceptor acceptor_;
};

}  // namespace

int serveLab(const ServeOptions& options) {
  if (!validLabName(options.lab)) {
    std::cerr << "vpclab serve: '" << options.lab << "' is not a lab name\n";
    return 2;
  }
  Hub hub;
  Watcher watcher(options, hub);
  Server server(options, hub, watcher);
  if (auto why = server.listen(); !why.empty()) {
    std::cerr << "vpclab serve: " << why << "\n";
    return 3;
  }
  std::signal(SIGINT, [](int) { g_stop = true; });
  std::signal(SIGTERM, [](int) { g_stop = true; });
  std::signal(SIGPIPE, SIG_IGN);
  // On every address: name the machine, as students will type it.
  std::string host = options.address;
  if (host == "0.0.0.0") {
    char name[256] = {};
    host = ::gethostname(name, sizeof name - 1) == 0 && name[0] ? name : "THIS-MACHINE";
  }
  const std::string url = fmt::format("http://{}:{}/", host, server.port());
  std::cout << "serving lab '" << options.lab << "' at " << url << "  (read-only: watch and run show commands)\n";
  if (!options.token.empty())
    std::cout << "instructor page (faults, drills, Next): " << url << "?token=" << options.token << "\n";
  if (!readLab(options.lab))
    std::cout << "lab '" << options.lab << "' is not deployed yet: the page shows it once it is (vpclab deploy "
              << "TOPOLOGY --name " << options.lab << ", or a drill run from the instructor page)\n";
  std::cout << "Ctrl-C stops serving (the lab stays)." << std::endl;
  std::thread watch([&] { watcher.run(); });
  server.run();
  watch.join();
  std::cout << "stopped serving lab '" << options.lab << "'\n";
  return 0;
}

}  // namespace vpc::lab
