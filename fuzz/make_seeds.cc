// Writes the binary seeds of fuzz/corpus/ (peer_link, keepalive, frames) from real messages:
// `make_seeds DIR`. The text targets' seeds (config, cli, lab_files) are files of the repository.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "fuzz/switch_under_test.h"
#include "peerlink/transport/codec.h"
#include "switch/core/lacp_pdu.h"

using namespace vpc;
namespace fs = std::filesystem;

namespace {

std::string framed(const std::vector<peer::Message>& msgs) {
  std::string out;
  for (const auto& m : msgs) {
    v1::PeerMessage pm;
    codec::toProto(m, &pm);
    const std::string b = pm.SerializeAsString();
    out += static_cast<char>(b.size() >> 8);
    out += static_cast<char>(b.size() & 0xff);
    out += b;
  }
  return out;
}

void write(const fs::path& file, const std::string& bytes) {
  fs::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary) << bytes;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  const fs::path dir = argv[1];
  peer::MacBatch macs;
  macs.seq = 1;
  for (std::uint64_t i = 0; i < 4; ++i) macs.records.push_back({(std::uint64_t{10} << 48) | (0x005056000001ULL + i), 10, 0});
  peer::ArpBatch arps;
  arps.seq = 2;
  arps.records.push_back({0x0a0a000b, 0x005056000001ULL, 10, 0});
  peer::SyncBegin begin;
  begin.epoch = 1;
  begin.next_seq = 1;
  write(dir / "peer_link/sync", framed({peer::Heartbeat{}, peer::Hello{}, begin, peer::Heartbeat{}, macs,
                                         peer::Heartbeat{}, arps, peer::Heartbeat{}, peer::SyncEnd{1}, peer::Ack{1}}));
  write(dir / "peer_link/state", framed({peer::VpcState{}, fuzz::peerHello(), peer::ConsistencyParams{}}));
  write(dir / "peer_link/goodbye", framed({peer::Goodbye{"bye"}, peer::ResyncRequest{"lost"}}));

  std::string ka;
  for (auto boot : {7, 8}) {
    auto k = fuzz::peerKeepalive();
    k.boot_id = static_cast<std::uint64_t>(boot);
    const auto b = codec::encodeKeepalive(k);
    ka += static_cast<char>(b.size());
    ka += b;
  }
  write(dir / "keepalive/two", ka);

  lacp::Pdu pdu;
  pdu.actor = {0xffff, MacAddress{0x525400aa0001ULL}, 9, 0xff, 1, 0x3d};
  const auto lacpdu = lacp::build(pdu, MacAddress{0x525400aa0001ULL});
  write(dir / "frames/lacpdu", std::string(1, '\0') + std::string(lacpdu.begin(), lacpdu.end()));
  // A broadcast ARP request for 10.10.0.3 from 10.10.0.11, untagged.
  const std::uint8_t arp[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x52, 0x54, 0x00, 0xaa, 0x00, 0x01, 0x08, 0x06,
                              0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x52, 0x54, 0x00, 0xaa, 0x00, 0x01,
                              0x0a, 0x0a, 0x00, 0x0b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x0a, 0x00, 0x03};
  write(dir / "frames/arp", std::string(1, '\1') + std::string(std::begin(arp), std::end(arp)));
  return 0;
}
