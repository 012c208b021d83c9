// Lab files from outside: the input is written as a topology file, then as a drill file beside a copy
// of the sample pair topology, and loaded as vpclab loads them (YAML, the schema's rules, the configs
// they name).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "labs/lab/files.h"

using namespace vpc;
namespace fs = std::filesystem;

namespace {
// A scratch copy of the labs folder's layout, made once: topologies/pair/ (pair.yml and its configs)
// and drills/, so a topology input finds leaf1.cfg and a drill input ../topologies/pair/pair.yml.
std::string scratch() {
  const fs::path dir = fs::temp_directory_path() / ("vpclab-fuzz-" + std::to_string(::getpid()));
  fs::create_directories(dir / "topologies/pair");
  fs::create_directories(dir / "drills");
  for (const char* f : {"pair.yml", "leaf1.cfg", "leaf2.cfg"})
    fs::copy_file(fs::path(VPC_SOURCE_DIR) / "labs/topologies/pair" / f, dir / "topologies/pair" / f,
                  fs::copy_options::overwrite_existing);
  return dir.string();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string dir = scratch();
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::ofstream(dir + "/topologies/pair/input.yml", std::ios::trunc) << text;
  (void)lab::loadTopology(dir + "/topologies/pair/input.yml");
  std::ofstream(dir + "/drills/input.yml", std::ios::trunc) << text;
  (void)lab::loadDrill(dir + "/drills/input.yml");
  return 0;
}
