#include "switch/core/lacp_manager.h"

namespace vpc {

namespace {

constexpr std::uint16_t kSwitchSystemPriority = 32768;
constexpr std::uint16_t kPortPriority = 32768;
constexpr std::uint16_t kPeerOffset = 0x4000;

std::string flagText(lacp::Member m) { return std::string(1, lacp::flag(m)); }

}  // namespace

void LacpManager::configure(const SwitchConfig& cfg, const NoCarrier& no_carrier, std::optional<Rank> peer,
                            TimeScale scale, TimePoint now) {
  const std::uint64_t own = cfg.emulator.local_mac ? cfg.emulator.local_mac->value : 0;
  if (peer && cfg.vpc_domain && Rank{cfg.vpc_domain->role_priority, own} > *peer) offset_ = true;
  std::map<std::uint32_t, Channel> next;
  std::map<InterfaceId, std::pair<std::uint32_t, std::size_t>> where;
  for (const auto& [id, ic] : cfg.interfaces) {
    if (id.kind() != IfKind::Ethernet || !ic.channel_group || ic.channel_mode == ChannelMode::On) continue;
    if (!cfg.emulator.ports.contains(id)) continue;  // no real link, no partner
    const auto* pc = cfg.interface(InterfaceId::portChannel(*ic.channel_group));
    if (!pc || pc->vpc_peer_link) continue;  // the peer-link is the pair's own business
    lacp::PortConfig pcfg;
    pcfg.active = ic.channel_mode == ChannelMode::Active;
    pcfg.fast = ic.lacp_rate_fast;
    pcfg.scale = scale;
    const bool vpc = pc->vpc_id && cfg.vpc_domain;
    pcfg.actor.system_priority =
        vpc ? static_cast<std::uint16_t>(cfg.vpc_domain->system_priority) : kSwitchSystemPriority;
    pcfg.actor.system = vpc ? cfg.vpc_domain->systemMac() : MacAddress{own};
    pcfg.actor.key = static_cast<std::uint16_t>(0x8000 + (vpc ? *pc->vpc_id : *ic.channel_group));
    pcfg.actor.port_priority = kPortPriority;
    pcfg.actor.port = static_cast<std::uint16_t>((id.slot() << 8) | id.number());
    if (vpc && offset_) pcfg.actor.port = static_cast<std::uint16_t>(pcfg.actor.port + kPeerOffset);
    auto& ch = next[*ic.channel_group];
    // Keep the machines of a member that stays in the same channel.
    std::optional<lacp::Port> port;
    if (const auto it = where_.find(id); it != where_.end() && it->second.first == *ic.channel_group) {
      port = channels_.at(it->second.first).group.ports()[it->second.second];
      port->configure(pcfg);
    } else {
      port.emplace(pcfg);
      port->configure(pcfg);
    }
    // Shut (the member or its port-channel), the port is dark: LACP sees its link down.
    port->link(!cfg.shutDown(id) && !no_carrier.contains(id), now);
    where[id] = {*ic.channel_group, ch.ports.size()};
    ch.ports.push_back(id);
    ch.group.ports().push_back(std::move(*port));
  }
  for (auto& [n, ch] : next) {
    if (const auto* pc = cfg.interface(InterfaceId::portChannel(n)))
      ch.group.configure(lacp::GroupConfig{pc->lacp_suspend_individual, pc->lacp_max_bundle});
  }
  for (auto& [n, ch] : next)
    if (const auto it = channels_.find(n); it != channels_.end()) {
      ch.held = it->second.held;
      ch.group.holdOut(ch.held, "");
    }
  channels_ = std::move(next);
  where_ = std::move(where);
  std::erase_if(reported_, [&](const auto& r) { return !where_.contains(r.first); });
}

void LacpManager::link(InterfaceId port, bool up, TimePoint now) {
  const auto it = where_.find(port);
  if (it == where_.end()) return;
  channels_.at(it->second.first).group.ports()[it->second.second].link(up, now);
}

void LacpManager::frame(InterfaceId port, const std::uint8_t* bytes, std::size_t size, TimePoint now) {
  const auto it = where_.find(port);
  const auto pdu = lacp::parse(bytes, size);
  if (std::holds_alternative<std::string>(pdu)) {
    ++counters_.malformed;
    if (it != where_.end()) channels_.at(it->second.first).group.ports()[it->second.second].malformed();
    return;
  }
  if (it == where_.end()) {
    ++counters_.not_lacp_member;
    return;
  }
  channels_.at(it->second.first).group.ports()[it->second.second].received(std::get<lacp::Pdu>(pdu), now);
}

void LacpManager::tick(TimePoint now) {
  for (auto& [n, ch] : channels_)
    for (auto& p : ch.group.ports()) p.tick(now);
}

std::optional<TimePoint> LacpManager::nextDeadline() const {
  std::optional<TimePoint> next;
  for (const auto& [n, ch] : channels_)
    for (const auto& p : ch.group.ports())
      if (const auto d = p.nextDeadline(); d && (!next || *d < *next)) next = d;
  return next;
}

void LacpManager::holdOut(InterfaceId pc, const std::optional<Causes>& why) {
  const auto it = channels_.find(pc.number());
  if (it == channels_.end()) return;
  it->second.held = why.has_value();
  std::string text;
  if (why)
    for (const auto& line : describe(*why)) text += (text.empty() ? "" : " <- ") + line;
  it->second.group.holdOut(it->second.held, text);
}

bool LacpManager::settle(TimePoint now, MacAddress local_mac, Effects& out) {
  std::map<InterfaceId, Causes> next_out;
  for (auto& [n, ch] : channels_) {
    for (const auto& c : ch.group.update(now)) {
      const InterfaceId port = ch.ports[c.index];
      // A group rebuilt by a configuration change reports its members afresh: compare with what was
      // last said of each port, so a member that stays bundled says nothing.
      const auto last = reported_.find(port);
      const lacp::Member from = last == reported_.end() ? c.from : last->second.flag;
      if (last != reported_.end() && from == c.to && last->second.reason == c.reason) continue;
      recordEvent(out, now, Subject{SubjectKind::Lacp, port.code()}, flagText(from), flagText(c.to),
                  {cause(CauseKind::LacpMember, {c.reason})},
                  from == c.to ? EventKind::ReasonChanged : EventKind::StateChanged);
      reported_[port] = {c.to, c.reason};
    }
    for (std::size_t i = 0; i < ch.ports.size(); ++i) {
      auto& p = ch.group.ports()[i];
      if (auto pdu = p.transmit(now)) out.push_back(fx::SendFrame{ch.ports[i], lacp::build(*pdu, local_mac)});
      const auto m = ch.group.member(i);
      const bool lacp_keeps_out = p.linkUp() && !ch.held && m != lacp::Member::Bundled && m != lacp::Member::Individual;
      if (lacp_keeps_out) next_out[ch.ports[i]] = {cause(CauseKind::LacpMember, {reported_[ch.ports[i]].reason})};
    }
  }
  // Only which members are out matters to the vPC view (a new reason alone does not re-derive it).
  bool changed = next_out.size() != out_.size();
  for (auto a = next_out.begin(), b = out_.begin(); !changed && a != next_out.end(); ++a, ++b) changed = a->first != b->first;
  out_ = std::move(next_out);
  return changed;
}

std::vector<LacpManager::MemberView> LacpManager::members() const {
  std::vector<MemberView> v;
  for (const auto& [n, ch] : channels_)
    for (std::size_t i = 0; i < ch.ports.size(); ++i) {
      const auto& p = ch.group.ports()[i];
      const auto r = reported_.find(ch.ports[i]);
      v.push_back({ch.ports[i], InterfaceId::portChannel(n), ch.group.member(i), r == reported_.end() ? "" : r->second.reason,
                   p.actor(), p.partner(), p.rx(), p.mux(), p.counters(), p.config().active, p.config().fast, p.linkUp(),
                   p.lastReceived()});
    }
  return v;
}

std::optional<lacp::Info> LacpManager::identity(InterfaceId pc) const {
  const auto it = channels_.find(pc.number());
  if (it == channels_.end() || it->second.group.ports().empty()) return std::nullopt;
  return it->second.group.ports().front().actor();
}

}  // namespace vpc
