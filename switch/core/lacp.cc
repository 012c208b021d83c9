#include "switch/core/lacp.h"

#include <algorithm>

namespace vpc::lacp {

std::string_view toString(RxState s) {
  switch (s) {
    case RxState::PortDisabled: return "port disabled";
    case RxState::Expired: return "expired";
    case RxState::Defaulted: return "defaulted";
    case RxState::Current: return "current";
  }
  return "?";
}

std::string_view toString(MuxState s) {
  switch (s) {
    case MuxState::Detached: return "detached";
    case MuxState::Waiting: return "waiting";
    case MuxState::Attached: return "attached";
    case MuxState::Collecting: return "collecting";
    case MuxState::CollectingDistributing: return "collecting distributing";
  }
  return "?";
}

char flag(Member m) {
  switch (m) {
    case Member::Down: return 'D';
    case Member::Bundled: return 'P';
    case Member::Individual: return 'I';
    case Member::Suspended:
    case Member::Waiting: return 's';
    case Member::Standby: return 'H';
  }
  return '?';
}

namespace {
bool due(const std::optional<TimePoint>& t, TimePoint now) { return t && *t <= now; }
std::string seconds(Duration d) { return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(d).count()) + " s"; }
// The partner information a port assumes before it hears one (802.1AX: the admin defaults). Its
// Timeout bit is set, so an active port looks for a partner at the fast rate.
Info defaultPartner() {
  Info i;
  i.state = kTimeout;
  return i;
}
}  // namespace

void Port::configure(PortConfig c) {
  const bool changed = !(c.actor.samePort(config_.actor)) || c.active != config_.active || c.fast != config_.fast;
  config_ = std::move(c);
  const std::uint8_t keep = actor_.state & (kSynchronization | kCollecting | kDistributing | kDefaulted | kExpired);
  actor_ = config_.actor;
  actor_.state = keep;
  setActorBit(kActivity, config_.active);
  setActorBit(kTimeout, config_.fast);
  setActorBit(kAggregation, true);
  if (changed) ntt_ = true;
}

void Port::setActorBit(std::uint8_t bit, bool on) {
  actor_.state = static_cast<std::uint8_t>(on ? actor_.state | bit : actor_.state & ~bit);
}

void Port::enterRx(RxState s, TimePoint now, std::string reason) {
  rx_ = s;
  rx_reason_ = std::move(reason);
  switch (s) {
    case RxState::PortDisabled:
      partner_ = defaultPartner();
      current_while_.reset();
      setActorBit(kExpired, false);
      setActorBit(kDefaulted, false);
      break;
    case RxState::Expired:  // the partner is probably gone: ask it for fast PDUs, wait a short while
      partner_.state = static_cast<std::uint8_t>((partner_.state & ~kSynchronization) | kTimeout);
      current_while_ = now + kShortTimeout;
      setActorBit(kExpired, true);
      ntt_ = true;
      break;
    case RxState::Defaulted:
      partner_ = defaultPartner();
      current_while_.reset();
      setActorBit(kExpired, false);
      setActorBit(kDefaulted, true);
      break;
    case RxState::Current:
      current_while_ = now + ownTimeout();
      setActorBit(kExpired, false);
      setActorBit(kDefaulted, false);
      break;
  }
}

void Port::link(bool up, TimePoint now) {
  if (up == up_) return;
  up_ = up;
  configure(config_);
  if (up) {
    enterRx(RxState::Expired, now, "link up: waiting for an LACPDU");
    periodic_ = now;
  } else {
    enterRx(RxState::PortDisabled, now, "link down");
    selected_ = false;
    periodic_.reset();
    wait_while_.reset();
  }
  runMux(now);
}

void Port::received(const Pdu& pdu, TimePoint now) {
  ++counters_.received;
  if (!up_) return;
  last_rx_ = now;
  // A new partner (another system, key or port) must go through selection again.
  if (!pdu.actor.samePort(partner_)) selected_ = false;
  partner_ = pdu.actor;
  enterRx(RxState::Current, now, "LACPDU from " + pdu.actor.system.dotted());
  // The partner's view of us is stale: tell it again.
  const std::uint8_t mine = kActivity | kTimeout | kAggregation | kSynchronization | kCollecting | kDistributing;
  if (!pdu.partner.samePort(actor_) || (pdu.partner.state & mine) != (actor_.state & mine)) ntt_ = true;
  if (!periodic_) periodic_ = now;
  runMux(now);
}

void Port::tick(TimePoint now) {
  if (due(current_while_, now)) {
    if (rx_ == RxState::Current)
      enterRx(RxState::Expired, now, "no LACPDU from the partner within " + seconds(ownTimeout()));
    else if (rx_ == RxState::Expired)
      enterRx(RxState::Defaulted, now, "no LACPDU from the partner within " + seconds(ownTimeout()) + " and " +
                                           seconds(kShortTimeout) + " more");
  }
  runMux(now);
}

std::optional<TimePoint> Port::nextDeadline() const {
  std::optional<TimePoint> next;
  for (const auto& t : {current_while_, wait_while_, periodic_})
    if (t && (!next || *t < *next)) next = t;
  if (ntt_ && up_) {
    // Something to send: at once (a time already past), or when the 3-a-second limit frees a slot.
    const TimePoint at = recent_tx_.size() >= 3 ? recent_tx_.front() + config_.scale(kFastPeriodic) : TimePoint{};
    if (!next || at < *next) next = at;
  }
  return next;
}

void Port::select(bool selected, TimePoint now) {
  if (selected == selected_) return;
  selected_ = selected;
  runMux(now);
}

void Port::runMux(TimePoint now) {
  for (int guard = 0; guard < 8; ++guard) {
    const MuxState before = mux_;
    switch (mux_) {
      case MuxState::Detached:
        if (selected_) {
          mux_ = MuxState::Waiting;
          wait_while_ = now + config_.scale(kAggregateWait);
        }
        break;
      case MuxState::Waiting:
        if (!selected_) {
          mux_ = MuxState::Detached;
          wait_while_.reset();
        } else if (due(wait_while_, now)) {
          wait_while_.reset();
          mux_ = MuxState::Attached;
          setActorBit(kSynchronization, true);
          ntt_ = true;
        }
        break;
      // Independent control (802.1AX 6.4.15): collect once the partner is in sync, distribute once it
      // collects, so no frame is sent down a link the partner does not take yet.
      case MuxState::Attached:
        if (!selected_) {
          mux_ = MuxState::Detached;
          setActorBit(kSynchronization, false);
          ntt_ = true;
        } else if (partner_.state & kSynchronization) {
          mux_ = MuxState::Collecting;
          setActorBit(kCollecting, true);
          ntt_ = true;
        }
        break;
      case MuxState::Collecting:
        if (!selected_ || !(partner_.state & kSynchronization)) {
          mux_ = MuxState::Attached;
          setActorBit(kCollecting, false);
          ntt_ = true;
        } else if (partner_.state & kCollecting) {
          mux_ = MuxState::CollectingDistributing;
          setActorBit(kDistributing, true);
          ntt_ = true;
        }
        break;
      case MuxState::CollectingDistributing:
        if (!selected_ || !(partner_.state & kSynchronization)) {
          mux_ = MuxState::Attached;
          setActorBit(kCollecting, false);
          setActorBit(kDistributing, false);
          ntt_ = true;
        } else if (!(partner_.state & kCollecting)) {
          mux_ = MuxState::Collecting;
          setActorBit(kDistributing, false);
          ntt_ = true;
        }
        break;
    }
    if (mux_ == before) return;
  }
}

std::optional<Pdu> Port::transmit(TimePoint now) {
  if (!up_) return std::nullopt;
  if (due(periodic_, now)) {
    ntt_ = true;
    periodic_ = now + config_.scale((partner_.state & kTimeout) ? kFastPeriodic : kSlowPeriodic);
  }
  const bool speaks = config_.active || (rx_ == RxState::Current && (partner_.state & kActivity));
  if (!speaks) {  // passive, and nobody active to answer
    ntt_ = false;
    return std::nullopt;
  }
  if (!ntt_) return std::nullopt;
  // 802.1AX: at most 3 LACPDUs a fast periodic time - scaled as the periodic rates are, or a drill at
  // time scale 0.05 would tell its partner of a change a (real) second late.
  std::erase_if(recent_tx_, [&](TimePoint t) { return t + config_.scale(kFastPeriodic) <= now; });
  if (recent_tx_.size() >= 3) return std::nullopt;
  recent_tx_.push_back(now);
  ntt_ = false;
  ++counters_.sent;
  return Pdu{actor_, rx_ == RxState::Current || rx_ == RxState::Expired ? partner_ : Info{}, 0};
}

// ---------------------------------------------------------------------------------------------------

Member Group::view(std::size_t i) const {
  const auto& p = ports_[i];
  if (!p.linkUp()) return Member::Down;
  if (p.mux() == MuxState::CollectingDistributing) return Member::Bundled;
  if (standby_.size() > i && standby_[i]) return Member::Standby;
  if (p.rx() == RxState::Defaulted) return config_.suspend_individual ? Member::Suspended : Member::Individual;
  if (p.selected()) return Member::Waiting;
  return Member::Suspended;
}

std::vector<MemberChange> Group::update(TimePoint now) {
  auto heard = [](const Port& p) { return p.rx() == RxState::Current && (p.partner().state & kAggregation); };
  auto sameAggregator = [](const Info& a, const Info& b) {
    return a.system_priority == b.system_priority && a.system == b.system && a.key == b.key;
  };
  // The aggregator's partner: kept while one of its ports still hears it, else the first port's.
  bool kept = false;
  if (partner_)
    for (const auto& p : ports_) kept = kept || (heard(p) && sameAggregator(p.partner(), *partner_));
  if (!kept) {
    partner_.reset();
    for (const auto& p : ports_)
      if (heard(p)) {
        partner_ = p.partner();
        break;
      }
  }
  // The ports that may join; beyond lacp max-bundle the rest wait in hot-standby. Which ports come
  // first is the choice of the system with the lower system ID (802.1AX): its port priorities and
  // numbers decide.
  std::vector<std::size_t> want;
  for (std::size_t i = 0; i < ports_.size(); ++i) {
    const auto& p = ports_[i];
    if (!held_ && p.linkUp() && heard(p) && partner_ && sameAggregator(p.partner(), *partner_)) want.push_back(i);
  }
  if (want.size() > config_.max_bundle) {
    const auto& me = ports_[want.front()].actor();
    const bool we_decide = std::make_pair(me.system_priority, me.system.value) <=
                           std::make_pair(partner_->system_priority, partner_->system.value);
    auto rank = [&](std::size_t i) {
      const Info& who = we_decide ? ports_[i].actor() : ports_[i].partner();
      return std::make_pair(who.port_priority, who.port);
    };
    std::stable_sort(want.begin(), want.end(), [&](std::size_t a, std::size_t b) { return rank(a) < rank(b); });
  }
  standby_.assign(ports_.size(), false);
  std::vector<bool> selected(ports_.size(), false);
  for (std::size_t k = 0; k < want.size(); ++k) {
    if (k < config_.max_bundle) selected[want[k]] = true;
    else standby_[want[k]] = true;
  }
  for (std::size_t i = 0; i < ports_.size(); ++i) ports_[i].select(selected[i], now);
  std::vector<MemberChange> out;
  members_.resize(ports_.size(), Member::Down);
  reasons_.resize(ports_.size());
  for (std::size_t i = 0; i < ports_.size(); ++i) {
    const Member now_is = view(i);
    const auto& p = ports_[i];
    std::string why;
    switch (now_is) {
      case Member::Down: why = "link down"; break;
      case Member::Bundled: why = "in sync with partner " + p.partner().system.dotted() + ", collecting and distributing"; break;
      case Member::Individual: why = p.rxReason() + " (no lacp suspend-individual: an individual port)"; break;
      case Member::Standby:
        why = "hot-standby: the port-channel bundles at most " + std::to_string(config_.max_bundle) +
              " members (lacp max-bundle)";
        break;
      case Member::Waiting:
        why = p.mux() == MuxState::Waiting ? "selected: aggregate wait " + seconds(kAggregateWait)
                                           : "waiting for the partner to be in sync";
        break;
      case Member::Suspended:
        if (p.rx() == RxState::Defaulted) why = p.rxReason() + " (lacp suspend-individual)";
        else if (held_) why = held_reason_;
        else if (partner_ && heard(p)) why = "its partner " + p.partner().system.dotted() + " is not the port-channel's (" + partner_->system.dotted() + ")";
        else why = p.rxReason();
        break;
    }
    if (now_is == members_[i] && why == reasons_[i]) continue;
    reasons_[i] = why;  // a new reason for the same state is reported too (from == to)
    out.push_back({i, members_[i], now_is, std::move(why)});
    members_[i] = now_is;
  }
  return out;
}

}  // namespace vpc::lacp
