#include "switch/cli/client.h"

#include "switch/cli/commands.h"
#include "switch/cli/render.h"

namespace vpc::cli {

namespace {

using Clock = std::chrono::system_clock;

template <class Reply, class Call>
CallResult unary(std::chrono::milliseconds timeout, Call rpc) {
  CallResult r;
  auto reply = std::make_unique<Reply>();
  grpc::ClientContext ctx;
  ctx.set_deadline(Clock::now() + timeout);
  r.status = rpc(&ctx, reply.get());
  if (r.status.ok()) r.reply = std::move(reply);
  return r;
}

std::string learnText(const v1::LearnReply& r, bool arp) {
  const auto n = r.changed() + r.unchanged();
  if (arp)
    return "learned " + std::to_string(n) + " ARP entr" + (n == 1 ? "y" : "ies") + ": " + std::to_string(r.changed()) +
           " new or changed, " + std::to_string(r.unchanged()) + " refreshed\n";
  return "learned " + std::to_string(n) + " MAC(s): " + std::to_string(r.changed()) + " new or moved, " +
         std::to_string(r.unchanged()) + " refreshed\n";
}

}  // namespace

CallResult call(v1::Management::Stub& stub, const grammar::Match& m, std::chrono::milliseconds timeout) {
  auto* s = &stub;
  switch (m.command) {
    case kShowVpc:
    case kShowVpcBrief:
      return unary<v1::ShowVpcReply>(timeout, [&](auto* ctx, auto* r) { return s->ShowVpc(ctx, {}, r); });
    case kShowVpcRole:
      return unary<v1::ShowVpcRoleReply>(timeout, [&](auto* ctx, auto* r) { return s->ShowVpcRole(ctx, {}, r); });
    case kShowVpcPeerKeepalive:
    case kShowVpcStatisticsKeepalive:
      return unary<v1::ShowVpcPeerKeepaliveReply>(timeout,
                                                  [&](auto* ctx, auto* r) { return s->ShowVpcPeerKeepalive(ctx, {}, r); });
    case kShowVpcSync:
      return unary<v1::ShowVpcSyncReply>(timeout, [&](auto* ctx, auto* r) { return s->ShowVpcSync(ctx, {}, r); });
    case kShowVersion:
      return unary<v1::InfoReply>(timeout, [&](auto* ctx, auto* r) { return s->GetInfo(ctx, {}, r); });
    case kShowMac: {
      v1::ShowMacRequest req;
      if (m.hasValue("vlan")) req.set_vlan(static_cast<std::uint32_t>(m.number("vlan")));
      if (m.hasValue("address")) req.set_address(m.text("address"));
      if (m.hasValue("interface")) req.set_interface(m.text("interface"));
      if (m.has("dynamic")) req.set_type("dynamic");
      if (m.has("static")) req.set_type("static");
      req.set_count_only(m.has("count"));
      return unary<v1::ShowMacReply>(timeout, [&](auto* ctx, auto* r) { return s->ShowMacAddressTable(ctx, req, r); });
    }
    case kShowIpArp: {
      v1::ShowArpRequest req;
      if (m.hasValue("vlan")) req.set_vlan(static_cast<std::uint32_t>(m.number("vlan")));
      return unary<v1::ShowArpReply>(timeout, [&](auto* ctx, auto* r) { return s->ShowIpArp(ctx, req, r); });
    }
    case kLearnMac: {
      v1::LearnMacRequest req;
      req.set_mac(m.text("mac"));
      req.set_count(static_cast<std::uint32_t>(m.numberOr("count").value_or(1)));
      req.set_vlan(static_cast<std::uint32_t>(m.number("vlan")));
      req.set_interface(m.text("interface"));
      req.set_is_static(m.has("static"));
      return unary<v1::LearnReply>(timeout, [&](auto* ctx, auto* r) { return s->LearnMac(ctx, req, r); });
    }
    case kLearnArp: {
      v1::LearnArpRequest req;
      req.set_ip(m.text("ip"));
      req.set_count(static_cast<std::uint32_t>(m.numberOr("count").value_or(1)));
      req.set_mac(m.text("mac"));
      req.set_vlan(static_cast<std::uint32_t>(m.number("vlan")));
      return unary<v1::LearnReply>(timeout, [&](auto* ctx, auto* r) { return s->LearnArp(ctx, req, r); });
    }
    case kClearMac:
      return unary<v1::ClearReply>(timeout, [&](auto* ctx, auto* r) { return s->ClearMacAddressTable(ctx, {}, r); });
    case kClearArp:
      return unary<v1::ClearReply>(timeout, [&](auto* ctx, auto* r) { return s->ClearIpArp(ctx, {}, r); });
    case kShowVpcConsistency: {
      v1::ShowVpcConsistencyRequest req;
      if (m.has("global")) req.set_scope("global");
      if (m.has("vlans")) req.set_scope("vlans");
      if (m.hasValue("vpc")) {  // `vpc` alone is the command's second word
        req.set_scope("vpc");
        req.set_vpc(static_cast<std::uint32_t>(m.number("vpc")));
      }
      if (m.hasValue("interface")) {
        // `interface port-channelN`: the vPC configured on that port-channel.
        auto vpcs = unary<v1::ShowVpcReply>(timeout, [&](auto* ctx, auto* r) { return s->ShowVpc(ctx, {}, r); });
        if (!vpcs.status.ok()) return vpcs;
        const auto want = InterfaceId::parse(m.text("interface"));
        for (const auto& v : static_cast<const v1::ShowVpcReply&>(*vpcs.reply).vpcs())
          if (want && InterfaceId::parse(v.port()) == want) req.set_vpc(v.id());
        if (req.vpc() == 0)
          return {grpc::Status(grpc::StatusCode::NOT_FOUND, m.text("interface") + " is not a vPC port-channel"), nullptr};
        req.set_scope("vpc");
      }
      return unary<v1::ShowVpcConsistencyReply>(timeout,
                                                [&](auto* ctx, auto* r) { return s->ShowVpcConsistency(ctx, req, r); });
    }
    case kShowInterfaceStatus:
      return unary<v1::ShowInterfaceStatusReply>(timeout,
                                                 [&](auto* ctx, auto* r) { return s->ShowInterfaceStatus(ctx, {}, r); });
    case kShowVpcOrphanPorts:
      return unary<v1::ShowVpcOrphanPortsReply>(timeout,
                                                [&](auto* ctx, auto* r) { return s->ShowVpcOrphanPorts(ctx, {}, r); });
    case kShowPortChannelSummary:
      return unary<v1::ShowPortChannelSummaryReply>(
          timeout, [&](auto* ctx, auto* r) { return s->ShowPortChannelSummary(ctx, {}, r); });
    case kShowRunningConfig: {
      v1::ShowRunningConfigRequest req;
      if (m.has("vpc")) req.set_section("vpc");
      return unary<v1::ShowRunningConfigReply>(timeout,
                                               [&](auto* ctx, auto* r) { return s->ShowRunningConfig(ctx, req, r); });
    }
    case kShowVpcHistory: {
      v1::EventsRequest req;
      req.set_last(static_cast<std::uint32_t>(m.numberOr("last").value_or(40)));
      grpc::ClientContext ctx;
      ctx.set_deadline(Clock::now() + timeout);
      auto reader = s->Events(&ctx, req);
      auto list = std::make_unique<v1::EventList>();
      v1::Event ev;
      while (reader->Read(&ev)) *list->add_events() = ev;
      CallResult r;
      r.status = reader->Finish();
      if (r.status.ok()) r.reply = std::move(list);
      return r;
    }
    case kShowPeerLinkMessages: {
      v1::ShowPeerLinkMessagesRequest req;
      req.set_last(static_cast<std::uint32_t>(m.numberOr("last").value_or(0)));
      return unary<v1::ShowPeerLinkMessagesReply>(
          timeout, [&](auto* ctx, auto* r) { return s->ShowPeerLinkMessages(ctx, req, r); });
    }
    case kExplain: {
      v1::ExplainRequest req;
      if (m.hasValue("vpc")) {
        req.set_subject("vpc");
        req.set_vpc(static_cast<std::uint32_t>(m.number("vpc")));
      } else if (m.hasValue("interface")) {
        req.set_subject("interface");
        req.set_interface(m.text("interface"));
      } else if (m.hasValue("vlan")) {
        req.set_subject("vlan");
        req.set_vlan(static_cast<std::uint32_t>(m.number("vlan")));
      } else if (m.has("peer-link")) {
        req.set_subject("peer-link");
      } else {
        req.set_subject("role");
      }
      return unary<v1::ExplainReply>(timeout, [&](auto* ctx, auto* r) { return s->Explain(ctx, req, r); });
    }
    case kVpcRolePreempt:
      return unary<v1::RolePreemptReply>(timeout, [&](auto* ctx, auto* r) { return s->RolePreempt(ctx, {}, r); });
    default: break;
  }
  return {grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "this command has no single reply"), nullptr};
}

std::string render(const grammar::Match& m, const google::protobuf::Message& reply) {
  switch (m.command) {
    case kShowVpc:
    case kShowVpcBrief: return renderShowVpc(static_cast<const v1::ShowVpcReply&>(reply));
    case kShowVpcRole: return renderShowVpcRole(static_cast<const v1::ShowVpcRoleReply&>(reply));
    case kShowVpcPeerKeepalive:
      return renderShowVpcPeerKeepalive(static_cast<const v1::ShowVpcPeerKeepaliveReply&>(reply));
    case kShowVpcStatisticsKeepalive:
      return renderShowVpcKeepaliveStatistics(static_cast<const v1::ShowVpcPeerKeepaliveReply&>(reply));
    case kShowVpcSync: return renderShowVpcSync(static_cast<const v1::ShowVpcSyncReply&>(reply));
    case kShowVersion: return renderShowVersion(static_cast<const v1::InfoReply&>(reply));
    case kShowMac: return renderShowMac(static_cast<const v1::ShowMacReply&>(reply), m.has("count"));
    case kShowIpArp: return renderShowIpArp(static_cast<const v1::ShowArpReply&>(reply));
    case kLearnMac: return learnText(static_cast<const v1::LearnReply&>(reply), false);
    case kLearnArp: return learnText(static_cast<const v1::LearnReply&>(reply), true);
    case kClearMac:
    case kClearArp: return "";
    case kShowVpcConsistency: return renderShowVpcConsistency(static_cast<const v1::ShowVpcConsistencyReply&>(reply));
    case kShowInterfaceStatus: return renderShowInterfaceStatus(static_cast<const v1::ShowInterfaceStatusReply&>(reply));
    case kShowVpcOrphanPorts: return renderShowVpcOrphanPorts(static_cast<const v1::ShowVpcOrphanPortsReply&>(reply));
    case kShowPortChannelSummary:
      return renderShowPortChannelSummary(static_cast<const v1::ShowPortChannelSummaryReply&>(reply));
    case kShowRunningConfig: return renderShowRunningConfig(static_cast<const v1::ShowRunningConfigReply&>(reply));
    case kShowVpcHistory: {
      const auto& list = static_cast<const v1::EventList&>(reply);
      return renderShowVpcHistory(std::vector<v1::Event>(list.events().begin(), list.events().end()));
    }
    case kShowPeerLinkMessages:
      return renderShowPeerLinkMessages(static_cast<const v1::ShowPeerLinkMessagesReply&>(reply));
    case kExplain: return renderExplain(static_cast<const v1::ExplainReply&>(reply));
    case kVpcRolePreempt: return static_cast<const v1::RolePreemptReply&>(reply).message() + "\n";
    default: break;
  }
  return "";
}

}  // namespace vpc::cli
