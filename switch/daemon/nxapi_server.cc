#include "switch/daemon/nxapi_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <openssl/evp.h>

#include "switch/cli/management_backend.h"
#include "switch/cli/nxapi.h"

namespace vpc::daemon {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

constexpr int kReapMs = 5000;  // finished clients are joined at the latest this long after
constexpr std::size_t kMaxBody = 1 << 20;  // 1 MiB of commands is plenty
constexpr int kIdleSeconds = 30;

// "Basic dXNlcjpwYXNz" -> ("user", "pass").
std::optional<std::pair<std::string, std::string>> basicAuth(std::string_view header) {
  constexpr std::string_view kBasic = "Basic ";
  if (header.substr(0, kBasic.size()) != kBasic) return std::nullopt;
  const auto b64 = header.substr(kBasic.size());
  if (b64.empty() || b64.size() > 1024 || b64.size() % 4) return std::nullopt;
  std::string out(b64.size() / 4 * 3 + 1, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(b64.data()), static_cast<int>(b64.size()));
  if (n < 0) return std::nullopt;
  std::size_t len = static_cast<std::size_t>(n);
  for (std::size_t i = b64.size(); i > 0 && b64[i - 1] == '='; --i) --len;  // EVP counts the padding
  out.resize(len);
  const auto colon = out.find(':');
  if (colon == std::string::npos) return std::nullopt;
  return std::make_pair(out.substr(0, colon), out.substr(colon + 1));
}

}  // namespace

NxapiServer::NxapiServer(std::string address, std::uint16_t port, Hooks hooks)
    : address_(std::move(address)), requested_port_(port), hooks_(std::move(hooks)) {}

NxapiServer::~NxapiServer() { stop(); }

Status NxapiServer::start() {
  const std::string where = address_ + ":" + std::to_string(requested_port_);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(requested_port_);
  if (::inet_pton(AF_INET, address_.c_str(), &sa.sin_addr) != 1)
    return Error{ErrorCode::InvalidArgument, "nxapi: " + address_ + " is not an IPv4 address"};
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0 || ::listen(listen_fd_, 16) != 0) {
    const std::string why = std::strerror(errno);
    ::close(listen_fd_);
    listen_fd_ = -1;
    return Error{ErrorCode::Unavailable, "nxapi: cannot listen on " + where + " (" + why + ")"};
  }
  socklen_t len = sizeof sa;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&sa), &len);
  port_ = ntohs(sa.sin_port);
  acceptor_ = std::thread([this] { acceptLoop(); });
  return Status::ok();
}

void NxapiServer::acceptLoop() {
  while (!stopping_) {
    if (!wake_.waitReadable(listen_fd_, kReapMs)) {
      clients_.reap();
      continue;
    }
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    {
      std::lock_guard lock(fds_mu_);
      open_fds_.insert(fd);
    }
    const bool started = clients_.spawn(kMaxConnections, [this, fd] {
      serve(fd);
      std::lock_guard lock(fds_mu_);
      open_fds_.erase(fd);
      ::close(fd);  // under the lock: stop() never shuts down a number already reused
    });
    if (!started) {
      std::lock_guard lock(fds_mu_);
      open_fds_.erase(fd);
      ::close(fd);
    }
  }
}

void NxapiServer::serve(int fd) {
  timeval tv{kIdleSeconds, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  asio::io_context io;
  asio::ip::tcp::socket sock(io);
  beast::error_code ec;
  sock.assign(asio::ip::tcp::v4(), ::dup(fd), ec);  // the socket closes its copy; the worker closes fd
  if (ec) return;
  beast::flat_buffer buffer;
  while (!stopping_) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(kMaxBody);
    http::read(sock, buffer, parser, ec);
    if (ec) break;  // closed, idle too long, stopping, or not HTTP
    const auto& req = parser.get();
    ++requests_;
    http::response<http::string_body> res;
    res.version(req.version());
    res.keep_alive(req.keep_alive());
    res.set(http::field::server, "vpclab NX-API");
    const std::string target(req.target());
    if (req.method() != http::verb::post || (target != "/ins" && target != "/ins/")) {
      res.result(req.method() == http::verb::get && target == "/" ? http::status::ok : http::status::not_found);
      res.set(http::field::content_type, "text/plain");
      res.body() = "vpclab NX-API: POST /ins (ins_api, or JSON-RPC with Content-Type application/json-rpc).\n"
                   "The NX-API sandbox page of a real switch is not emulated.\n";
    } else {
      std::optional<UserConfig> user;
      if (auto creds = basicAuth(std::string(req[http::field::authorization]))) {
        auto u = hooks_.user(creds->first);
        if (u && passwordMatches(*u, creds->second)) user = std::move(u);
      }
      if (!user) {
        ++auth_failures_;
        hooks_.log("nxapi: a request without valid credentials");
        res.result(http::status::unauthorized);
        res.set(http::field::www_authenticate, "Basic realm=\"nxapi\"");
        res.set(http::field::content_type, "text/plain");
        res.body() = "401 Authorization Required\n";
      } else {
        cli::ManagementClient client;
        client.address = "this switch";
        client.timeout_s = 60;
        client.stub = v1::Management::NewStub(hooks_.channel());
        cli::ManagementBackend backend(client);
        cli::Shell shell(hooks_.hostname(), backend, user->role);
        const auto reply = cli::nxapiRequest(std::string(req[http::field::content_type]), req.body(), shell);
        res.result(static_cast<http::status>(reply.http_status));
        res.set(http::field::content_type, reply.content_type);
        res.body() = reply.body;
      }
    }
    res.prepare_payload();
    http::write(sock, res, ec);
    if (ec || !res.keep_alive()) break;
  }
  sock.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  sock.close(ec);
}

void NxapiServer::stop() {
  if (stopping_.exchange(true)) return;
  wake_.raise();
  if (acceptor_.joinable()) acceptor_.join();
  {
    std::lock_guard lock(fds_mu_);
    for (const int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);  // a read waiting for the next request returns
  }
  clients_.joinAll();
  if (listen_fd_ >= 0) ::close(listen_fd_);
  listen_fd_ = -1;
}

}  // namespace vpc::daemon
