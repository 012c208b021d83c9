// The peer-keepalive socket: UDP, bound to the configured source address and port, sending to the
// configured destination. Decodes and validates datagrams; only datagrams from the destination address
// count (anything else is counted and dropped). Lives on the io_context; calls the Sink on its thread.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include "peerlink/core/messages.h"
#include "peerlink/core/result.h"

namespace vpc::transport {

class UdpKeepalive {
 public:
  class Sink {
   public:
    virtual ~Sink() = default;
    virtual void keepaliveReceived(const KeepaliveMsg& msg) = 0;
    virtual void keepaliveMalformed(const std::string& error) = 0;
    // A datagram from an address that is not the peer's (dropped; for the counters).
    virtual void keepaliveForeign(const std::string& from) { (void)from; }
    virtual void keepaliveSent(bool ok, const std::string& error) = 0;
  };

  struct Stats {
    std::uint64_t rx = 0, tx = 0, malformed = 0, foreign = 0, send_errors = 0, unauthenticated = 0;
  };
  static constexpr std::size_t kMacBytes = 32;  // HMAC-SHA256 after the datagram, with a key

  UdpKeepalive(boost::asio::io_context& io, Sink& sink);

  // Binds source:port (port 0: an ephemeral port) and starts receiving.
  Status open(const std::string& source, std::uint16_t port);
  // Where datagrams go, and the only address datagrams are accepted from.
  Status setDestination(const std::string& destination, std::uint16_t port);
  void send(const KeepaliveMsg& msg);
  // A shared key (emulator `keepalive-key`): every datagram sent carries an HMAC-SHA256 of itself, and
  // a datagram received without the right one is refused ("authentication failed"). Empty: none.
  void setKey(std::string key) { key_ = std::move(key); }
  void close();
  std::uint16_t localPort() const;
  const Stats& stats() const { return stats_; }

 private:
  void receiveNext();

  boost::asio::ip::udp::socket socket_;
  boost::asio::ip::udp::endpoint destination_;
  boost::asio::ip::udp::endpoint from_;
  std::array<char, 2048> rx_{};
  Sink& sink_;
  Stats stats_;
  std::string key_;
};

}  // namespace vpc::transport
