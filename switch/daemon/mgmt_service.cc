#include "switch/daemon/mgmt_service.h"

#include <deque>

#include <boost/asio/post.hpp>

#include "peerlink/transport/event_stream.h"
#include "switch/core/config_writer.h"
#include "switch/daemon/mgmt_codec.h"
#include "switch/daemon/status_codec.h"

namespace vpc::daemon {

namespace {
constexpr std::uint32_t kMaxLearnCount = 1000000;

grpc::Status invalid(const std::string& message) { return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, message); }
}  // namespace

template <class Fn>
grpc::ServerUnaryReactor* ManagementService::onLoop(grpc::CallbackServerContext* ctx, Fn fn) {
  auto* reactor = ctx->DefaultReactor();
  boost::asio::post(daemon_.io(), [this, reactor, fn = std::move(fn)]() mutable {
    if (daemon_.shuttingDown()) {
      reactor->Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, "the switch is shutting down"));
      return;
    }
    reactor->Finish(fn());
  });
  return reactor;
}

grpc::ServerUnaryReactor* ManagementService::GetInfo(grpc::CallbackServerContext* ctx, const v1::InfoRequest*,
                                                     v1::InfoReply* reply) {
  return onLoop(ctx, [this, reply] {
    *reply = daemon_.info();
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* ManagementService::ShowVpc(grpc::CallbackServerContext* ctx, const v1::ShowVpcRequest*,
                                                     v1::ShowVpcReply* reply) {
  return onLoop(ctx, [this, reply] {
    toProto(daemon_.node().vpcView(daemon_.now()), reply);
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* ManagementService::ShowVpcRole(grpc::CallbackServerContext* ctx,
                                                         const v1::ShowVpcRoleRequest*, v1::ShowVpcRoleReply* reply) {
  return onLoop(ctx, [this, reply] {
    toProto(daemon_.node().vpcView(daemon_.now()), reply);
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* ManagementService::ShowVpcConsistency(grpc::CallbackServerContext* ctx,
                                                                const v1::ShowVpcConsistencyRequest* req,
                                                                v1::ShowVpcConsistencyReply* reply) {
  const std::string scope = req->scope().empty() ? "global" : req->scope();
  const auto vpc = req->vpc();
  return onLoop(ctx, [this, reply, scope, vpc] {
    if (scope != "global" && scope != "vpc" && scope != "vlans")
      return invalid("scope must be global, vpc or vlans");
    if (scope == "vpc" && !daemon_.node().config().vpcPort(vpc))
      return grpc::Status(grpc::StatusCode::NOT_FOUND, "vPC " + std::to_string(vpc) + " is not configured");
    toProto(daemon_.node().consistencyView(scope, vpc), reply);
    reply->set_scope(scope);
    reply->set_vpc(vpc);
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* ManagementService::ShowInterfaceStatus(grpc::CallbackServerContext* ctx,
                                                                 const v1::ShowInterfaceStatusRequest*,
                                                                 v1::ShowInterfaceStatusReply* reply) {
  return onLoop(ctx, [this, reply] {
    for (const auto& row : daemon_.node().interfaceRows()) toProto(row, reply->add_interfaces());
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* ManagementService::Configure(grpc::CallbackServerContext* ctx,
                                                       const v1::ConfigureRequest* req, v1::ConfigureReply* reply) {
  std::vector<std::string> lines(req->lines().begin(), req->lines().end());
  return onLoop(ctx, [this, reply, lines = std::move(lines)] {
    if (lines.size() > 10000) return invalid("too many lines (at most 10000)");
    auto r = daemon_.configure(lines);
    if (!r) return toGrpcStatus(r.error());
    reply->set_applied(static_cast<std::uint32_t>(r->applied));
    for (const auto& m : r->messages) reply->add_messages(m);
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* ManagementService::RolePreempt(grpc::CallbackServerContext* ctx,
                                                         const v1::RolePreemptRequest*, v1::RolePreemptReply* reply) {
  return onLoop(ctx, [this, reply] {
    auto r = daemon_.command([](SwitchNode& n, TimePoint now, Effects& out) { return n.rolePreempt(now, out); });
    if (!r) return toGrpcStatus(r.error());
    reply->set_message(*r);
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* ManagementService::ShowVpcOrphanPorts(grpc::CallbackServerContext* ctx,
                                                                const v1::ShowVpcOrphanPortsRequest*,
                                                                v1::ShowVpcOrphanPortsReply* reply) {
  return onLoop(ctx, [this, reply] {
    for (const auto& v : daemon_.node().orphanPorts()) toProto(v, reply->add_vlans());
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* ManagementService::ShowPortChannelSummary(grpc::CallbackServerContext* ctx,
                                                                    const v1::ShowPortChannelSummaryRequest*,
                                                                    v1::ShowPortChannelSummaryReply* reply) {
  return onLoop(ctx, [this, reply] {
    for (const auto& v : daemon_.node().portChannels()) toProto(v, reply->add_channels());
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* ManagementService::ShowRunningConfig(grpc::CallbackServerContext* ctx,
                                                               const v1::ShowRunningConfigRequest* req,
                                                               v1::ShowRunningConfigReply* reply) {
  const std::string section = req->section();
  return onLoop(ctx, [this, reply, section] {
    if (section != "" && section != "vpc") return invalid("section must be empty or 'vpc'");
    reply->set_text(writeConfig(daemon_.node().config(), section == "vpc" ? ConfigSection::Vpc : ConfigSection::All));
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* ManagementService::ShowPeerLinkMessages(grpc::CallbackServerContext* ctx,
                                                                  const v1::ShowPeerLinkMessagesRequest* req,
                                                                  v1::ShowPeerLinkMessagesReply* reply) {
  const auto last = req->last();
  return onLoop(ctx, [this, reply, last] {
    const auto& log = daemon_.peerLinkLog();
    const std::size_t from = last && log.size() > last ? log.size() - last : 0;
    for (std::size_t i = from; i < log.size(); ++i) {
      auto* m = reply->add_messages();
      m->set_time(daemon_.clock().iso(log[i].at));
      m->set_mono_ms(daemon_.clock().monoMs(log[i].at));
      m->set_direction(log[i].tx ? "tx" : "rx");
      m->set_type(log[i].type);
      m->set_bytes(log[i].bytes);
      m->set_summary(log[i].summary);
    }
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* ManagementService::Explain(grpc::CallbackServerContext* ctx, const v1::ExplainRequest* req,
                                                     v1::ExplainReply* reply) {
  ExplainQuery q;
  grpc::Status bad = grpc::Status::OK;
  if (req->subject() == "vpc") {
    q.kind = ExplainQuery::Kind::Vpc;
    q.vpc = req->vpc();
  } else if (req->subject() == "interface") {
    q.kind = ExplainQuery::Kind::Interface;
    if (auto i = InterfaceId::parse(req->interface())) q.iface = *i;
    else bad = invalid("invalid interface '" + req->interface() + "'");
  } else if (req->subject() == "peer-link") {
    q.kind = ExplainQuery::Kind::PeerLink;
  } else if (req->subject() == "role") {
    q.kind = ExplainQuery::Kind::Role;
  } else if (req->subject() == "vlan") {
    q.kind = ExplainQuery::Kind::Vlan;
    if (req->vlan() < 1 || req->vlan() > 4094) bad = invalid("vlan must be 1-4094");
    q.vlan = static_cast<std::uint16_t>(req->vlan());
  } else {
    bad = invalid("subject must be vpc, interface, peer-link, role or vlan");
  }
  return onLoop(ctx, [this, reply, q, bad] {
    if (!bad.ok()) return bad;
    auto x = daemon_.node().explain(q);
    if (!x) return toGrpcStatus(x.error());
    toProto(*x, daemon_.node().config().hostname, daemon_.clock(), reply);
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* ManagementService::ShowMacAddressTable(grpc::CallbackServerContext* ctx,
                                                                 const v1::ShowMacRequest* req,
                                                                 v1::ShowMacReply* reply) {
  MacFilter filter;
  grpc::Status bad = grpc::Status::OK;
  if (req->vlan() > kMaxVlan) bad = invalid("vlan " + std::to_string(req->vlan()) + " out of range 1-4094");
  filter.vlan = static_cast<std::uint16_t>(req->vlan());
  if (!req->address().empty()) {
    if (auto m = MacAddress::parse(req->address())) filter.mac = *m;
    else bad = invalid("invalid MAC address '" + req->address() + "'");
  }
  if (!req->interface().empty()) {
    if (auto i = InterfaceId::parse(req->interface())) filter.iface = *i;
    else if (req->interface() == "vPC Peer-Link" || req->interface() == "peer-link") filter.iface = InterfaceId::peerLink();
    else bad = invalid("invalid interface '" + req->interface() + "'");
  }
  if (req->type() == "static") filter.is_static = true;
  else if (req->type() == "dynamic") filter.is_static = false;
  else if (!req->type().empty()) bad = invalid("type must be 'static' or 'dynamic'");
  const bool count_only = req->count_only();
  return onLoop(ctx, [this, reply, filter, bad, count_only] {
    if (!bad.ok()) return bad;
    if (count_only) {
      reply->set_total(daemon_.node().macCount(filter));
      return grpc::Status::OK;
    }
    const auto rows = daemon_.node().macRows(filter, daemon_.now());
    reply->mutable_entries()->Reserve(static_cast<int>(rows.size()));
    for (const auto& row : rows) toProto(row, reply->add_entries());
    reply->set_total(rows.size());
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* ManagementService::ShowIpArp(grpc::CallbackServerContext* ctx, const v1::ShowArpRequest* req,
                                                       v1::ShowArpReply* reply) {
  const auto vlan = req->vlan();
  const bool count_only = req->count_only();
  return onLoop(ctx, [this, reply, vlan, count_only] {
    if (vlan > kMaxVlan) return invalid("vlan " + std::to_string(vlan) + " out of range 1-4094");
    const auto rows = daemon_.node().arpRows(static_cast<std::uint16_t>(vlan), daemon_.now());
    reply->set_context("default");
    reply->set_total(rows.size());
    if (!count_only)
      for (const auto& row : rows) toProto(row, reply->add_entries());
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* ManagementService::ShowVpcSync(grpc::CallbackServerContext* ctx,
                                                         const v1::ShowVpcSyncRequest*, v1::ShowVpcSyncReply* reply) {
  return onLoop(ctx, [this, reply] {
    toProto(daemon_.node().syncView(), daemon_.clock(), reply);
    const auto& log = daemon_.peerLinkLog();
    constexpr std::size_t kRecent = 16;
    for (std::size_t i = log.size() > kRecent ? log.size() - kRecent : 0; i < log.size(); ++i)
      reply->add_recent_messages(std::string(log[i].tx ? "tx " : "rx ") + log[i].summary);
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* ManagementService::ShowVpcPeerKeepalive(grpc::CallbackServerContext* ctx,
                                                                  const v1::ShowVpcPeerKeepaliveRequest*,
                                                                  v1::ShowVpcPeerKeepaliveReply* reply) {
  return onLoop(ctx, [this, reply] {
    toProto(daemon_.node().keepaliveView(daemon_.now()), daemon_.clock(), reply);
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* ManagementService::LearnMac(grpc::CallbackServerContext* ctx,
                                                      const v1::LearnMacRequest* req, v1::LearnReply* reply) {
  LearnMacCmd cmd;
  grpc::Status bad = grpc::Status::OK;
  if (auto m = MacAddress::parse(req->mac())) cmd.mac = *m;
  else bad = invalid("invalid MAC address '" + req->mac() + "'");
  if (auto i = InterfaceId::parse(req->interface())) cmd.iface = *i;
  else bad = invalid("invalid interface '" + req->interface() + "'");
  if (req->vlan() < kMinVlan || req->vlan() > kMaxVlan)
    bad = invalid("vlan " + std::to_string(req->vlan()) + " out of range 1-4094");
  cmd.vlan = static_cast<std::uint16_t>(req->vlan());
  cmd.count = req->count() == 0 ? 1 : req->count();
  if (cmd.count > kMaxLearnCount) bad = invalid("count " + std::to_string(cmd.count) + " out of range 1-1000000");
  cmd.is_static = req->is_static();
  return onLoop(ctx, [this, reply, cmd, bad] {
    if (!bad.ok()) return bad;
    auto r = daemon_.command([&](SwitchNode& n, TimePoint now, Effects& out) { return n.learnMac(cmd, now, out); });
    if (!r) return toGrpcStatus(r.error());
    reply->set_changed(r->changed);
    reply->set_unchanged(r->unchanged);
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* ManagementService::LearnArp(grpc::CallbackServerContext* ctx,
                                                      const v1::LearnArpRequest* req, v1::LearnReply* reply) {
  LearnArpCmd cmd;
  grpc::Status bad = grpc::Status::OK;
  if (auto ip = Ipv4::parse(req->ip())) cmd.ip = *ip;
  else bad = invalid("invalid IPv4 address '" + req->ip() + "'");
  if (auto m = MacAddress::parse(req->mac())) cmd.mac = *m;
  else bad = invalid("invalid MAC address '" + req->mac() + "'");
  if (req->vlan() < kMinVlan || req->vlan() > kMaxVlan)
    bad = invalid("vlan " + std::to_string(req->vlan()) + " out of range 1-4094");
  cmd.vlan = static_cast<std::uint16_t>(req->vlan());
  cmd.count = req->count() == 0 ? 1 : req->count();
  if (cmd.count > kMaxLearnCount) bad = invalid("count " + std::to_string(cmd.count) + " out of range 1-1000000");
  return onLoop(ctx, [this, reply, cmd, bad] {
    if (!bad.ok()) return bad;
    auto r = daemon_.command([&](SwitchNode& n, TimePoint now, Effects& out) { return n.learnArp(cmd, now, out); });
    if (!r) return toGrpcStatus(r.error());
    reply->set_changed(r->changed);
    reply->set_unchanged(r->unchanged);
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* ManagementService::ClearMacAddressTable(grpc::CallbackServerContext* ctx,
                                                                  const v1::ClearMacRequest*, v1::ClearReply* reply) {
  return onLoop(ctx, [this, reply] {
    reply->set_removed(
        daemon_.command([](SwitchNode& n, TimePoint now, Effects& out) { return n.clearMacDynamic(now, out); }));
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* ManagementService::ClearIpArp(grpc::CallbackServerContext* ctx, const v1::ClearArpRequest*,
                                                        v1::ClearReply* reply) {
  return onLoop(ctx, [this, reply] {
    reply->set_removed(daemon_.command([](SwitchNode& n, TimePoint now, Effects& out) { return n.clearArp(now, out); }));
    return grpc::Status::OK;
  });
}

// ---------------------------------------------------------------------------------------------------
// Events: the history, then (with follow) every new event until the client goes away.
namespace {

class EventStream final : public transport::EventStream, public EventSubscriber {
 public:
  EventStream(Daemon& daemon, bool follow, std::uint32_t last)
      : transport::EventStream(daemon.io()), daemon_(daemon), follow_(follow), last_(last) {
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
      toProto(events[i], host, daemon_.clock(), &queue().back());
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

}  // namespace

grpc::ServerWriteReactor<v1::Event>* ManagementService::Events(grpc::CallbackServerContext*,
                                                               const v1::EventsRequest* req) {
  return new EventStream(daemon_, req->follow(), req->last());
}

}  // namespace vpc::daemon
