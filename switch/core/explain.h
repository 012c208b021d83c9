// Which vPC rules explain a cause chain, in our words (for `vpcctl explain`). Pure.
#pragma once

#include <string>
#include <vector>

namespace vpc {

// The rules behind the causes in `chain`, without repeats, most immediate cause's rule first.
std::vector<std::string> rulesFor(const std::vector<std::string>& chain);

}  // namespace vpc
