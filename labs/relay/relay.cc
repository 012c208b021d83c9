#include "labs/relay/relay.h"

#include <algorithm>
#include <chrono>
#include <deque>
#include <utility>
#include <vector>

#include <boost/asio/buffer.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

namespace vpc::labs {

namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;

std::string_view toString(PathMode m) {
  switch (m) {
    case PathMode::Pass: return "pass";
    case PathMode::Cut: return "cut";
    case PathMode::Shut: return "shut";
  }
  return "?";
}

namespace {
template <class Endpoint>
Result<Endpoint> parseEndpoint(const std::string& text) {
  const auto colon = text.rfind(':');
  boost::system::error_code ec;
  if (colon == std::string::npos) return invalidArgument("address '" + text + "' needs :port");
  const auto addr = asio::ip::make_address_v4(text.substr(0, colon), ec);
  if (ec) return invalidArgument("'" + text + "' is not an IPv4 address");
  int port = 0;
  try {
    port = std::stoi(text.substr(colon + 1));
  } catch (...) {
    port = -1;
  }
  if (port < 0 || port > 65535) return invalidArgument("'" + text + "' has no valid port");
  return Endpoint(addr, static_cast<unsigned short>(port));
}
double draw(std::mt19937_64& rng, const Impairment& i) {
  if (i.jitter_ms <= 0) return i.delay_ms;
  std::uniform_real_distribution<double> u(-i.jitter_ms, i.jitter_ms);
  return std::max(0.0, i.delay_ms + u(rng));
}

using SteadyClock = std::chrono::steady_clock;
constexpr std::size_t kMaxQueued = 4 << 20;  // bytes held for a delay before reading pauses

}  // namespace

// ---------------------------------------------------------------------------------------------------
// One relayed TCP connection: two sockets, two pumps. A pump that is paused (cut) simply does not read,
// so its sender's data waits in the kernel.
class TcpRelay::Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(TcpRelay& r, tcp::socket client)
      : r_(r), client_(std::move(client)), server_(r.io_), up_(r.io_), down_(r.io_) {}

  void begin() {
    if (r_.mode_ == PathMode::Pass) connectUpstream();
    // Cut: held until Pass; Shut: handled by the relay.
  }

  void modeChanged() {
    if (r_.mode_ == PathMode::Shut) {
      close();
      return;
    }
    if (r_.mode_ == PathMode::Pass) {
      if (!connected_ && !connecting_) connectUpstream();
      else if (connected_) {
        for (Pump* p : {&up_, &down_}) {
          drain(*p);
          pump(*p);
        }
      }
    }
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    boost::system::error_code ec;
    client_.shutdown(tcp::socket::shutdown_both, ec);
    client_.close(ec);
    server_.shutdown(tcp::socket::shutdown_both, ec);
    server_.close(ec);
    up_.timer.cancel();
    down_.timer.cancel();
  }
  bool closed() const { return closed_; }

 private:
  struct Chunk {
    SteadyClock::time_point due;
    std::vector<char> data;
  };
  // One direction. Without an impairment a chunk goes straight from `buf` to the other socket, one at a
  // time; with one (or while delayed chunks remain) chunks are copied into `queue` with a due time, in
  // order, and reading goes on until kMaxQueued bytes wait.
  struct Pump {
    explicit Pump(asio::io_context& io) : timer(io) {}
    tcp::socket* from = nullptr;
    tcp::socket* to = nullptr;
    std::array<char, 16384> buf{};
    std::size_t pending = 0;  // bytes read just before a cut, held until Pass
    bool reading = false;
    bool direct_writing = false;  // `buf` is being written
    std::deque<Chunk> queue;
    std::size_t queued = 0;
    bool queue_writing = false;
    bool timer_armed = false;
    SteadyClock::time_point last_due{};
    asio::steady_timer timer;
  };

  void connectUpstream() {
    connecting_ = true;
    server_.async_connect(r_.target_, [self = shared_from_this()](const boost::system::error_code& ec) {
      self->connecting_ = false;
      if (ec || self->closed_) {
        self->close();
        return;
      }
      self->connected_ = true;
      // The switches' own sockets have Nagle off (gRPC sets TCP_NODELAY); so must the relay's, or a small
      // write (an Ack, a Heartbeat) behind unacknowledged data waits for the peer's delayed ACK - up to
      // 40 ms on Linux - which no real peer-link adds.
      boost::system::error_code ignored;
      self->client_.set_option(tcp::no_delay(true), ignored);
      self->server_.set_option(tcp::no_delay(true), ignored);
      self->up_.from = &self->client_;
      self->up_.to = &self->server_;
      self->down_.from = &self->server_;
      self->down_.to = &self->client_;
      if (self->r_.mode_ == PathMode::Pass) {
        self->pump(self->up_);
        self->pump(self->down_);
      }
    });
  }

  void pump(Pump& p) {
    if (closed_ || !p.from || p.reading || p.direct_writing || r_.mode_ != PathMode::Pass) return;
    if (p.pending) {
      deliver(p, std::exchange(p.pending, 0));
      return;
    }
    if (p.queued >= kMaxQueued) return;  // resumes as the queue drains
    p.reading = true;
    p.from->async_read_some(asio::buffer(p.buf), [self = shared_from_this(), &p](const boost::system::error_code& ec,
                                                                                 std::size_t n) {
      p.reading = false;
      if (ec) {  // EOF or error: pass the close on
        self->close();
        return;
      }
      if (self->r_.mode_ != PathMode::Pass) {  // cut while this read was in flight: hold it
        p.pending = n;
        return;
      }
      self->deliver(p, n);
    });
  }

  void deliver(Pump& p, std::size_t n) {
    if (!r_.impairment_.any() && p.queue.empty() && !p.queue_writing) {
      p.direct_writing = true;
      asio::async_write(*p.to, asio::buffer(p.buf.data(), n),
                        [self = shared_from_this(), &p](const boost::system::error_code& ec, std::size_t written) {
                          p.direct_writing = false;
                          if (ec) {
                            self->close();
                            return;
                          }
                          self->r_.stats_.bytes += written;
                          self->pump(p);
                        });
      return;
    }
    const auto due = std::max(p.last_due, SteadyClock::now() + std::chrono::microseconds(static_cast<std::int64_t>(
                                                                   r_.drawDelayMs() * 1000.0)));
    p.last_due = due;
    p.queue.push_back({due, std::vector<char>(p.buf.begin(), p.buf.begin() + static_cast<std::ptrdiff_t>(n))});
    p.queued += n;
    ++r_.stats_.delayed;
    drain(p);
    pump(p);
  }

  void drain(Pump& p) {
    if (closed_ || p.queue_writing || p.queue.empty() || r_.mode_ != PathMode::Pass) return;
    const auto due = p.queue.front().due;
    if (due > SteadyClock::now()) {
      if (p.timer_armed) return;
      p.timer_armed = true;
      p.timer.expires_at(due);
      p.timer.async_wait([self = shared_from_this(), &p](const boost::system::error_code&) {
        p.timer_armed = false;
        self->drain(p);
      });
      return;
    }
    p.queue_writing = true;
    asio::async_write(*p.to, asio::buffer(p.queue.front().data),
                      [self = shared_from_this(), &p](const boost::system::error_code& ec, std::size_t written) {
                        p.queue_writing = false;
                        if (ec) {
                          self->close();
                          return;
                        }
                        p.queued -= p.queue.front().data.size();
                        p.queue.pop_front();
                        self->r_.stats_.bytes += written;
                        self->drain(p);
                        self->pump(p);
                      });
  }

  TcpRelay& r_;
  tcp::socket client_;
  tcp::socket server_;
  Pump up_, down_;
  bool connecting_ = false;
  bool connected_ = false;
  bool closed_ = false;
};

TcpRelay::TcpRelay(asio::io_context& io, std::string listen, std::string target)
    : io_(io), listen_text_(std::move(listen)), target_text_(std::move(target)), acceptor_(io) {}

TcpRelay::~TcpRelay() {
  boost::system::error_code ec;
  acceptor_.close(ec);
  for (auto& c : connections_) c->close();
}

Status TcpRelay::start() {
  VPC_ASSIGN_OR_RETURN(auto listen, parseEndpoint<tcp::endpoint>(listen_text_));
  VPC_ASSIGN_OR_RETURN(target_, parseEndpoint<tcp::endpoint>(target_text_));
  boost::system::error_code ec;
  acceptor_.open(listen.protocol(), ec);
  if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_.bind(listen, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Error{ErrorCode::Unavailable, "relay cannot listen on " + listen_text_ + ": " + ec.message()};
  acceptNext();
  return Status::ok();
}

Status TcpRelay::setTarget(const std::string& target) {
  VPC_ASSIGN_OR_RETURN(target_, parseEndpoint<tcp::endpoint>(target));
  target_text_ = target;
  return Status::ok();
}

std::string TcpRelay::address() const {
  boost::system::error_code ec;
  const auto ep = acceptor_.local_endpoint(ec);
  return ec ? listen_text_ : ep.address().to_string() + ":" + std::to_string(ep.port());
}

void TcpRelay::acceptNext() {
  acceptor_.async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted) return;
    if (!ec) {
      ++stats_.connections;
      auto c = std::make_shared<Connection>(*this, std::move(socket));
      connections_.remove_if([](const auto& x) { return x->closed(); });
      connections_.push_back(c);
      if (mode_ == PathMode::Shut) {
        c->close();
        ++stats_.closed;
      } else {
        c->begin();
      }
    }
    acceptNext();
  });
}

double TcpRelay::drawDelayMs() { return draw(rng_, impairment_); }

void TcpRelay::setImpairment(const Impairment& i) {
  impairment_ = i;
  rng_.seed(i.seed ? i.seed : 1);
}

void TcpRelay::setMode(PathMode mode) {
  mode_ = mode;
  for (auto& c : connections_) {
    if (mode == PathMode::Shut && !c->closed()) ++stats_.closed;
    c->modeChanged();
  }
  connections_.remove_if([](const auto& x) { return x->closed(); });
}

// ---------------------------------------------------------------------------------------------------
UdpRelay::UdpRelay(asio::io_context& io, std::string a_listen, std::string a_peer, std::string b_listen,
                   std::string b_peer)
    : io_(io), texts_{std::move(a_listen), std::move(a_peer), std::move(b_listen), std::move(b_peer)}, a_(io), b_(io) {}

void UdpRelay::setImpairment(const Impairment& i) {
  impairment_ = i;
  rng_.seed(i.seed ? i.seed : 1);
}

// A delayed datagram: its own copy and timer; it leaves when due (jitter may reorder, as on a network).
void UdpRelay::sendLater(Side& out, const char* data, std::size_t n, double delay_ms) {
  struct Held {
    std::vector<char> data;
    asio::steady_timer timer;
  };
  auto held = std::make_shared<Held>(Held{std::vector<char>(data, data + n), asio::steady_timer(io_)});
  held->timer.expires_after(std::chrono::microseconds(static_cast<std::int64_t>(delay_ms * 1000.0)));
  held->timer.async_wait([this, held, &out](const boost::system::error_code& ec) {
    if (ec || mode_ != PathMode::Pass) {
      ++stats_.dropped;
      return;
    }
    boost::system::error_code sec;
    out.socket.send_to(asio::buffer(held->data), out.peer, 0, sec);
    if (!sec) ++stats_.datagrams;
  });
}

Status UdpRelay::start() {
  VPC_ASSIGN_OR_RETURN(a_.listen, parseEndpoint<udp::endpoint>(texts_[0]));
  VPC_ASSIGN_OR_RETURN(a_.peer, parseEndpoint<udp::endpoint>(texts_[1]));
  VPC_ASSIGN_OR_RETURN(b_.listen, parseEndpoint<udp::endpoint>(texts_[2]));
  VPC_ASSIGN_OR_RETURN(b_.peer, parseEndpoint<udp::endpoint>(texts_[3]));
  for (Side* s : {&a_, &b_}) {
    boost::system::error_code ec;
    s->socket.open(udp::v4(), ec);
    if (!ec) s->socket.bind(s->listen, ec);
    if (ec)
      return Error{ErrorCode::Unavailable, "relay cannot bind " + s->listen.address().to_string() + ":" +
                                               std::to_string(s->listen.port()) + ": " + ec.message()};
  }
  receive(a_, b_);
  receive(b_, a_);
  return Status::ok();
}

Status UdpRelay::setPeer(bool side_a, const std::string& peer) {
  VPC_ASSIGN_OR_RETURN(auto ep, parseEndpoint<udp::endpoint>(peer));
  (side_a ? a_ : b_).peer = ep;
  texts_[side_a ? 1 : 3] = peer;
  return Status::ok();
}

std::uint16_t UdpRelay::aPort() const {
  boost::system::error_code ec;
  return a_.socket.local_endpoint(ec).port();
}
std::uint16_t UdpRelay::bPort() const {
  boost::system::error_code ec;
  return b_.socket.local_endpoint(ec).port();
}

// A datagram arriving on `in` (from its peer) leaves through `out` towards `out`'s peer.
void UdpRelay::receive(Side& in, Side& out) {
  in.socket.async_receive_from(asio::buffer(in.buf), in.from,
                               [this, &in, &out](const boost::system::error_code& ec, std::size_t n) {
                                 if (ec == asio::error::operation_aborted) return;
                                 if (!ec && in.from.address() == in.peer.address()) {
                                   if (mode_ == PathMode::Pass) {
                                     if (impairment_.loss_percent > 0 &&
                                         std::uniform_real_distribution<double>(0, 100)(rng_) < impairment_.loss_percent) {
                                       ++stats_.dropped;
                                     } else if (impairment_.delay_ms > 0 || impairment_.jitter_ms > 0) {
                                       ++stats_.delayed;
                                       sendLater(out, in.buf.data(), n, draw(rng_, impairment_));
                                     } else {
                                       boost::system::error_code sec;
                                       out.socket.send_to(asio::buffer(in.buf.data(), n), out.peer, 0, sec);
                                       if (!sec) ++stats_.datagrams;
                                     }
                                   } else {
                                     ++stats_.dropped;
                                   }
                                 }
                                 receive(in, out);
                               });
}

}  // namespace vpc::labs
