#include "bench/pair.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "bench/bench.h"
#include "labs/lab/registry.h"

namespace vpc::bench {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

bool waitFor(const std::function<bool()>& pred, double limit_ms, double poll_ms) {
  const double end = nowMs() + limit_ms;
  while (!pred()) {
    if (nowMs() > end) return false;
    std::this_thread::sleep_for(std::chrono::microseconds(static_cast<std::int64_t>(poll_ms * 1000)));
  }
  return true;
}

BenchLab::BenchLab(const std::string& name, double time_scale, const std::string& extra, bool start_switches, bool tls)
    : name_(name) {
  char tmpl[] = "/tmp/vpc-bench-XXXXXX";
  home_ = mkdtemp(tmpl);
  ::setenv("VPCLAB_HOME", home_.c_str(), 1);
  const std::string pair = sourceDir() + "/labs/topologies/pair/";
  std::ofstream(home_ + "/extra.cfg") << extra;
  std::ofstream(home_ + "/bench.yml") << "name: " << name << "\nnodes:\n"
                                      << "  leaf1: {config: [" << pair << "leaf1.cfg, extra.cfg]}\n"
                                      << "  leaf2: {config: [" << pair << "leaf2.cfg, extra.cfg]}\n";
  auto topo = lab::loadTopology(home_ + "/bench.yml");
  if (!topo) throw std::runtime_error(topo.error().message);
  lab::DeployOptions o;
  o.time_scale = time_scale;
  o.start_switches = start_switches;
  o.tls = tls;
  o.slot = 200 + static_cast<std::uint32_t>(::getpid() % 50);  // tests use 100+, hand-made labs 1+
  auto lab = lab::deploy(*topo, o);
  if (!lab) throw std::runtime_error(lab.error().message);
  lab_ = *lab;
}

BenchLab::~BenchLab() {
  std::string ignored;
  (void)lab::destroy(name_, &ignored);
  std::error_code ec;
  fs::remove_all(home_, ec);
}

v1::Management::Stub& BenchLab::mgmt(int i) {
  if (!stubs_[i]) stubs_[i] = lab::management(lab_.nodes(i));
  return *stubs_[i];
}

namespace {
template <class Reply, class Call>
bool call(Call c, Reply* r) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + 10s);
  return c(&ctx, r).ok();
}
}  // namespace

bool BenchLab::formed() {
  for (int i = 0; i < 2; ++i) {
    v1::ShowVpcReply r;
    if (!call([&](auto* ctx, auto* rr) { return mgmt(i).ShowVpc(ctx, {}, rr); }, &r)) return false;
    if (r.peer_status() != "peer adjacency formed ok") return false;
  }
  return true;
}

bool BenchLab::vpcsUp(int i) {
  v1::ShowVpcReply r;
  if (!call([&](auto* ctx, auto* rr) { return mgmt(i).ShowVpc(ctx, {}, rr); }, &r)) return false;
  for (const auto& v : r.vpcs())
    if (v.status() != "up") return false;
  return r.vpcs_size() > 0;
}

bool BenchLab::converged() {
  v1::ShowVpcSyncReply a, b;
  if (!call([&](auto* ctx, auto* rr) { return mgmt(0).ShowVpcSync(ctx, {}, rr); }, &a)) return false;
  if (!call([&](auto* ctx, auto* rr) { return mgmt(1).ShowVpcSync(ctx, {}, rr); }, &b)) return false;
  auto settled = [](const v1::ShowVpcSyncReply& v) {
    return v.session_state() == "established" && v.tx().pending_records() == 0 && v.tx().queued_records() == 0;
  };
  return settled(a) && settled(b) && a.logical_mac_digest() == b.logical_mac_digest() &&
         a.logical_macs() == b.logical_macs() && a.logical_arp_digest() == b.logical_arp_digest() &&
         a.logical_arps() == b.logical_arps();
}

std::vector<v1::Event> BenchLab::events(int i) {
  std::vector<v1::Event> out;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + 10s);
  auto reader = mgmt(i).Events(&ctx, {});
  v1::Event e;
  while (reader->Read(&e)) out.push_back(e);
  (void)reader->Finish();
  return out;
}

std::vector<v1::Event> BenchLab::pathEvents() {
  std::vector<v1::Event> out;
  auto stub = lab::pathControl(lab_);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + 10s);
  auto reader = stub->PathEvents(&ctx, {});
  v1::Event e;
  while (reader->Read(&e)) out.push_back(e);
  (void)reader->Finish();
  return out;
}

void BenchLab::learnMacs(int i, const std::string& first, std::uint32_t count, std::uint32_t vlan,
                         const std::string& iface) {
  v1::LearnMacRequest req;
  req.set_mac(first);
  req.set_count(count);
  req.set_vlan(vlan);
  req.set_interface(iface);
  v1::LearnReply r;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + 120s);
  const auto st = mgmt(i).LearnMac(&ctx, req, &r);
  if (!st.ok()) throw std::runtime_error("learn mac: " + st.error_message());
}

void BenchLab::learnArps(int i, const std::string& first_ip, std::uint32_t count, const std::string& mac,
                         std::uint32_t vlan) {
  v1::LearnArpRequest req;
  req.set_ip(first_ip);
  req.set_count(count);
  req.set_mac(mac);
  req.set_vlan(vlan);
  v1::LearnReply r;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + 120s);
  const auto st = mgmt(i).LearnArp(&ctx, req, &r);
  if (!st.ok()) throw std::runtime_error("learn arp: " + st.error_message());
}

}  // namespace vpc::bench
