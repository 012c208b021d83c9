#include <catch2/catch.hpp>

#include "peerlink/core/text_check.h"

using namespace vpc;

TEST_CASE("Text: UTF-8, control characters and length are checked, the problem names the byte", "[text][unit]") {
  CHECK_FALSE(checkText("leaf1 - Ethernet1/1 to server1", 100));
  CHECK_FALSE(checkText("Serveur \xc3\xa0 Z\xc3\xbcrich \xe2\x86\x92 rack 4", 100));  // à, ü, →
  CHECK_FALSE(checkText("tab\tis fine", 100));
  const auto bad = checkText("abc\xff", 100);
  REQUIRE(bad);
  CHECK(bad->offset == 3);
  CHECK(bad->message == "invalid UTF-8");
  CHECK(checkText("\xc0\xaf", 100)->message == "invalid UTF-8");        // overlong '/'
  CHECK(checkText("\xed\xa0\x80", 100)->message == "invalid UTF-8");    // a surrogate
  CHECK(checkText("\xe2\x82", 100)->message == "invalid UTF-8");        // cut short
  CHECK(checkText(std::string("a\0b", 3), 100)->message == "control character U+0000");
  CHECK(checkText("a\x1b[31m", 100)->message == "control character U+001B");
  CHECK(checkText("\xc2\x85", 100)->message == "control character U+0085");  // C1 next line
  CHECK(checkText(std::string(101, 'x'), 100)->message == "longer than 100 bytes");
  CHECK(codePoints("Z\xc3\xbcrich") == 6);
  CHECK(printable("a\xff\x01z") == "a??z");
}

TEST_CASE("Text: NX-OS hostnames", "[text][unit]") {
  CHECK_FALSE(checkHostname("leaf1"));
  CHECK_FALSE(checkHostname("dc1-leaf_01.lab"));
  CHECK_FALSE(checkHostname(std::string(63, 'a')));
  CHECK(checkHostname(std::string(64, 'a')));
  CHECK(checkHostname(""));
  CHECK(checkHostname("-leaf"));
  CHECK(checkHostname("leaf 1"));
  CHECK(checkHostname("le\xc3\xa0" "f"));
}
