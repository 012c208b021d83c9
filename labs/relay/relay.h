// Relays that sit on a path between the two switches so a lab can break the path the way a network
// breaks (DESIGN.md §8). From the switches' point of view a fault is a real network event:
//   Pass - bytes/datagrams flow.
//   Cut  - silent: nothing flows and nothing is closed (a pulled cable: no FIN, no RST). TCP data is
//          stalled, not dropped - the relay stops reading, so the sender's kernel keeps it - and flows
//          again on Pass, as TCP retransmission would deliver it after a real cut heals. New TCP
//          connections are accepted but held until Pass. Datagrams are dropped.
//   Shut - clean: every TCP connection is closed now (FIN both ways) and new ones are closed at once;
//          datagrams are dropped.
// An impairment adds to Pass: a delay (with jitter) on every datagram or TCP chunk - TCP keeps its
// byte order, so a chunk never overtakes the one before - and, on UDP, a loss rate. Draws come from a
// seeded generator, so a drill repeats.
// A relay owns its sockets and runs on the io_context it is given; call its methods on that thread.
#pragma once

#include <array>
#include <cstdint>
#include <list>
#include <memory>
#include <random>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>

#include "peerlink/core/result.h"

namespace vpc::labs {

enum class PathMode { Pass, Cut, Shut };
std::string_view toString(PathMode m);

struct Impairment {
  double delay_ms = 0;
  double jitter_ms = 0;      // uniform in [-jitter, +jitter] around the delay (never below 0)
  double loss_percent = 0;   // UDP only
  std::uint64_t seed = 0;    // 0 = 1
  bool any() const { return delay_ms > 0 || jitter_ms > 0 || loss_percent > 0; }
  bool operator==(const Impairment&) const = default;
};

struct RelayStats {
  std::uint64_t connections = 0;  // TCP connections accepted
  std::uint64_t bytes = 0;        // forwarded
  std::uint64_t datagrams = 0;    // forwarded
  std::uint64_t dropped = 0;      // datagrams dropped (cut/shut)
  std::uint64_t closed = 0;       // TCP connections closed by a shut
  std::uint64_t delayed = 0;      // datagrams / chunks held for an impairment
};

class TcpRelay {
 public:
  // Listens on `listen` (A.B.C.D:port; port 0 picks one) and relays to `target`.
  TcpRelay(boost::asio::io_context& io, std::string listen, std::string target);
  ~TcpRelay();
  Status start();
  void setMode(PathMode mode);
  PathMode mode() const { return mode_; }
  void setImpairment(const Impairment& i);
  const Impairment& impairment() const { return impairment_; }
  std::string address() const;  // the bound listen address
  const RelayStats& stats() const { return stats_; }
  // Where connections accepted from now on go (A.B.C.D:port): the target moved (a pod came back elsewhere).
  Status setTarget(const std::string& target);

  class Connection;

 private:
  void acceptNext();
  double drawDelayMs();

  boost::asio::io_context& io_;
  std::string listen_text_, target_text_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::ip::tcp::endpoint target_;
  PathMode mode_ = PathMode::Pass;
  Impairment impairment_;
  std::mt19937_64 rng_{1};
  std::list<std::shared_ptr<Connection>> connections_;
  RelayStats stats_;
  friend class Connection;
};

// A UDP path between two endpoints: side A talks to `a_listen` (as if it were B), side B talks to
// `b_listen` (as if it were A). Datagrams from A reach B from `b_listen`'s address, and back.
class UdpRelay {
 public:
  UdpRelay(boost::asio::io_context& io, std::string a_listen, std::string a_peer, std::string b_listen,
           std::string b_peer);
  Status start();
  void setMode(PathMode mode) { mode_ = mode; }
  PathMode mode() const { return mode_; }
  void setImpairment(const Impairment& i);
  const Impairment& impairment() const { return impairment_; }
  const RelayStats& stats() const { return stats_; }
  std::uint16_t aPort() const;  // bound ports (useful with port 0)
  std::uint16_t bPort() const;
  // A side's peer moved (A.B.C.D:port): datagrams are taken from and sent to its new address.
  Status setPeer(bool side_a, const std::string& peer);

 private:
  struct Side {
    boost::asio::ip::udp::socket socket;
    boost::asio::ip::udp::endpoint listen, peer, from;
    std::array<char, 2048> buf{};
    explicit Side(boost::asio::io_context& io) : socket(io) {}
  };
  void receive(Side& in, Side& out);
  void sendLater(Side& out, const char* data, std::size_t n, double delay_ms);

  boost::asio::io_context& io_;
  std::string texts_[4];
  Side a_, b_;
  PathMode mode_ = PathMode::Pass;
  Impairment impairment_;
  std::mt19937_64 rng_{1};
  RelayStats stats_;
};

}  // namespace vpc::labs
