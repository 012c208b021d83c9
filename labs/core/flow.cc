#include "labs/core/flow.h"

#include <algorithm>

namespace vpc::lab {

FlowFigures analyseFlow(std::vector<Arrival> arrivals, std::uint64_t sent, std::int64_t start_ns, std::int64_t end_ns) {
  FlowFigures f;
  std::uint64_t highest = 0;
  bool any = false;
  for (const auto& a : arrivals) {
    if (any && a.seq < highest) ++f.reordered;
    highest = any ? std::max(highest, a.seq) : a.seq;
    any = true;
  }
  // By sequence number, the first arrival of each kept.
  std::stable_sort(arrivals.begin(), arrivals.end(), [](const Arrival& a, const Arrival& b) { return a.seq < b.seq; });
  std::vector<Arrival> kept;
  kept.reserve(arrivals.size());
  for (const auto& a : arrivals) {
    if (a.seq >= sent) continue;  // not of this flow's count (cannot happen with a sound sender)
    if (!kept.empty() && kept.back().seq == a.seq) {
      ++f.duplicates;
      continue;
    }
    kept.push_back(a);
  }
  f.received = kept.size();
  auto add = [&](std::int64_t from, std::int64_t to, std::uint64_t lost) {
    if (lost == 0) return;
    Outage o{from, std::max(from, to), lost};
    f.longest_outage_ns = std::max(f.longest_outage_ns, o.to_ns - o.from_ns);
    f.outages.push_back(o);
  };
  if (kept.empty()) {
    add(start_ns, end_ns, sent);
    return f;
  }
  add(start_ns, kept.front().at_ns, kept.front().seq);
  for (std::size_t i = 1; i < kept.size(); ++i)
    add(kept[i - 1].at_ns, kept[i].at_ns, kept[i].seq - kept[i - 1].seq - 1);
  add(kept.back().at_ns, end_ns, sent - 1 - kept.back().seq);
  std::sort(f.outages.begin(), f.outages.end(), [](const Outage& a, const Outage& b) { return a.from_ns < b.from_ns; });
  return f;
}

}  // namespace vpc::lab
