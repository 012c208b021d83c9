#include "labs/relay/relay.h"

#include <utility>

#include <boost/asio/buffer.hpp>
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
}  // namespace

// ---------------------------------------------------------------------------------------------------
// One relayed TCP connection: two sockets, two pumps. A pump that is paused (cut) simply does not read,
// so its sender's data waits in the kernel.
class TcpRelay::Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(TcpRelay& r, tcp::socket client) : r_(r), client_(std::move(client)), server_(r.io_) {}

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
        pump(up_);
        pump(down_);
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
  }
  bool closed() const { return closed_; }

 private:
  struct Pump {
    tcp::socket* from = nullptr;
    tcp::socket* to = nullptr;
    std::array<char, 16384> buf{};
    std::size_t pending = 0;  // bytes read just before a cut, held until Pass
    bool reading = false;
    bool writing = false;
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
      self->up_ = Pump{&self->client_, &self->server_, {}, false, false};
      self->down_ = Pump{&self->server_, &self->client_, {}, false, false};
      if (self->r_.mode_ == PathMode::Pass) {
        self->pump(self->up_);
        self->pump(self->down_);
      }
    });
  }

  void pump(Pump& p) {
    if (closed_ || p.reading || p.writing || r_.mode_ != PathMode::Pass) return;
    if (p.pending) {
      write(p, std::exchange(p.pending, 0));
      return;
    }
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
      self->write(p, n);
    });
  }

  void write(Pump& p, std::size_t n) {
    p.writing = true;
    asio::async_write(*p.to, asio::buffer(p.buf.data(), n),
                      [self = shared_from_this(), &p](const boost::system::error_code& ec, std::size_t written) {
                        p.writing = false;
                        if (ec) {
                          self->close();
                          return;
                        }
                        self->r_.stats_.bytes += written;
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
    : texts_{std::move(a_listen), std::move(a_peer), std::move(b_listen), std::move(b_peer)}, a_(io), b_(io) {}

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
                                     boost::system::error_code sec;
                                     out.socket.send_to(asio::buffer(in.buf.data(), n), out.peer, 0, sec);
                                     if (!sec) ++stats_.datagrams;
                                   } else {
                                     ++stats_.dropped;
                                   }
                                 }
                                 receive(in, out);
                               });
}

}  // namespace vpc::labs
