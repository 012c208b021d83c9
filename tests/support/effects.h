// Helpers to inspect the effects a core call returned.
#pragma once

#include <string>
#include <vector>

#include "peerlink/core/effects.h"

namespace vpc::test {

template <class T>
std::vector<T> all(const Effects& effects) {
  std::vector<T> out;
  for (const auto& e : effects)
    if (auto* p = std::get_if<T>(&e)) out.push_back(*p);
  return out;
}

template <class T>
bool contains(const Effects& effects) {
  return !all<T>(effects).empty();
}

// Messages of type M sent to the peer.
template <class M>
std::vector<M> sent(const Effects& effects) {
  std::vector<M> out;
  for (const auto& sp : all<fx::SendPeer>(effects))
    if (auto* m = std::get_if<M>(&sp.msg)) out.push_back(*m);
  return out;
}

inline std::vector<Event> events(const Effects& effects) {
  std::vector<Event> out;
  for (const auto& e : all<fx::EventRecorded>(effects)) out.push_back(e.event);
  return out;
}

inline bool hasEvent(const Effects& effects, const Subject& subject, const std::string& to) {
  for (const auto& e : events(effects))
    if (e.subject == subject && e.to == to) return true;
  return false;
}

}  // namespace vpc::test
