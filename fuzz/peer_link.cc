// Peer-link messages from outside: each input is a sequence of PeerMessages (a 2-byte big-endian
// length, then the protobuf bytes), decoded as the transport decodes them and handed to a live
// switch - the even ones on its established session, the odd ones on a second connection that wants
// to replace it. Undecodable ones take the transport's malformed path.
#include <cstddef>
#include <cstdint>

#include "fuzz/switch_under_test.h"
#include "peerlink/transport/codec.h"

using namespace vpc;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::SwitchUnderTest sw;
  sw.input(in::PeerTransportUp{fuzz::kCandidate});
  std::size_t at = 0;
  for (int i = 0; at + 2 <= size && i < 64; ++i) {
    const std::size_t len = (static_cast<std::size_t>(data[at]) << 8 | data[at + 1]);
    at += 2;
    const std::size_t n = len < size - at ? len : size - at;
    const ConnId conn = i % 2 ? fuzz::kCandidate : fuzz::kSession;
    v1::PeerMessage pm;
    if (!pm.ParseFromArray(data + at, static_cast<int>(n))) {
      sw.input(in::PeerMessageMalformed{conn, "not a PeerMessage"});
    } else if (auto msg = codec::fromProto(pm)) {
      sw.input(in::PeerMessageReceived{conn, std::move(*msg)});
    } else {
      sw.input(in::PeerMessageMalformed{conn, msg.error().message});
    }
    at += n;
  }
  (void)sw.node->snapshot(sw.now);
  return 0;
}
