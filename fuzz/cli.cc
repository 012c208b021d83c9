// Command lines from outside (vpcctl, its session): matched against the exec grammars, completed
// and helped as `?` and tab do; a match builds its request as vpcctl would.
#include <cstddef>
#include <cstdint>
#include <string>

#include "switch/mgmt/registry.h"

using namespace vpc;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string line(reinterpret_cast<const char*>(data), size);
  for (const auto* g : {&mgmt::execGrammar(), &mgmt::shellExecGrammar()}) {
    const auto m = g->match(line);
    if (const auto* err = std::get_if<grammar::MatchError>(&m)) (void)err->message;
    (void)g->complete(line);
  }
  return 0;
}
