#include "switch/daemon/nxapi_server.h"

#include <unistd.h>


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
  if (auto why = acceptor_.listen(address_, requested_port_); !why.empty())
    return Error{ErrorCode::Unavailable, "nxapi: " + why};
  port_ = acceptor_.port();
  acceptor_.start(kMaxConnections, [this](int fd) { serve(fd); });
  return Status::ok();
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
  while (!acceptor_.stopping()) {
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

void NxapiServer::stop() { acceptor_.stop(); }

}  // namespace vpc::daemon
