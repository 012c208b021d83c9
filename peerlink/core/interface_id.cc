#include "peerlink/core/interface_id.h"

#include <cctype>

#include "peerlink/core/values.h"

namespace vpc {

std::optional<InterfaceId> InterfaceId::fromCode(std::uint32_t code) {
  InterfaceId id;
  id.code_ = code;
  const auto n = id.number();
  switch (id.kind()) {
    case IfKind::Ethernet:
      if (id.slot() >= 1 && id.slot() <= kMaxSlot && n >= 1 && n <= kMaxPort) return id;
      break;
    case IfKind::PortChannel:
      if (id.slot() == 0 && n >= 1 && n <= kMaxPortChannel) return id;
      break;
    case IfKind::Vlan:
      if (id.slot() == 0 && n >= kMinVlan && n <= kMaxVlan) return id;
      break;
    case IfKind::Mgmt:
    case IfKind::PeerLink:
      if (code == (code & 0xf)) return id;
      break;
    case IfKind::Vpc:
      if (id.slot() == 0 && n >= 1 && n <= kMaxVpc) return id;
      break;
    case IfKind::None:
      break;
  }
  return std::nullopt;
}

namespace {
// Splits "eth1/5" into ("eth", "1/5"): the name is the leading letters and dashes.
std::pair<std::string, std::string_view> splitName(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size() && (std::isalpha(static_cast<unsigned char>(text[i])) || text[i] == '-')) ++i;
  return {toLower(text.substr(0, i)), text.substr(i)};
}
bool isPrefixOf(const std::string& abbrev, std::string_view full, std::size_t min_len) {
  return abbrev.size() >= min_len && full.substr(0, abbrev.size()) == abbrev;
}
}  // namespace

std::optional<InterfaceId> InterfaceId::parse(std::string_view text) {
  auto [name, rest] = splitName(text);
  if (name.empty() || rest.empty()) return std::nullopt;
  if (isPrefixOf(name, "ethernet", 1)) {
    const auto slash = rest.find('/');
    if (slash == std::string_view::npos) return std::nullopt;
    auto slot = parseUint(rest.substr(0, slash));
    auto port = parseUint(rest.substr(slash + 1));
    if (!slot || !port || *slot < 1 || *slot > kMaxSlot || *port < 1 || *port > kMaxPort) return std::nullopt;
    return ethernet(static_cast<std::uint32_t>(*slot), static_cast<std::uint32_t>(*port));
  }
  auto n = parseUint(rest);
  if (!n) return std::nullopt;
  if (isPrefixOf(name, "port-channel", 2)) {  // "po", "port", "port-channel"
    if (*n < 1 || *n > kMaxPortChannel) return std::nullopt;
    return portChannel(static_cast<std::uint32_t>(*n));
  }
  if (isPrefixOf(name, "vlan", 1)) {
    if (*n < kMinVlan || *n > kMaxVlan) return std::nullopt;
    return vlan(static_cast<std::uint32_t>(*n));
  }
  if (isPrefixOf(name, "mgmt", 1) && *n == 0) return mgmt();
  return std::nullopt;
}

std::string InterfaceId::longName() const {
  switch (kind()) {
    case IfKind::Ethernet: return "Ethernet" + std::to_string(slot()) + "/" + std::to_string(number());
    case IfKind::PortChannel: return "port-channel" + std::to_string(number());
    case IfKind::Vlan: return "Vlan" + std::to_string(number());
    case IfKind::Mgmt: return "mgmt0";
    case IfKind::PeerLink: return "vPC Peer-Link";
    case IfKind::Vpc: return "vPC " + std::to_string(number());
    case IfKind::None: break;
  }
  return "-";
}

std::string InterfaceId::shortName() const {
  switch (kind()) {
    case IfKind::Ethernet: return "Eth" + std::to_string(slot()) + "/" + std::to_string(number());
    case IfKind::PortChannel: return "Po" + std::to_string(number());
    default: return longName();
  }
}

}  // namespace vpc
