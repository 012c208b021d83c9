// The peer-link over gRPC: one bidirectional stream (PeerLink.Session) per connection, dialed by the
// lower-MAC switch and accepted by the other. This adapter only moves messages: it encodes what the core
// sends, decodes (and validates) what arrives, and reports connections coming and going. It decides
// nothing.
//
// Threading: gRPC runs reactor callbacks on its own threads. They decode there (so the core thread does
// not) and post the result to the io_context, which is the only thread that calls the Sink; the stream
// table, closing and finishing live there too. Writes go one at a time per stream (gRPC allows one
// outstanding write): the io thread queues them, and the next starts from the completion of the last on
// gRPC's thread (the queue has a lock), so a burst costs no thread hop per message. Every write but the
// last of a burst carries the buffer hint so gRPC coalesces them (TOOLCHAIN.md: ~3x the message rate).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <grpcpp/grpcpp.h>

#include "peerlink/core/effects.h"
#include "peerlink/core/messages.h"
#include "peerlink/core/time.h"
#include "peerlink/transport/tls.h"
#include "vpc/v1/peer.grpc.pb.h"

namespace vpc::transport {

class PeerLinkTransport {
 public:
  // Called on the io_context thread only.
  class Sink {
   public:
    virtual ~Sink() = default;
    virtual void peerAccepted(ConnId conn) = 0;
    virtual void peerMessage(ConnId conn, peer::Message msg) = 0;
    virtual void peerMalformed(ConnId conn, std::string error) = 0;
    virtual void peerClosed(ConnId conn, std::string reason) = 0;
    // A data-plane frame the peer sent over the peer-link's frame stream.
    virtual void peerFrame(std::vector<std::uint8_t> frame) { (void)frame; }
  };

  // The messages on the wire, for `show peer-link messages` (the last kLogSize are kept).
  using WireNote = peer::WireNote;
  static constexpr std::size_t kLogSize = 256;

  struct Stats {
    std::uint64_t tx_messages = 0;
    std::uint64_t rx_messages = 0;
    std::uint64_t malformed = 0;
    std::uint64_t max_queue = 0;
    std::uint64_t tx_frames = 0, rx_frames = 0;
    std::uint64_t frames_dropped = 0;  // no frame stream, or its queue full
    std::uint64_t rx_frames_stale = 0;  // arrived on a frame stream that is no longer the current one
    std::uint64_t rate_limited = 0;     // sessions refused at once: too many from one source
  };
  // Sessions accepted from one source (IP address): a burst of kAcceptBurst, then kAcceptRate a second.
  static constexpr double kAcceptBurst = 20, kAcceptRate = 10;

  PeerLinkTransport(boost::asio::io_context& io, Sink& sink);
  ~PeerLinkTransport();
  PeerLinkTransport(const PeerLinkTransport&) = delete;
  PeerLinkTransport& operator=(const PeerLinkTransport&) = delete;

  // The service to register on the peer-link gRPC server (accepts connections).
  grpc::Service* service();
  // Dial the peer with mutual TLS (before the first dial); the server side is the daemon's to set.
  void useTls(const TlsMaterial& tls) { tls_ = tls; }
  // HTTP/2 settings both ends of a peer-link use: a large flow-control window from the start, so a
  // bulk snapshot is not throttled while gRPC's BDP probing grows it. (Turning the probing off saves
  // an idle link a few pings a second but cost bulk resync ~15 % here; measured, kept on.)
  static void tune(grpc::ServerBuilder& builder);

  // io_context thread only:
  // Dials `address`; the attempt fails (the connection reports closed, with gRPC's reason) when TCP and
  // the HTTP/2 handshake take longer than `connect_timeout`.
  void dial(ConnId conn, const std::string& address, Duration connect_timeout);
  void send(ConnId conn, const peer::Message& msg);
  // A frame for the peer, on the frame stream of the current connection (dropped, counted, when there
  // is none or its queue is full: a data plane drops rather than waits).
  void sendFrame(const std::vector<std::uint8_t>& frame);
  // Closes a connection. If a Goodbye is queued it is flushed first (bounded wait), so the peer learns
  // why; otherwise the stream is cancelled at once.
  void close(ConnId conn);
  void closeAll();
  bool idle() const { return streams_.empty() && live_frame_streams_ == 0; }
  std::size_t queued(ConnId conn) const;
  const Stats& stats() const { return stats_; }
  const std::deque<WireNote>& log() const { return log_; }

  class Stream;  // one connection (server or client side); defined in the .cc
  class FrameStream;  // the frame stream of one connection

 private:
  class Service;
  class ServerStream;
  class ClientStream;
  class FrameServer;
  class FrameClient;
  friend class Service;
  friend class ServerStream;
  friend class ClientStream;
  friend class FrameServer;
  friend class FrameClient;

  void adopt(ConnId conn, std::shared_ptr<Stream> stream);
  void note(bool tx, std::string type, std::uint32_t bytes, std::string summary);
  void release(ConnId conn, const Stream* stream);

  boost::asio::io_context& io_;
  Sink& sink_;
  std::unique_ptr<Service> service_;
  std::unordered_map<ConnId, std::shared_ptr<Stream>> streams_;  // io thread only
  // io thread only. Each session's frame stream rides the same TCP connection (the dialer opens both
  // on one channel; an accepted one is matched by its TCP peer), and only the stream of the session
  // the core talks on (the last conn it sent on) carries frames: what arrives on another is late
  // and dropped, so frames held up in a cut path are not delivered after their session is gone.
  std::map<ConnId, std::shared_ptr<FrameStream>> frame_streams_;  // key 0: an accepted one not matched
  std::map<ConnId, std::string> accepted_peer_;                   // an accepted session's TCP peer
  ConnId session_conn_ = 0;
  FrameStream* currentFrames() const;
  void dropFrames(ConnId conn);
  std::atomic<int> live_frame_streams_{0};                        // until gRPC is done with each
  std::atomic<std::uint64_t> next_accept_{1};                     // gRPC threads
  std::optional<TlsMaterial> tls_;
  // gRPC threads: each source's token bucket of session accepts.
  struct Bucket {
    double tokens = kAcceptBurst;
    std::chrono::steady_clock::time_point at{};
  };
  std::mutex accept_mu_;
  std::map<std::string, Bucket> accept_buckets_;
  bool admit(const std::string& peer);
  Stats stats_;
  std::deque<WireNote> log_;
};

}  // namespace vpc::transport
