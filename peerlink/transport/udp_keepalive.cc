#include "peerlink/transport/udp_keepalive.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <memory>

#include <boost/asio/buffer.hpp>

#include "peerlink/transport/codec.h"

namespace vpc::transport {

namespace {

std::string hmacSha256(const std::string& key, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), out, &len);
  return std::string(reinterpret_cast<const char*>(out), len);
}

bool verified(const std::string& key, const char* data, std::size_t size, const char* mac) {
  const std::string expected = hmacSha256(key, std::string(data, size));
  return CRYPTO_memcmp(expected.data(), mac, UdpKeepalive::kMacBytes) == 0;
}

}  // namespace


namespace asio = boost::asio;
using asio::ip::udp;

UdpKeepalive::UdpKeepalive(asio::io_context& io, Sink& sink) : socket_(io), sink_(sink) {}

Status UdpKeepalive::setDestination(const std::string& destination, std::uint16_t port) {
  boost::system::error_code ec;
  const auto dst = asio::ip::make_address_v4(destination, ec);
  if (ec) return invalidArgument("peer-keepalive destination '" + destination + "' is not an IPv4 address");
  destination_ = udp::endpoint(dst, port);
  return Status::ok();
}

Status UdpKeepalive::open(const std::string& source, std::uint16_t port) {
  boost::system::error_code ec;
  const auto src = asio::ip::make_address_v4(source, ec);
  if (ec) return invalidArgument("peer-keepalive source '" + source + "' is not an IPv4 address");
  socket_.open(udp::v4(), ec);
  if (!ec) socket_.bind(udp::endpoint(src, port), ec);
  if (ec)
    return Error{ErrorCode::Unavailable, "cannot bind the peer-keepalive socket to " + source + ":" +
                                             std::to_string(port) + ": " + ec.message()};
  receiveNext();
  return Status::ok();
}

std::uint16_t UdpKeepalive::localPort() const {
  boost::system::error_code ec;
  auto ep = socket_.local_endpoint(ec);
  return ec ? 0 : ep.port();
}

void UdpKeepalive::close() {
  boost::system::error_code ec;
  socket_.close(ec);
}

void UdpKeepalive::send(const KeepaliveMsg& msg) {
  if (!socket_.is_open()) return;
  auto payload = std::make_shared<std::string>(codec::encodeKeepalive(msg));
  if (!key_.empty()) *payload += hmacSha256(key_, *payload);
  socket_.async_send_to(asio::buffer(*payload), destination_,
                        [this, payload](const boost::system::error_code& ec, std::size_t) {
                          if (ec == asio::error::operation_aborted) return;
                          if (ec) ++stats_.send_errors;
                          else ++stats_.tx;
                          sink_.keepaliveSent(!ec, ec ? ec.message() : std::string());
                        });
}

void UdpKeepalive::receiveNext() {
  socket_.async_receive_from(asio::buffer(rx_), from_, [this](const boost::system::error_code& ec, std::size_t n) {
    if (ec == asio::error::operation_aborted || !socket_.is_open()) return;
    if (!ec) {
      if (from_.address() != destination_.address()) {
        ++stats_.foreign;  // not our peer: ignore (another lab on the same host, a stray sender)
        sink_.keepaliveForeign(from_.address().to_string());
      } else if (!key_.empty() && (n < kMacBytes || !verified(key_, rx_.data(), n - kMacBytes, rx_.data() + n - kMacBytes))) {
        ++stats_.unauthenticated;
        ++stats_.malformed;
        sink_.keepaliveMalformed("authentication failed (keepalive-key)");
      } else if (auto msg = codec::decodeKeepalive(rx_.data(), key_.empty() ? n : n - kMacBytes)) {
        ++stats_.rx;
        sink_.keepaliveReceived(*msg);
      } else {
        ++stats_.malformed;
        sink_.keepaliveMalformed(msg.error().message);
      }
    }
    receiveNext();
  });
}

}  // namespace vpc::transport
