// The commands that change a switch: learn mac, learn arp, clear mac address-table dynamic, clear ip
// arp, vpc role preempt (RPCs LearnMac, LearnArp, ClearMacAddressTable, ClearIpArp, RolePreempt), and
// the Configure RPC behind vpcctl's `configure` and the session's configuration mode.
//
// A learn of up to a million entries goes in slices (kSlice entries each, the switch's other work in
// between), so it never holds the switch's thread long enough to miss a peer-link heartbeat.
#include <memory>
#include <optional>
#include <string>

#include "switch/mgmt/commands.h"

namespace vpc::mgmt {

namespace {

constexpr std::uint32_t kMaxLearnCount = 1000000;
constexpr std::uint32_t kSlice = 16384;

// One learn command in slices: `learn(first_offset, count)` learns a part; the first part checks the
// command (a bad one is refused whole, nothing learned).
struct SlicedLearn {
  std::uint32_t total = 0;
  std::uint32_t done = 0;
  LearnResult result;
  std::optional<Error> error;
};

template <class Cmd>
void learnSliced(Backend& sw, Cmd cmd, v1::LearnReply* reply, const Done& done,
                 Result<LearnResult> (SwitchNode::*learn)(const Cmd&, TimePoint, Effects&)) {
  auto job = std::make_shared<SlicedLearn>();
  job->total = cmd.count;
  sw.sliced(
      [&sw, job, cmd, learn](bool abandon) mutable {
        if (abandon) return true;
        Cmd part = cmd;
        part.count = std::min(kSlice, job->total - job->done);
        part.mac.value += job->done;
        if constexpr (std::is_same_v<Cmd, LearnArpCmd>) part.ip.value += job->done;
        sw.command([&](SwitchNode& n, TimePoint now, Effects& out) {
          auto r = (n.*learn)(part, now, out);
          if (!r) {
            job->error = r.error();
            return;
          }
          job->result.changed += r->changed;
          job->result.unchanged += r->unchanged;
        });
        if (job->error) return true;
        job->done += part.count;
        return job->done >= job->total;
      },
      [job, reply, done](bool complete) {
        if (!complete)
          return done(grpc::Status(grpc::StatusCode::UNAVAILABLE, "the switch is shutting down (" +
                                                                      std::to_string(job->done) + " of " +
                                                                      std::to_string(job->total) + " learned)"));
        if (job->error) {
          Error e = *job->error;
          if (job->done > 0)
            e.message += " (" + std::to_string(job->done) + " of " + std::to_string(job->total) + " learned before)";
          return fail(done, e);
        }
        reply->set_changed(job->result.changed);
        reply->set_unchanged(job->result.unchanged);
        ok(done);
      });
}

// What LearnMac and LearnArp requests share: the (first) MAC, the VLAN and the count. The error names
// the field, or nothing when all three are good.
template <class Request, class Cmd>
std::optional<std::string> parseLearn(const Request& req, Cmd& cmd) {
  auto m = MacAddress::parse(req.mac());
  if (!m) return "field 'mac': not a MAC address (such as 0050.56aa.0001)";
  cmd.mac = *m;
  if (req.vlan() < kMinVlan || req.vlan() > kMaxVlan)
    return "vlan " + std::to_string(req.vlan()) + " out of range 1-4094";
  cmd.vlan = static_cast<std::uint16_t>(req.vlan());
  cmd.count = req.count() == 0 ? 1 : req.count();
  if (cmd.count > kMaxLearnCount) return "count " + std::to_string(cmd.count) + " out of range 1-1000000";
  return std::nullopt;
}

void learnMac(Backend& sw, const v1::LearnMacRequest& req, v1::LearnReply* reply, const Done& done) {
  LearnMacCmd cmd;
  if (auto bad = parseLearn(req, cmd)) return invalid(done, *bad);
  auto i = InterfaceId::parse(req.interface());
  if (!i) return invalid(done, "field 'interface': not an interface name (such as Ethernet1/5, port-channel10)");
  cmd.iface = *i;
  cmd.is_static = req.is_static();
  learnSliced(sw, cmd, reply, done, &SwitchNode::learnMac);
}

void learnArp(Backend& sw, const v1::LearnArpRequest& req, v1::LearnReply* reply, const Done& done) {
  LearnArpCmd cmd;
  auto ip = Ipv4::parse(req.ip());
  if (!ip) return invalid(done, "field 'ip': not an IPv4 address");
  cmd.ip = *ip;
  if (auto bad = parseLearn(req, cmd)) return invalid(done, *bad);
  learnSliced(sw, cmd, reply, done, &SwitchNode::learnArp);
}

v1::LearnMacRequest learnMacRequest(const grammar::Match& m) {
  v1::LearnMacRequest req;
  req.set_mac(m.text("mac"));
  req.set_count(static_cast<std::uint32_t>(m.numberOr("count").value_or(1)));
  req.set_vlan(static_cast<std::uint32_t>(m.number("vlan")));
  req.set_interface(m.text("interface"));
  req.set_is_static(m.has("static"));
  return req;
}

v1::LearnArpRequest learnArpRequest(const grammar::Match& m) {
  v1::LearnArpRequest req;
  req.set_ip(m.text("ip"));
  req.set_count(static_cast<std::uint32_t>(m.numberOr("count").value_or(1)));
  req.set_mac(m.text("mac"));
  req.set_vlan(static_cast<std::uint32_t>(m.number("vlan")));
  return req;
}

std::string learnMacText(const grammar::Match&, const v1::LearnReply& r) {
  const auto n = r.changed() + r.unchanged();
  return "learned " + std::to_string(n) + " MAC(s): " + std::to_string(r.changed()) + " new or moved, " +
         std::to_string(r.unchanged()) + " refreshed\n";
}

std::string learnArpText(const grammar::Match&, const v1::LearnReply& r) {
  const auto n = r.changed() + r.unchanged();
  return "learned " + std::to_string(n) + " ARP entr" + (n == 1 ? "y" : "ies") + ": " + std::to_string(r.changed()) +
         " new or changed, " + std::to_string(r.unchanged()) + " refreshed\n";
}

void clearMac(Backend& sw, const v1::ClearMacRequest&, v1::ClearReply* reply, const Done& done) {
  sw.command([&](SwitchNode& n, TimePoint now, Effects& out) { reply->set_removed(n.clearMacDynamic(now, out)); });
  ok(done);
}

void clearArp(Backend& sw, const v1::ClearArpRequest&, v1::ClearReply* reply, const Done& done) {
  sw.command([&](SwitchNode& n, TimePoint now, Effects& out) { reply->set_removed(n.clearArp(now, out)); });
  ok(done);
}

template <class Req>
Req none(const grammar::Match&) {
  return {};
}
std::string nothing(const grammar::Match&, const v1::ClearReply&) { return ""; }

void rolePreempt(Backend& sw, const v1::RolePreemptRequest&, v1::RolePreemptReply* reply, const Done& done) {
  std::optional<Error> error;
  sw.command([&](SwitchNode& n, TimePoint now, Effects& out) {
    auto r = n.rolePreempt(now, out);
    if (r) reply->set_message(*r);
    else error = r.error();
  });
  if (error) return fail(done, *error);
  ok(done);
}

std::string preemptText(const grammar::Match&, const v1::RolePreemptReply& r) { return r.message() + "\n"; }

void configure(Backend& sw, const v1::ConfigureRequest& req, v1::ConfigureReply* reply, const Done& done) {
  if (req.lines_size() > 10000) return invalid(done, "too many lines (at most 10000)");
  const std::vector<std::string> lines(req.lines().begin(), req.lines().end());
  auto r = sw.configure(lines);
  if (!r) return fail(done, r.error());
  reply->set_applied(static_cast<std::uint32_t>(r->applied));
  for (const auto& m : r->messages) reply->add_messages(m);
  ok(done);
}

}  // namespace

void addChanges(Registry& r) {
  r.rpc<v1::LearnMacRequest, v1::LearnReply>("LearnMac", learnMac);
  r.verb(kLearnMac,
         "learn mac <mac:mac> [ count <count:1-1000000> ] vlan <vlan:1-4094> interface <interface:interface> [ static ]",
         "learn MACs as if frames arrived on an interface (emulator)", Verb::Kind::Change,
         &v1::Management::Stub::LearnMac, learnMacRequest, learnMacText);
  r.rpc<v1::LearnArpRequest, v1::LearnReply>("LearnArp", learnArp);
  r.verb(kLearnArp, "learn arp <ip:ipv4> [ count <count:1-1000000> ] mac <mac:mac> vlan <vlan:1-4094>",
         "learn ARP entries on an SVI (emulator)", Verb::Kind::Change, &v1::Management::Stub::LearnArp, learnArpRequest,
         learnArpText);
  r.rpc<v1::ClearMacRequest, v1::ClearReply>("ClearMacAddressTable", clearMac);
  r.verb(kClearMac, "clear mac address-table dynamic", "remove dynamic MACs this switch learned", Verb::Kind::Change,
         &v1::Management::Stub::ClearMacAddressTable, none<v1::ClearMacRequest>, nothing);
  r.rpc<v1::ClearArpRequest, v1::ClearReply>("ClearIpArp", clearArp);
  r.verb(kClearArp, "clear ip arp", "remove ARP entries this switch learned", Verb::Kind::Change,
         &v1::Management::Stub::ClearIpArp, none<v1::ClearArpRequest>, nothing);
  r.rpc<v1::RolePreemptRequest, v1::RolePreemptReply>("RolePreempt", rolePreempt);
  r.verb(kVpcRolePreempt, "vpc role preempt", "re-elect roles from role priorities without flapping",
         Verb::Kind::Change, &v1::Management::Stub::RolePreempt, none<v1::RolePreemptRequest>, preemptText);
  r.rpc<v1::ConfigureRequest, v1::ConfigureReply>("Configure", configure);
}

}  // namespace vpc::mgmt
