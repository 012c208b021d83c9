// Defects found when vpclab was tried the way a new user would (issue 10), each as it was seen, with
// real vpcd processes. Every test here failed on the code before its fix.
#include <signal.h>

#include <algorithm>
#include <sstream>

#include <catch2/catch.hpp>

#include "tests/integration/lab.h"

using namespace vpc;
using namespace vpc::itest;
using namespace std::chrono_literals;

namespace {

std::vector<v1::Event> events(Lab& lab, int i) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + 10s);
  v1::EventsRequest req;
  auto reader = lab.mgmt(i).Events(&ctx, req);
  std::vector<v1::Event> out;
  v1::Event ev;
  while (reader->Read(&ev)) out.push_back(ev);
  REQUIRE(reader->Finish().ok());
  return out;
}

std::size_t countLines(const std::string& text, const std::string& fragment) {
  std::size_t n = 0;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (line.find(fragment) != std::string::npos) ++n;
  return n;
}

}  // namespace

// 1. vpcd --log-file FILE; the pair forms, then leaf1's peer-link port-channel is shut.
// 2. The API holds every event; the file ended mid-line 27 lines in: spdlog's file sink buffers, and
//    nothing flushed it while the switch ran.
TEST_CASE("Regression: vpcd --log-file has every event as it happens, whole lines", "[integration][regression]") {
  Lab lab;
  const std::string file = lab.dir() + "/leaf1.events.log";
  lab.extraArgs(0, {"--log-file", file});
  lab.start(0);
  lab.start(1);
  REQUIRE(eventually([&] { return lab.adjacent(); }, 5s));
  REQUIRE(lab.vpcctl(0, {"configure", "interface port-channel1", "shutdown"}).exit_code == 0);
  REQUIRE(eventually([&] { return lab.showVpc(1).peer_status() == "peer link is down"; }, 5s));

  const auto api = events(lab, 0);
  REQUIRE(api.size() > 20);
  // The file is read while vpcd still runs: what is there must already be the whole story.
  REQUIRE(eventually([&] { return countLines(readFile(file), "[leaf1 events]") >= api.size(); }, 2s));
  const auto text = readFile(file);
  CHECK(countLines(text, "[leaf1 events]") == api.size());
  CHECK(text.back() == '\n');
  CHECK(lab.running(0));
}
