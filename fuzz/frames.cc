// Frames from outside: the first byte picks the way in (a host port, the orphan port, the peer-link),
// the rest is the frame. Parsed as the data plane and LACP parse them, then handed to a live switch.
#include <cstddef>
#include <cstdint>

#include "fuzz/switch_under_test.h"
#include "switch/core/frame.h"
#include "switch/core/lacp_pdu.h"

using namespace vpc;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const frame::View bytes(data + 1, size - 1);
  if (const auto h = frame::parse(bytes)) {
    (void)frame::parseArp(bytes, *h);
    (void)frame::echoReply(bytes, *h, MacAddress{0x0c0000000002ULL}, Ipv4{0x0a0a0003});
    (void)frame::flowHash(bytes, *h);
    frame::Bytes out;
    frame::egress(bytes, *h, std::uint16_t{10}, out);
  }
  (void)lacp::parse(data + 1, size - 1);
  static fuzz::SwitchUnderTest* sw = new fuzz::SwitchUnderTest();  // one switch for all: its tables grow
  static const InterfaceId ports[] = {InterfaceId::ethernet(1, 1), InterfaceId::ethernet(1, 5), InterfaceId::peerLink()};
  sw->input(in::FrameReceived{ports[data[0] % 3], frame::Bytes(data + 1, data + size)});
  return 0;
}
