// A flow's figures from its arrivals: losses, outages, reordering, duplicates.
#include <algorithm>

#include <catch2/catch.hpp>

#include "labs/core/flow.h"

using namespace vpc::lab;

namespace {
constexpr std::int64_t ms = 1'000'000;
// Datagram i sent at i ms and arriving 1 ms later, except those listed as lost.
std::vector<Arrival> steady(std::uint64_t n, std::initializer_list<std::uint64_t> lost = {}) {
  std::vector<Arrival> out;
  for (std::uint64_t i = 0; i < n; ++i)
    if (std::find(lost.begin(), lost.end(), i) == lost.end()) out.push_back({i, static_cast<std::int64_t>(i + 1) * ms});
  return out;
}
}  // namespace

TEST_CASE("Flow: nothing lost means no outage, however uneven the arrivals", "[lab][unit]") {
  auto a = steady(100);
  a[50].at_ns += 30 * ms;  // a late one, not lost
  const auto f = analyseFlow(a, 100, 0, 100 * ms);
  CHECK(f.received == 100);
  CHECK(f.outages.empty());
  CHECK(f.longest_outage_ns == 0);
}

TEST_CASE("Flow: a run of losses is one outage, from the arrival before it to the one after", "[lab][unit]") {
  const auto f = analyseFlow(steady(100, {40, 41, 42, 43, 44, 70}), 100, 0, 100 * ms);
  CHECK(f.received == 94);
  REQUIRE(f.outages.size() == 2);
  CHECK(f.outages[0].lost == 5);
  CHECK(f.outages[0].from_ns == 40 * ms);  // datagram 39 arrived at 40 ms
  CHECK(f.outages[0].to_ns == 46 * ms);    // datagram 45 at 46 ms
  CHECK(f.outages[1].lost == 1);
  CHECK(f.longest_outage_ns == 6 * ms);
}

TEST_CASE("Flow: losses at the start and the end count from the flow's start and until its end", "[lab][unit]") {
  const auto f = analyseFlow(steady(100, {0, 1, 2, 97, 98, 99}), 100, 0, 100 * ms);
  REQUIRE(f.outages.size() == 2);
  CHECK(f.outages[0].from_ns == 0);
  CHECK(f.outages[0].to_ns == 4 * ms);
  CHECK(f.outages[0].lost == 3);
  CHECK(f.outages[1].from_ns == 97 * ms);
  CHECK(f.outages[1].to_ns == 100 * ms);
  CHECK(f.outages[1].lost == 3);
  const auto none = analyseFlow({}, 50, 0, 50 * ms);
  REQUIRE(none.outages.size() == 1);
  CHECK(none.outages[0].lost == 50);
  CHECK(none.longest_outage_ns == 50 * ms);
}

TEST_CASE("Flow: reordered and duplicated datagrams are counted, not lost", "[lab][unit]") {
  std::vector<Arrival> a = {{0, 1 * ms}, {2, 2 * ms}, {1, 3 * ms}, {2, 4 * ms}, {3, 5 * ms}};
  const auto f = analyseFlow(a, 4, 0, 5 * ms);
  CHECK(f.received == 4);
  CHECK(f.reordered == 1);  // 1 arrived after 2
  CHECK(f.duplicates == 1);
  CHECK(f.outages.empty());
}
