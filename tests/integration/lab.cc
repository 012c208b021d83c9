#include "tests/integration/lab.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <future>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <grpcpp/grpcpp.h>

extern char** environ;

namespace vpc::itest {

using namespace std::chrono_literals;

bool eventually(const std::function<bool()>& pred, std::chrono::milliseconds limit, std::chrono::milliseconds poll) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (true) {
    if (pred()) return true;
    if (std::chrono::steady_clock::now() >= end) return pred();
    std::this_thread::sleep_for(poll);
  }
}

std::string binDir() { return VPC_BIN_DIR; }

std::string readFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// ---------------------------------------------------------------------------------------------------
Process::Process(std::vector<std::string> argv, const std::string& log_path) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  const int rc = posix_spawn(&pid_, args[0], &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) throw std::runtime_error("cannot start " + argv[0]);
}

Process::~Process() {
  if (running()) {
    ::kill(pid_, SIGKILL);
    wait(5s);
  }
}

bool Process::running() {
  if (status_) return false;
  int st = 0;
  const pid_t r = ::waitpid(pid_, &st, WNOHANG);
  if (r == pid_) {
    status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return false;
  }
  return true;
}

void Process::signal(int sig) {
  if (running()) ::kill(pid_, sig);
}

std::optional<int> Process::wait(std::chrono::milliseconds limit) {
  eventually([&] { return !running(); }, limit, 5ms);
  return status_;
}

CommandResult run(const std::vector<std::string>& argv, std::chrono::milliseconds limit) {
  char out_tmpl[] = "/tmp/vpc-itest-out-XXXXXX";
  char err_tmpl[] = "/tmp/vpc-itest-err-XXXXXX";
  const int out_fd = mkstemp(out_tmpl);
  const int err_fd = mkstemp(err_tmpl);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
  posix_spawn_file_actions_adddup2(&fa, err_fd, 2);
  std::vector<std::string> copy = argv;
  std::vector<char*> args;
  for (auto& a : copy) args.push_back(a.data());
  args.push_back(nullptr);
  pid_t pid = -1;
  CommandResult r;
  if (posix_spawn(&pid, args[0], &fa, nullptr, args.data(), environ) == 0) {
    const auto end = std::chrono::steady_clock::now() + limit;
    int st = 0;
    while (::waitpid(pid, &st, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > end) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, &st, 0);
        break;
      }
      std::this_thread::sleep_for(2ms);
    }
    r.exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  }
  posix_spawn_file_actions_destroy(&fa);
  close(out_fd);
  close(err_fd);
  r.out = readFile(out_tmpl);
  r.err = readFile(err_tmpl);
  std::remove(out_tmpl);
  std::remove(err_tmpl);
  return r;
}

// ---------------------------------------------------------------------------------------------------
struct Lab::Relays {
  boost::asio::io_context io;
  std::unique_ptr<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guard;
  std::unique_ptr<labs::TcpRelay> to_leaf2, to_leaf1;
  std::unique_ptr<labs::UdpRelay> keepalive;
  std::thread thread;
  ~Relays() {
    guard.reset();
    io.stop();
    if (thread.joinable()) thread.join();
  }
  template <class F>
  void run(F f) {
    std::promise<void> done;
    boost::asio::post(io, [&] {
      f();
      done.set_value();
    });
    done.get_future().wait();
  }
};

void Lab::useRelays() {
  relays_ = std::make_unique<Relays>();
  auto& r = *relays_;
  r.to_leaf2 = std::make_unique<labs::TcpRelay>(r.io, address(2) + ":7100", address(1) + ":7100");
  r.to_leaf1 = std::make_unique<labs::TcpRelay>(r.io, address(3) + ":7100", address(0) + ":7100");
  r.keepalive = std::make_unique<labs::UdpRelay>(r.io, address(4) + ":3200", address(0) + ":3200",
                                                 address(5) + ":3200", address(1) + ":3200");
  REQUIRE(r.to_leaf2->start());
  REQUIRE(r.to_leaf1->start());
  REQUIRE(r.keepalive->start());
  r.guard = std::make_unique<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>>(
      r.io.get_executor());
  r.thread = std::thread([&r] { r.io.run(); });
}

void Lab::peerLink(labs::PathMode mode) {
  REQUIRE(relays_);
  relays_->run([&] {
    relays_->to_leaf2->setMode(mode);
    relays_->to_leaf1->setMode(mode);
  });
}

void Lab::peerLinkImpairment(const labs::Impairment& impairment) {
  REQUIRE(relays_);
  relays_->run([&] {
    relays_->to_leaf2->setImpairment(impairment);
    relays_->to_leaf1->setImpairment(impairment);
  });
}

void Lab::keepalive(labs::PathMode mode) {
  REQUIRE(relays_);
  relays_->run([&] { relays_->keepalive->setMode(mode); });
}

Lab::Lab() {
  const auto pid = static_cast<unsigned>(::getpid());
  a_ = 100 + static_cast<int>((pid / 250) % 150);
  b_ = 1 + static_cast<int>(pid % 250);
  char tmpl[] = "/tmp/vpc-itest-XXXXXX";
  dir_ = mkdtemp(tmpl);
}

Lab::~Lab() {
  for (auto& p : procs_) p.reset();
  relays_.reset();
  if (std::getenv("VPC_KEEP_TEST_DIRS") == nullptr) std::filesystem::remove_all(dir_);
}

std::string Lab::address(int i) const {
  return "127." + std::to_string(a_) + "." + std::to_string(b_) + "." + std::to_string(i + 1);
}
std::string Lab::management(int i) const { return address(i) + ":9000"; }
std::string Lab::logPath(int i) const { return dir_ + "/leaf" + std::to_string(i + 1) + ".log"; }

std::string Lab::config(int i, const std::vector<std::pair<std::string, std::string>>& edits) const {
  std::string text = readFile(std::string(VPC_SOURCE_DIR) + "/labs/topologies/pair/leaf" + std::to_string(i + 1) + ".cfg");
  auto replaceAll = [&](const std::string& from, const std::string& to) {
    for (std::size_t pos = 0; (pos = text.find(from, pos)) != std::string::npos; pos += to.size())
      text.replace(pos, from.size(), to);
  };
  replaceAll("127.0.1.1", address(0));
  replaceAll("127.0.1.2", address(1));
  if (relays_) {
    // Each switch reaches the other through its relay: the peer-link dial and the keepalive.
    replaceAll("peer " + address(1 - i) + ":7100", "peer " + address(2 + i) + ":7100");
    replaceAll("destination " + address(1 - i), "destination " + address(4 + i));
  }
  // These tests want fast peer-link liveness (the sample's default is LACP's 1 s / 3 s): 100 ms / 300 ms,
  // or under a time scale a heartbeat scaled time can bear (500 ms / 1500 ms before scaling).
  if (const auto at = text.find("  peer-link listen "); at != std::string::npos) {
    const auto eol = text.find('\n', at);
    if (text.substr(at, eol - at).find(" heartbeat ") == std::string::npos)
      text.insert(eol, time_scale_ != 1.0 ? " heartbeat 500 timeout 1500" : " heartbeat 100 timeout 300");
  }
  for (const auto& [from, to] : edits) replaceAll(from, to);
  return text;
}

std::string Lab::writeConfig(int i, const std::string& text, const std::string& name) const {
  const std::string path = dir_ + "/" + (name.empty() ? "leaf" + std::to_string(i + 1) + ".cfg" : name);
  std::ofstream(path) << text;
  return path;
}

void Lab::start(int i, const std::vector<std::pair<std::string, std::string>>& edits) {
  startFrom(i, writeConfig(i, config(i, edits)));
}

void Lab::startFrom(int i, const std::string& config_path) {
  std::vector<std::string> argv{binDir() + "/vpcd", "--config", config_path, "--log-level", "info"};
  if (time_scale_ != 1.0) {
    argv.push_back("--time-scale");
    argv.push_back(std::to_string(time_scale_));
  }
  argv.insert(argv.end(), extra_args_[i].begin(), extra_args_[i].end());
  procs_[i] = std::make_unique<Process>(argv, logPath(i));
  ++restarts_[i];
}

void Lab::kill(int i, int sig) {
  if (procs_[i]) procs_[i]->signal(sig);
}

std::optional<int> Lab::wait(int i, std::chrono::milliseconds limit) {
  return procs_[i] ? procs_[i]->wait(limit) : std::nullopt;
}

bool Lab::running(int i) { return procs_[i] && procs_[i]->running(); }

v1::Management::Stub& Lab::mgmt(int i) {
  if (!stubs_[i]) {
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(-1);
    args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 50);
    args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 50);
    args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 200);
    stubs_[i] = v1::Management::NewStub(
        grpc::CreateCustomChannel(management(i), grpc::InsecureChannelCredentials(), args));
  }
  return *stubs_[i];
}

CommandResult Lab::vpcctl(int i, const std::vector<std::string>& words) {
  std::vector<std::string> argv{binDir() + "/vpcctl", "-s", management(i)};
  argv.insert(argv.end(), words.begin(), words.end());
  return run(argv);
}

namespace {
std::unique_ptr<grpc::ClientContext> ctx() {
  auto c = std::make_unique<grpc::ClientContext>();
  c->set_deadline(std::chrono::system_clock::now() + 10s);
  c->set_wait_for_ready(true);  // a switch that is still starting answers a moment later
  return c;
}
}  // namespace

v1::ShowVpcReply Lab::showVpc(int i) {
  v1::ShowVpcReply r;
  const auto st = mgmt(i).ShowVpc(ctx().get(), {}, &r);
  if (!st.ok()) FAIL("show vpc on leaf" << i + 1 << ": " << st.error_message());
  return r;
}

v1::ShowVpcSyncReply Lab::showSync(int i) {
  v1::ShowVpcSyncReply r;
  const auto st = mgmt(i).ShowVpcSync(ctx().get(), {}, &r);
  if (!st.ok()) FAIL("show vpc sync on leaf" << i + 1 << ": " << st.error_message());
  return r;
}

std::uint64_t Lab::macCount(int i, const std::string& interface) {
  v1::ShowMacRequest req;
  req.set_count_only(true);
  req.set_interface(interface);
  v1::ShowMacReply r;
  const auto st = mgmt(i).ShowMacAddressTable(ctx().get(), req, &r);
  if (!st.ok()) FAIL("show mac on leaf" << i + 1 << ": " << st.error_message());
  return r.total();
}

v1::LearnReply Lab::learnMac(int i, const std::string& mac, std::uint32_t count, std::uint32_t vlan,
                             const std::string& interface) {
  v1::LearnMacRequest req;
  req.set_mac(mac);
  req.set_count(count);
  req.set_vlan(vlan);
  req.set_interface(interface);
  v1::LearnReply r;
  const auto st = mgmt(i).LearnMac(ctx().get(), req, &r);
  if (!st.ok()) FAIL("learn mac on leaf" << i + 1 << ": " << st.error_message());
  return r;
}

std::uint64_t Lab::clearMac(int i) {
  v1::ClearReply r;
  const auto st = mgmt(i).ClearMacAddressTable(ctx().get(), {}, &r);
  if (!st.ok()) FAIL("clear mac on leaf" << i + 1 << ": " << st.error_message());
  return r.removed();
}

bool Lab::adjacent() {
  return showVpc(0).peer_status() == "peer adjacency formed ok" && showVpc(1).peer_status() == "peer adjacency formed ok";
}

bool Lab::converged() {
  const auto a = showSync(0);
  const auto b = showSync(1);
  return a.session_state() == "established" && b.session_state() == "established" &&
         a.tx().pending_records() == 0 && a.tx().queued_records() == 0 && b.tx().pending_records() == 0 &&
         b.tx().queued_records() == 0 && a.logical_mac_digest() == b.logical_mac_digest() &&
         a.logical_macs() == b.logical_macs() && a.logical_arp_digest() == b.logical_arp_digest() &&
         a.logical_arps() == b.logical_arps();
}

}  // namespace vpc::itest
