#include "labs/lab/registry.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <google/protobuf/util/json_util.h>

#include "labs/core/lab_plan.h"
#include "switch/mgmt/text.h"

namespace vpc::lab {

namespace fs = std::filesystem;

std::string labsHome() {
  if (const char* h = std::getenv("VPCLAB_HOME"); h && *h) return h;
  return "/tmp/vpclab-" + std::to_string(::getuid());
}

std::string labDir(const std::string& name) { return labsHome() + "/labs/" + name; }

void addPath(v1::LabState& lab, const PathPlan& path) {
  auto* p = lab.add_paths();
  p->set_name(path.name);
  p->set_kind(path.kind);
  p->set_a(path.a);
  p->set_b(path.b);
  for (const auto& r : path.relays) p->add_relay_addresses(r.listen + ">" + r.target);
}

Result<v1::LabState> readLab(const std::string& name) {
  const std::string path = labDir(name) + "/lab.json";
  std::ifstream in(path);
  if (!in) return notFound("no lab '" + name + "' (nothing at " + path + ")");
  std::stringstream ss;
  ss << in.rdbuf();
  v1::LabState s;
  const auto st = google::protobuf::util::JsonStringToMessage(ss.str(), &s);
  if (!st.ok()) return invalidArgument(path + ": " + std::string(st.message()));
  return s;
}

Status writeLab(const v1::LabState& state) {
  const std::string json = mgmt::toJson(state);
  const std::string path = labDir(state.name()) + "/lab.json";
  std::error_code ec;
  fs::create_directories(labDir(state.name()), ec);
  {
    std::ofstream out(path + ".tmp");
    out << json;
    if (!out) return Error{ErrorCode::Internal, "cannot write " + path};
  }
  fs::rename(path + ".tmp", path, ec);
  if (ec) return Error{ErrorCode::Internal, "cannot write " + path + ": " + ec.message()};
  return Status::ok();
}

std::vector<v1::LabState> listLabs() {
  std::vector<v1::LabState> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(labsHome() + "/labs", ec)) {
    if (!e.is_directory()) continue;
    if (auto s = readLab(e.path().filename().string())) out.push_back(*s);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name() < b.name(); });
  return out;
}

namespace {
bool bindable(const std::string& address, int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<std::uint16_t>(port));
  ::inet_pton(AF_INET, address.c_str(), &sa.sin_addr);
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0;
  ::close(fd);
  return ok;
}
}  // namespace

Result<std::uint32_t> freeSlot(std::uint32_t first) {
  std::set<std::uint32_t> used;
  for (const auto& l : listLabs()) used.insert(l.slot());
  for (std::uint32_t s = std::max<std::uint32_t>(first, 1); s <= kMaxSlot; ++s) {
    if (used.count(s)) continue;
    std::error_code ec;  // a namespace lab of another lab home holds the slot's links
    if (std::filesystem::exists("/sys/class/net/" + namespaceLink(s, 0), ec)) continue;
    if (bindable(slotAddress(s, 1), 9000) && bindable(slotAddress(s, 2), 9000) && bindable(slotAddress(s, 3), 7100))
      return s;
  }
  return Error{ErrorCode::Unavailable, "no free lab slot (127.2.1-250.0/24 all in use)"};
}

Result<std::string> resolveNode(const std::string& target) {
  const auto slash = target.find('/');
  const std::string lab = slash == std::string::npos ? "" : target.substr(0, slash);
  const std::string node = slash == std::string::npos ? target : target.substr(slash + 1);
  std::vector<std::string> found;
  std::string address;
  for (const auto& l : listLabs()) {
    if (!lab.empty() && l.name() != lab) continue;
    for (const auto& n : l.nodes())
      if (n.name() == node) {
        found.push_back(l.name() + "/" + n.name());
        address = n.management();
      }
  }
  if (found.empty())
    return notFound("no switch '" + target + "' in the deployed labs (" + labsHome() + "); give ADDRESS[:PORT]");
  if (found.size() > 1) {
    std::string list;
    for (const auto& f : found) list += (list.empty() ? "" : ", ") + f;
    return invalidArgument("'" + target + "' is in several labs: say which (" + list + ")");
  }
  return address;
}

}  // namespace vpc::lab

namespace vpc::lab {

std::string LabNames::tlsDir(const std::string& name) const {
  const auto slash = name.find('/');
  const std::string lab = slash == std::string::npos ? "" : name.substr(0, slash);
  const std::string node = slash == std::string::npos ? name : name.substr(slash + 1);
  for (const auto& l : listLabs()) {
    if (!lab.empty() && l.name() != lab) continue;
    for (const auto& n : l.nodes())
      if (n.name() == node) return n.tls_dir();
  }
  return "";
}

}  // namespace vpc::lab
