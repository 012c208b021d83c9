#include "switch/mgmt/convert.h"

namespace vpc::mgmt {

std::string joinCauses(const Causes& chain) {
  std::string out;
  for (const auto& c : chain) {
    if (!out.empty()) out += " <- ";
    out += describe(c);
  }
  return out;
}

void toProto(const Event& e, const std::string& hostname, const WallClock& clock, v1::Event* out) {
  out->set_seq(e.seq);
  out->set_time(clock.iso(e.at));
  out->set_mono_ms(clock.monoMs(e.at));
  out->set_unix_us(std::chrono::duration_cast<std::chrono::microseconds>(clock.wall(e.at).time_since_epoch()).count());
  out->set_switch_(hostname);
  out->set_subject(e.subject.str());
  out->set_from(e.from);
  out->set_to(e.to);
  out->set_kind(std::string(toString(e.kind)));
  out->set_reason(joinCauses(e.causes));
  chainToProto(e.causes, out->mutable_reason_chain(), out->mutable_causes());
}

}  // namespace vpc::mgmt
