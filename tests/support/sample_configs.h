// The sample pair's configs (labs/topologies/pair/leaf1.cfg, leaf2.cfg), parsed, for tests of plans.
#pragma once

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>

#include "switch/core/config_parser.h"

namespace vpc::test {

inline SwitchConfig sampleLeaf(int i) {
  std::ifstream in(std::string(VPC_SOURCE_DIR) + "/labs/topologies/pair/leaf" + std::to_string(i) + ".cfg");
  std::stringstream ss;
  ss << in.rdbuf();
  auto r = parseConfig(ss.str(), "leaf.cfg");
  REQUIRE(r.config);
  return *r.config;
}

}  // namespace vpc::test
