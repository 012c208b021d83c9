#include "labs/lab/ovs_control.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

namespace vpc::lab {

namespace {

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// Where the first complete JSON object of `text` ends (just past its closing brace), if it does.
std::optional<std::size_t> objectEnd(const std::string& text) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '{') ++depth;
    else if (c == '}' && --depth == 0) return i + 1;
  }
  return std::nullopt;
}

}  // namespace

OvsControl::~OvsControl() { close(); }

void OvsControl::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  buffer_.clear();
}

std::optional<std::string> OvsControl::call(const std::string& method, const std::vector<std::string>& params) {
  if (fd_ < 0) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path_.size() >= sizeof(addr.sun_path)) return std::nullopt;
    std::memcpy(addr.sun_path, path_.c_str(), path_.size() + 1);
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return std::nullopt;
    if (::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) {
      close();
      return std::nullopt;
    }
  }
  std::string request = "{\"method\":" + quoted(method) + ",\"params\":[";
  for (std::size_t i = 0; i < params.size(); ++i) request += (i ? "," : "") + quoted(params[i]);
  request += "],\"id\":" + std::to_string(next_id_++) + "}";
  for (std::size_t sent = 0; sent < request.size();) {
    const auto n = ::send(fd_, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) {
      close();
      return std::nullopt;
    }
    sent += static_cast<std::size_t>(n);
  }
  // The reply: {"id":N,"result":"...","error":null}, read within a second.
  std::optional<std::size_t> end;
  char chunk[16384];
  while (!(end = objectEnd(buffer_))) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 1000) <= 0) {
      close();
      return std::nullopt;
    }
    const auto n = ::recv(fd_, chunk, sizeof(chunk), 0);
    if (n <= 0) {
      close();
      return std::nullopt;
    }
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
  google::protobuf::Struct reply;
  const bool parsed = google::protobuf::util::JsonStringToMessage(buffer_.substr(0, *end), &reply).ok();
  buffer_.erase(0, *end);
  if (!parsed) {
    close();
    return std::nullopt;
  }
  const auto& f = reply.fields();
  const auto result = f.find("result");
  if (result == f.end() || result->second.kind_case() != google::protobuf::Value::kStringValue) return std::nullopt;
  return result->second.string_value();
}

}  // namespace vpc::lab
