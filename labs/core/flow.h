// What a sequence-numbered flow's receiver saw, worked out from its arrivals alone. Pure.
//
// An outage is a run of lost datagrams (sequence numbers that never arrived): it lasts from the last
// arrival before the run to the first arrival after it; a run at the flow's start counts from the
// flow's start, a run at its end until the flow's end. A flow that lost nothing has no outage, however
// uneven its arrivals were.
#pragma once

#include <cstdint>
#include <vector>

namespace vpc::lab {

struct Arrival {
  std::uint64_t seq = 0;
  std::int64_t at_ns = 0;  // CLOCK_MONOTONIC
};

struct Outage {
  std::int64_t from_ns = 0, to_ns = 0;
  std::uint64_t lost = 0;
};

struct FlowFigures {
  std::uint64_t received = 0;    // distinct sequence numbers
  std::uint64_t reordered = 0;   // arrived after a higher sequence number
  std::uint64_t duplicates = 0;
  std::vector<Outage> outages;
  std::int64_t longest_outage_ns = 0;
};

// `arrivals` in arrival order; `sent` datagrams numbered 0..sent-1, sent from `start_ns` to `end_ns`.
FlowFigures analyseFlow(std::vector<Arrival> arrivals, std::uint64_t sent, std::int64_t start_ns, std::int64_t end_ns);

}  // namespace vpc::lab
