// Keepalive datagrams from outside: the input is split into datagrams (a 1-byte length each), decoded
// as the UDP transport decodes them and handed to a live switch.
#include <cstddef>
#include <cstdint>

#include "fuzz/switch_under_test.h"
#include "peerlink/transport/codec.h"

using namespace vpc;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::SwitchUnderTest sw;
  std::size_t at = 0;
  while (at < size) {
    const std::size_t len = data[at++];
    const std::size_t n = len < size - at ? len : size - at;
    if (auto msg = codec::decodeKeepalive(data + at, n)) sw.input(in::KeepaliveReceived{*msg});
    else sw.input(in::KeepaliveMalformed{msg.error().message});
    at += n;
  }
  (void)sw.node->snapshot(sw.now);
  return 0;
}
