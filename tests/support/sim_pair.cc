#include "tests/support/sim_pair.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "switch/core/config_parser.h"

#ifndef VPC_SOURCE_DIR
#error "VPC_SOURCE_DIR must point at the repository root"
#endif

namespace vpc::sim {

SwitchConfig parseOrDie(const std::string& text) {
  auto r = parseConfig(text, "<test>");
  if (!r.config) throw std::runtime_error("test config does not parse: " + r.error->format());
  return *r.config;
}

SwitchConfig loadConfig(const std::string& relative_path) {
  const std::string path = std::string(VPC_SOURCE_DIR) + "/" + relative_path;
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  auto r = parseConfig(ss.str(), path);
  if (!r.config) throw std::runtime_error(r.error->format());
  return *r.config;
}

std::array<SwitchConfig, 2> defaultPairConfigs() {
  return {loadConfig("labs/topologies/pair/leaf1.cfg"), loadConfig("labs/topologies/pair/leaf2.cfg")};
}

Pair::Pair(std::array<SwitchConfig, 2> configs, NodeOptions options)
    : configs_(std::move(configs)), options_(options) {}

Pair Pair::startConverged(std::array<SwitchConfig, 2> configs, NodeOptions options) {
  Pair p(std::move(configs), options);
  p.start();
  if (!p.runUntil([&] { return p.converged(); }, Seconds(30)))
    throw std::runtime_error("the pair did not converge within 30 s of virtual time");
  return p;
}

void Pair::boot(int i) {
  NodeOptions o = options_;
  o.boot_id = (static_cast<std::uint64_t>(i + 1) << 32) | (generation_[i] + 1);
  nodes_[i] = std::make_unique<SwitchNode>(configs_[i], o);
  alive_[i] = true;
  execute(i, nodes_[i]->start(now()));
}

void Pair::start() {
  boot(0);
  boot(1);
}

void Pair::start(int i) { boot(i); }

void Pair::link(int i, const std::string& port, bool up) {
  const auto id = *InterfaceId::parse(port);
  deliver(i, in::LinkChanged{id, up}, Duration{});
  for (auto& b : bonds_)  // the cable's other end
    for (std::size_t k = 0; k < b.links.size(); ++k)
      if (b.links[k] == std::pair{i, id}) b.group.ports()[k].link(up, now());
}

std::size_t Pair::lacpBond(const std::vector<std::pair<int, std::string>>& links, std::uint64_t system, bool fast) {
  Bond b;
  for (std::size_t k = 0; k < links.size(); ++k) {
    b.links.emplace_back(links[k].first, *InterfaceId::parse(links[k].second));
    b.group.ports().emplace_back(lacp::PortConfig{
        true, fast, lacp::Info{0xffff, MacAddress{system}, 9, 0xff, static_cast<std::uint16_t>(k + 1), 0}, {}});
    b.speaks.push_back(true);
  }
  bonds_.push_back(std::move(b));
  return bonds_.size() - 1;
}

// An LACPDU a switch sent reaches the bond port at the other end of the link, if any.
void Pair::toBond(int i, InterfaceId port, const std::vector<std::uint8_t>& bytes) {
  for (auto& b : bonds_)
    for (std::size_t n = 0; n < b.links.size(); ++n)
      if (b.links[n] == std::pair{i, port} && b.group.ports()[n].linkUp())
        if (const auto pdu = lacp::parse(bytes.data(), bytes.size()); std::holds_alternative<lacp::Pdu>(pdu)) {
          b.group.ports()[n].received(std::get<lacp::Pdu>(pdu), now());
          (void)b.group.update(now());
        }
}

std::optional<TimePoint> Pair::bondDeadline() const {
  std::optional<TimePoint> next;
  for (const auto& b : bonds_)
    for (const auto& p : b.group.ports()) foldDeadline(next, p.nextDeadline());
  return next;
}

// The bonds' timers and what they send (to the switch at the other end of each link).
void Pair::runBonds() {
  for (auto& b : bonds_) {
    for (std::size_t k = 0; k < b.links.size(); ++k) {
      auto& p = b.group.ports()[k];
      p.tick(now());
      if (auto pdu = p.transmit(now()); pdu && b.speaks[k] && p.linkUp())
        deliver(b.links[k].first, in::FrameReceived{b.links[k].second, lacp::build(*pdu, p.actor().system)},
                Duration{});
    }
    (void)b.group.update(now());
  }
}

void Pair::frame(int i, const std::string& port, std::vector<std::uint8_t> bytes) {
  deliver(i, in::FrameReceived{*InterfaceId::parse(port), std::move(bytes)}, Duration{});
}

void Pair::deliver(int target, Input input, Duration delay) {
  queue_.push(Delivery{now() + delay, seq_++, target, generation_[target], std::move(input)});
}

std::optional<Pair::ConnEnd> Pair::otherEnd(int i, ConnId conn) const {
  auto it = conns_.find({i, conn});
  if (it == conns_.end()) return std::nullopt;
  return it->second;
}

void Pair::execute(int i, const Effects& effects) {
  const int j = 1 - i;
  for (const auto& e : effects) {
    if (const auto* c = std::get_if<fx::ConnectPeer>(&e)) {
      if (!peer_link_up_) continue;  // the SYN is lost; the dialer times out
      if (!alive_[j]) {
        deliver(i, in::PeerTransportDown{c->conn, "connection refused"}, delay_);
        continue;
      }
      const ConnId accepted = kAcceptedConnBit | next_accept_++;
      conns_[{i, c->conn}] = ConnEnd{j, accepted};
      conns_[{j, accepted}] = ConnEnd{i, c->conn};
      deliver(j, in::PeerTransportUp{accepted}, delay_);
    } else if (const auto* s = std::get_if<fx::SendPeer>(&e)) {
      if (!peer_link_up_) continue;
      if (loss_.count > 0 && loss_.from == i && loss_.pred(s->msg)) {
        --loss_.count;
        continue;
      }
      if (auto end = otherEnd(i, s->conn)) {
        ++delivered_;
        deliver(end->node, in::PeerMessageReceived{end->conn, s->msg}, delay_);
      }
    } else if (const auto* cl = std::get_if<fx::ClosePeer>(&e)) {
      auto end = otherEnd(i, cl->conn);
      conns_.erase({i, cl->conn});
      if (!end) continue;
      conns_.erase({end->node, end->conn});
      if (peer_link_up_) deliver(end->node, in::PeerTransportDown{end->conn, "connection closed by the peer"}, delay_);
    } else if (const auto* k = std::get_if<fx::SendKeepalive>(&e)) {
      if (keepalive_up_ && !keepalive_deaf_[static_cast<std::size_t>(j)] && alive_[j]) deliver(j, in::KeepaliveReceived{k->msg}, delay_);
    } else if (const auto* ev = std::get_if<fx::EventRecorded>(&e)) {
      events_[i].push_back(ev->event);
    } else if (const auto* l = std::get_if<fx::SetPortLight>(&e)) {
      dark_[i][l->port] = !l->lit;
    } else if (const auto* f = std::get_if<fx::SendFrame>(&e)) {
      if (f->port != InterfaceId::peerLink() && lacp::isSlowProtocols(f->bytes.data(), f->bytes.size())) {
        toBond(i, f->port, f->bytes);
      } else if (f->port != InterfaceId::peerLink()) {
        sent_[i].push_back(SentFrame{now(), f->port, f->bytes});
      } else if (peer_link_up_ && alive_[j]) {
        ++peer_link_frames_;
        deliver(j, in::FrameReceived{InterfaceId::peerLink(), f->bytes}, delay_);
      }
    }
  }
}

void Pair::dropConnectionsOf(int i, bool notify_peer, const std::string& reason) {
  for (auto it = conns_.begin(); it != conns_.end();) {
    if (it->first.first == i) {
      const ConnEnd end = it->second;
      if (notify_peer) deliver(end.node, in::PeerTransportDown{end.conn, reason}, delay_);
      conns_.erase({end.node, end.conn});
      it = conns_.erase(it);
    } else {
      ++it;
    }
  }
}

void Pair::shutPeerLink() {
  for (int i = 0; i < 2; ++i) {
    for (auto it = conns_.begin(); it != conns_.end(); ++it)
      if (it->first.first == i) deliver(i, in::PeerTransportDown{it->first.second, "connection closed"}, delay_);
  }
  conns_.clear();
}

void Pair::kill(int i) {
  alive_[i] = false;
  ++generation_[i];
  dropConnectionsOf(i, peer_link_up_, "connection reset by peer");
}

void Pair::restart(int i) {
  if (alive_[i]) kill(i);
  boot(i);
}

void Pair::stopGracefully(int i) {
  execute(i, nodes_[i]->handle(in::ShutdownRequested{"vpcd stopped (SIGTERM)"}, now()));
  alive_[i] = false;
  ++generation_[i];
  dropConnectionsOf(i, peer_link_up_, "connection reset by peer");
}

void Pair::runFor(Duration d) {
  const TimePoint end = now() + d;
  runUntil([] { return false; }, d);
  if (now() < end) clock_.set(end);
}

bool Pair::runUntil(const std::function<bool()>& pred, Duration limit) {
  const TimePoint end = now() + limit;
  int same_instant_ticks = 0;
  TimePoint last_tick_at{};
  while (true) {
    if (pred()) return true;
    std::optional<TimePoint> next;
    if (!queue_.empty()) next = queue_.top().at;
    for (int i = 0; i < 2; ++i)
      if (alive_[i]) foldDeadline(next, nodes_[i]->nextDeadline());
    foldDeadline(next, bondDeadline());
    if (!next || *next > end) {
      clock_.set(end);
      return pred();
    }
    if (*next > now()) clock_.set(*next);
    if (!queue_.empty() && queue_.top().at <= now()) {
      Delivery d = queue_.top();
      queue_.pop();
      if (!alive_[d.target] || d.generation != generation_[d.target]) continue;
      execute(d.target, nodes_[d.target]->handle(d.input, now()));
      continue;
    }
    if (const auto b = bondDeadline(); b && *b <= now()) runBonds();
    for (int i = 0; i < 2; ++i) {
      if (!alive_[i]) continue;
      auto dl = nodes_[i]->nextDeadline();
      if (dl && *dl <= now()) {
        execute(i, nodes_[i]->tick(now()));
        if (now() == last_tick_at) {
          if (++same_instant_ticks > 10000) throw std::runtime_error("a node does not advance its deadline");
        } else {
          last_tick_at = now();
          same_instant_ticks = 0;
        }
      }
    }
  }
}

Result<LearnResult> Pair::learnMac(int i, const LearnMacCmd& cmd) {
  if (!alive_[i]) return Error{ErrorCode::Unavailable, "switch is down"};
  Effects out;
  auto r = nodes_[i]->learnMac(cmd, now(), out);
  execute(i, out);
  return r;
}

Result<LearnResult> Pair::learnArp(int i, const LearnArpCmd& cmd) {
  if (!alive_[i]) return Error{ErrorCode::Unavailable, "switch is down"};
  Effects out;
  auto r = nodes_[i]->learnArp(cmd, now(), out);
  execute(i, out);
  return r;
}

std::uint64_t Pair::clearMac(int i) {
  if (!alive_[i]) return 0;
  Effects out;
  auto n = nodes_[i]->clearMacDynamic(now(), out);
  execute(i, out);
  return n;
}

Result<ConfigureResult> Pair::configure(int i, const std::vector<std::string>& lines) {
  if (!alive_[i]) return Error{ErrorCode::Unavailable, "switch is down"};
  Effects out;
  auto r = nodes_[i]->configure(lines, now(), out);
  execute(i, out);
  return r;
}

Result<std::string> Pair::rolePreempt(int i) {
  if (!alive_[i]) return Error{ErrorCode::Unavailable, "switch is down"};
  Effects out;
  auto r = nodes_[i]->rolePreempt(now(), out);
  execute(i, out);
  return r;
}

std::optional<TimePoint> Pair::lastEvent(int i, const Subject& subject, const std::string& to) const {
  std::optional<TimePoint> at;
  for (const auto& e : events_[i])
    if (e.subject == subject && e.to == to && e.kind == EventKind::StateChanged) at = e.at;
  return at;
}

bool Pair::converged() const {
  if (!alive_[0] || !alive_[1]) return false;
  for (int i = 0; i < 2; ++i)
    if (nodes_[i]->sessionState() != SessionState::Established) return false;
  const auto a = nodes_[0]->tables().totals();
  const auto b = nodes_[1]->tables().totals();
  if (a.tx.pending_records || a.tx.queued_records || b.tx.pending_records || b.tx.queued_records) return false;
  return a.macs == b.macs && a.arps == b.arps;
}

}  // namespace vpc::sim
