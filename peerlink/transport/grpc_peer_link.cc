#include "peerlink/transport/grpc_peer_link.h"

#include "peerlink/transport/tls.h"

#include <climits>
#include <mutex>

#include <boost/asio/post.hpp>

#include "peerlink/transport/codec.h"
#include "peerlink/transport/grpc_status.h"

namespace vpc::transport {

using v1::PeerMessage;

constexpr auto kGracefulCloseWait = std::chrono::milliseconds(500);
constexpr int kLookaheadBytes = 8 << 20;  // the flow-control window: 64 batches of 4096 records fit

// ---------------------------------------------------------------------------------------------------
// One connection. The write queue, flags and timer are touched on the io thread only.
class PeerLinkTransport::Stream : public std::enable_shared_from_this<Stream> {
 public:
  Stream(PeerLinkTransport& t, ConnId conn) : t_(t), conn_(conn), close_timer_(t.io_) {}
  virtual ~Stream() = default;

  void enqueue(const peer::Message& msg) {
    if (closing_ || finished_) return;
    PeerMessage pm;
    codec::toProto(msg, &pm);
    ++t_.stats_.tx_messages;
    t_.note(true, std::string(peer::messageName(msg)), static_cast<std::uint32_t>(pm.ByteSizeLong()),
            peer::describe(msg));
    std::lock_guard lock(mu_);
    out_.push_back(std::move(pm));
    t_.stats_.max_queue = std::max<std::uint64_t>(t_.stats_.max_queue, out_.size());
    if (!writing_) writeNextLocked();
  }

  void close() {
    if (closing_) return;
    closing_ = true;
    std::unique_lock lock(mu_);
    const bool goodbye_pending = !out_.empty() && out_.back().has_goodbye();
    if (!goodbye_pending) {
      lock.unlock();
      finishNow();
      return;
    }
    // Flush the Goodbye (and what precedes it), then half-close; force it if the peer does not drain.
    close_timer_.expires_after(kGracefulCloseWait);
    close_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (!ec) self->finishNow();
    });
    if (!writing_) writeNextLocked();
  }

  // The stream ended from the peer's side (read failed, cancelled, finished).
  void onEnded(const std::string& reason) {
    if (!reported_ && !closing_) {
      reported_ = true;
      t_.sink_.peerClosed(conn_, reason);
    }
    finishNow();
  }

  void deliver(Result<peer::Message> msg, std::uint32_t bytes) {
    if (closing_ || finished_) return;
    if (msg) {
      ++t_.stats_.rx_messages;
      t_.note(false, std::string(peer::messageName(*msg)), bytes, peer::describe(*msg));
      t_.sink_.peerMessage(conn_, std::move(*msg));
    } else {
      ++t_.stats_.malformed;
      t_.note(false, "malformed", bytes, msg.error().message);
      t_.sink_.peerMalformed(conn_, msg.error().message);
    }
  }

  std::size_t queued() const {
    std::lock_guard lock(mu_);
    return out_.size();
  }
  ConnId conn() const { return conn_; }

 protected:
  virtual void startWrite(const PeerMessage* msg, grpc::WriteOptions options) = 0;
  virtual void gracefulEnd() = 0;  // after the last write of a graceful close
  virtual void abortNow() = 0;     // cancel / finish at once

  // io thread.
  void finishNow() {
    if (finished_) return;
    std::lock_guard lock(mu_);  // no write starts once this holds
    finished_ = true;
    close_timer_.cancel();
    abortNow();
  }

  // gRPC thread. The next write starts from here, without a trip through the io thread: a bulk snapshot
  // is thousands of writes, and a thread hop per write costs more than the write.
  void onWriteDone(bool ok) {
    std::lock_guard lock(mu_);
    writing_ = false;
    if (!out_.empty()) out_.pop_front();
    if (!ok) {
      out_.clear();
      return;
    }
    if (!out_.empty()) {
      writeNextLocked();
    } else if (closing_) {
      post([](Stream& s) { s.drained(); });  // the Goodbye went out: half-close on the io thread
    }
  }

  // mu_ held (io thread or gRPC thread).
  void writeNextLocked() {
    if (finished_) return;
    if (out_.empty()) {
      if (closing_) post([](Stream& s) { s.drained(); });
      return;
    }
    writing_ = true;
    grpc::WriteOptions options;
    if (out_.size() > 1) options.set_buffer_hint();  // more follow: let gRPC coalesce
    startWrite(&out_.front(), options);  // a deque's elements stay put while others are added
  }

  // io thread: a closing stream wrote everything it had.
  void drained() {
    std::lock_guard lock(mu_);
    if (finished_ || writing_ || !out_.empty()) return;
    finished_ = true;
    close_timer_.cancel();
    gracefulEnd();
  }

  // gRPC thread, from OnReadDone: decode (and validate) here, so the core thread does not.
  void decodeAndPost() {
    auto msg = codec::fromProto(in_);
    const auto bytes = static_cast<std::uint32_t>(in_.ByteSizeLong());
    post([msg = std::move(msg), bytes](Stream& s) mutable { s.deliver(std::move(msg), bytes); });
  }
  template <class F>
  void post(F f) {
    boost::asio::post(t_.io_, [self = shared_from_this(), f = std::move(f)]() mutable { f(*self); });
  }

  PeerLinkTransport& t_;
  ConnId conn_;
  // The write side, shared by the io thread (enqueue, close) and gRPC's (write completions). Recursive:
  // gRPC may complete a write inside StartWrite on the calling thread.
  mutable std::recursive_mutex mu_;
  std::deque<PeerMessage> out_;          // front: being written
  bool writing_ = false;
  std::atomic<bool> closing_{false};     // set on the io thread
  std::atomic<bool> finished_{false};    // no more writes
  bool reported_ = false;                // io thread
  PeerMessage in_;  // read buffer: gRPC threads only, one read at a time
  boost::asio::steady_timer close_timer_;
};

// ---------------------------------------------------------------------------------------------------
class PeerLinkTransport::ServerStream final : public Stream,
                                              public grpc::ServerBidiReactor<PeerMessage, PeerMessage> {
 public:
  using Stream::Stream;

  void begin() {
    StartSendInitialMetadata();
    StartRead(&in_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      post([](Stream& s) { s.onEnded("peer-link stream closed by the peer"); });
      return;
    }
    decodeAndPost();
    StartRead(&in_);
  }
  void OnWriteDone(bool ok) override { onWriteDone(ok); }
  void OnCancel() override {
    post([](Stream& s) { s.onEnded("peer-link connection lost"); });
  }
  void OnDone() override {
    post([](Stream& s) {
      auto& self = static_cast<ServerStream&>(s);
      self.t_.release(self.conn_, &self);
    });
  }

 protected:
  void startWrite(const PeerMessage* msg, grpc::WriteOptions options) override { StartWrite(msg, options); }
  void gracefulEnd() override { Finish(grpc::Status::OK); }
  void abortNow() override { Finish(grpc::Status(grpc::StatusCode::CANCELLED, "peer-link closed")); }
};

class PeerLinkTransport::ClientStream final : public Stream,
                                              public grpc::ClientBidiReactor<PeerMessage, PeerMessage> {
 public:
  ClientStream(PeerLinkTransport& t, ConnId conn, const std::string& address, Duration connect_timeout)
      : Stream(t, conn) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);  // a fresh TCP connection per dial
    // gRPC gives one connection attempt max(backoff, min backoff) to reach HTTP/2 SETTINGS; the session
    // decides how long a handshake may take (it grows on a slow path), so both follow it. Each dial is
    // one attempt: the call fails with gRPC's reason and the session retries on its own schedule.
    const int ms = static_cast<int>(std::clamp<std::int64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(connect_timeout).count(), 10, 600000));
    args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, ms);
    args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, ms);
    args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, ms);
    args.SetInt(GRPC_ARG_ENABLE_RETRIES, 0);
    args.SetInt(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES, kLookaheadBytes);
    if (t.tls_) args.SetSslTargetNameOverride(kPeerName);  // the peer's certificate, whatever address we dial
    channel_ = grpc::CreateCustomChannel(address, channelCredentials(t.tls_), args);
    stub_ = v1::PeerLink::NewStub(channel_);
  }

  v1::PeerLink::Stub& stub() { return *stub_; }

  void begin() {
    stub_->async()->Session(&ctx_, this);
    AddHold();  // writes come from the io thread, outside reactions
    StartRead(&in_);
    StartCall();
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      post([](Stream& s) { static_cast<ClientStream&>(s).readEnded(); });
      return;
    }
    decodeAndPost();
    StartRead(&in_);
  }
  void OnWriteDone(bool ok) override { onWriteDone(ok); }
  void OnDone(const grpc::Status& status) override {
    std::string reason = status.ok() ? "peer-link stream closed by the peer"
                                     : "peer-link stream ended: " + describeStatus(status);
    post([reason = std::move(reason)](Stream& s) {
      auto& self = static_cast<ClientStream&>(s);
      self.onEnded(reason);
      self.t_.release(self.conn_, &self);
    });
  }

 private:
  void readEnded() {
    // The status comes with OnDone, which needs our hold released; report from there.
    std::lock_guard lock(mu_);  // not while a gRPC thread starts a write
    releaseHold();
  }
  void releaseHold() {
    if (hold_released_) return;
    hold_released_ = true;
    finished_ = true;  // no more writes from outside reactions
    RemoveHold();
  }

 protected:
  void startWrite(const PeerMessage* msg, grpc::WriteOptions options) override { StartWrite(msg, options); }
  void gracefulEnd() override {
    StartWritesDone();
    releaseHold();
    // If the peer does not finish the call, cancel it.
    close_timer_.expires_after(kGracefulCloseWait);
    close_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (!ec) static_cast<ClientStream&>(*self).ctx_.TryCancel();
    });
  }
  void abortNow() override {
    ctx_.TryCancel();
    releaseHold();
  }

 private:
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::PeerLink::Stub> stub_;
  grpc::ClientContext ctx_;
  bool hold_released_ = false;
};

// ---------------------------------------------------------------------------------------------------
// The frame stream of one connection: frames are queued and written a batch at a time (a burst gathers
// into one message while the previous write is in flight); what arrives is posted to the io thread.
class PeerLinkTransport::FrameStream : public std::enable_shared_from_this<FrameStream> {
 public:
  static constexpr int kBatchFrames = 64;
  static constexpr std::size_t kMaxQueued = 256;  // batches; beyond that frames are dropped

  explicit FrameStream(PeerLinkTransport& t) : t_(t) { ++t_.live_frame_streams_; }
  std::string peer;  // io thread: an accepted stream's TCP peer
  virtual ~FrameStream() { --t_.live_frame_streams_; }

  // io thread.
  bool enqueue(const std::vector<std::uint8_t>& frame) {
    std::lock_guard lock(mu_);
    if (finished_) return false;
    const std::size_t busy = writing_ ? 1 : 0;  // the front batch is being written
    if (out_.size() > busy && out_.back().frames_size() < kBatchFrames) {
      out_.back().add_frames(frame.data(), frame.size());
    } else {
      if (out_.size() >= kMaxQueued) return false;
      out_.emplace_back().add_frames(frame.data(), frame.size());
    }
    if (!writing_) writeNextLocked();
    return true;
  }
  void cancel() {
    std::lock_guard lock(mu_);
    if (finished_) return;
    finished_ = true;
    abortNow();
  }

 protected:
  virtual void startWrite(const v1::FrameBatch* batch) = 0;
  virtual void startRead() = 0;
  virtual void abortNow() = 0;

  // gRPC thread: a batch arrived (or the stream ended).
  void onReadDone(bool ok) {
    if (!ok) {
      cancel();
      return;
    }
    postReceived();
    startRead();
  }

  // gRPC thread.
  void onWriteDone(bool ok) {
    std::lock_guard lock(mu_);
    writing_ = false;
    if (!out_.empty()) out_.pop_front();
    if (!ok) {
      out_.clear();
      return;
    }
    writeNextLocked();
  }
  void writeNextLocked() {
    if (finished_ || out_.empty()) return;
    writing_ = true;
    startWrite(&out_.front());
  }
  // gRPC thread: the frames of a batch that arrived, to the io thread.
  void postReceived() {
    std::vector<std::vector<std::uint8_t>> frames;
    frames.reserve(static_cast<std::size_t>(in_.frames_size()));
    for (const auto& f : in_.frames()) frames.emplace_back(f.begin(), f.end());
    boost::asio::post(t_.io_, [self = shared_from_this(), frames = std::move(frames)]() mutable {
      if (self->t_.currentFrames() != self.get()) {  // not the session's stream: late frames are lost frames
        self->t_.stats_.rx_frames_stale += frames.size();
        return;
      }
      for (auto& f : frames) {
        ++self->t_.stats_.rx_frames;
        self->t_.sink_.peerFrame(std::move(f));
      }
    });
  }
  // The reactor lives until gRPC is done with it, whoever else lets go of it first.
  void keepAlive() { keep_ = shared_from_this(); }
  void postDone() {
    boost::asio::post(t_.io_, [self = shared_from_this()] {
      auto& all = self->t_.frame_streams_;
      for (auto it = all.begin(); it != all.end();) it = it->second == self ? all.erase(it) : std::next(it);
      self->keep_.reset();
    });
  }

  PeerLinkTransport& t_;
  std::recursive_mutex mu_;  // gRPC may complete a write inside StartWrite
  std::deque<v1::FrameBatch> out_;
  bool writing_ = false;
  bool finished_ = false;
  v1::FrameBatch in_;
  std::shared_ptr<FrameStream> keep_;  // io thread
};

class PeerLinkTransport::FrameServer final : public FrameStream,
                                             public grpc::ServerBidiReactor<v1::FrameBatch, v1::FrameBatch> {
 public:
  using FrameStream::FrameStream;
  void begin() {
    keepAlive();
    StartRead(&in_);
  }
  void OnReadDone(bool ok) override { onReadDone(ok); }
  void OnWriteDone(bool ok) override { onWriteDone(ok); }
  void OnCancel() override { cancel(); }
  void OnDone() override { postDone(); }

 protected:
  void startWrite(const v1::FrameBatch* batch) override { StartWrite(batch); }
  void startRead() override { StartRead(&in_); }
  void abortNow() override { Finish(grpc::Status::OK); }
};

class PeerLinkTransport::FrameClient final : public FrameStream,
                                             public grpc::ClientBidiReactor<v1::FrameBatch, v1::FrameBatch> {
 public:
  using FrameStream::FrameStream;
  void begin(v1::PeerLink::Stub& stub) {
    keepAlive();
    stub.async()->Frames(&ctx_, this);
    AddHold();  // writes come from the io thread, outside reactions
    StartRead(&in_);
    StartCall();
  }
  void OnReadDone(bool ok) override { onReadDone(ok); }
  void OnWriteDone(bool ok) override { onWriteDone(ok); }
  void OnDone(const grpc::Status&) override { postDone(); }

 protected:
  void startWrite(const v1::FrameBatch* batch) override { StartWrite(batch); }
  void startRead() override { StartRead(&in_); }
  void abortNow() override {
    ctx_.TryCancel();
    if (!hold_released_) {
      hold_released_ = true;
      RemoveHold();
    }
  }

 private:
  grpc::ClientContext ctx_;
  bool hold_released_ = false;
};

// ---------------------------------------------------------------------------------------------------
// A session refused before anything is read: finished at once.
class Refused final : public grpc::ServerBidiReactor<PeerMessage, PeerMessage> {
 public:
  Refused() { Finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "too many peer-link connections from this source")); }
  void OnDone() override { delete this; }
};

bool PeerLinkTransport::admit(const std::string& peer) {
  // "ipv4:127.2.1.2:45678" / "ipv6:[::1]:45678": the source is all but the port.
  const std::string source = peer.substr(0, peer.rfind(':'));
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(accept_mu_);
  if (accept_buckets_.size() > 1024)  // forget sources whose bucket has refilled (bounded memory)
    std::erase_if(accept_buckets_, [&](const auto& kv) {
      return std::chrono::duration<double>(now - kv.second.at).count() * kAcceptRate >= kAcceptBurst;
    });
  auto& b = accept_buckets_[source];
  if (b.at != std::chrono::steady_clock::time_point{})
    b.tokens = std::min(kAcceptBurst, b.tokens + std::chrono::duration<double>(now - b.at).count() * kAcceptRate);
  b.at = now;
  if (b.tokens < 1) return false;
  b.tokens -= 1;
  return true;
}

class PeerLinkTransport::Service final : public v1::PeerLink::CallbackService {
 public:
  explicit Service(PeerLinkTransport& t) : t_(t) {}

  grpc::ServerBidiReactor<PeerMessage, PeerMessage>* Session(grpc::CallbackServerContext* ctx) override {
    if (!t_.admit(ctx->peer())) {
      boost::asio::post(t_.io_, [&t = t_] { ++t.stats_.rate_limited; });
      return new Refused();
    }
    const ConnId conn = kAcceptedConnBit | t_.next_accept_.fetch_add(1);
    auto stream = std::make_shared<ServerStream>(t_, conn);
    // Adopt before the first read can post anything, so the core hears of the connection first.
    boost::asio::post(t_.io_, [&t = t_, conn, stream, peer = ctx->peer()] {
      t.adopt(conn, stream);
      t.accepted_peer_[conn] = peer;
      // Its frame stream may have come first (the dialer starts both at once).
      if (const auto it = t.frame_streams_.find(0); it != t.frame_streams_.end() && it->second->peer == peer) {
        t.dropFrames(conn);
        t.frame_streams_[conn] = it->second;
        t.frame_streams_.erase(it);
      }
      t.sink_.peerAccepted(conn);
    });
    stream->begin();
    return stream.get();
  }

  grpc::ServerBidiReactor<v1::FrameBatch, v1::FrameBatch>* Frames(grpc::CallbackServerContext* ctx) override {
    auto stream = std::make_shared<FrameServer>(t_);
    boost::asio::post(t_.io_, [&t = t_, stream, peer = ctx->peer()] {
      ConnId conn = 0;  // the accepted session on the same TCP connection
      for (const auto& [c, p] : t.accepted_peer_)
        if (p == peer) conn = c;
      stream->peer = peer;
      t.dropFrames(conn);
      t.frame_streams_[conn] = stream;
    });
    stream->begin();
    return stream.get();
  }

 private:
  PeerLinkTransport& t_;
};

// ---------------------------------------------------------------------------------------------------
PeerLinkTransport::PeerLinkTransport(boost::asio::io_context& io, Sink& sink)
    : io_(io), sink_(sink), service_(std::make_unique<Service>(*this)) {}

PeerLinkTransport::~PeerLinkTransport() = default;

grpc::Service* PeerLinkTransport::service() { return service_.get(); }

void PeerLinkTransport::tune(grpc::ServerBuilder& builder) {
  builder.AddChannelArgument(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES, kLookaheadBytes);
}

void PeerLinkTransport::adopt(ConnId conn, std::shared_ptr<Stream> stream) { streams_[conn] = std::move(stream); }

void PeerLinkTransport::release(ConnId conn, const Stream* stream) {
  auto it = streams_.find(conn);
  if (it == streams_.end() || it->second.get() != stream) return;
  streams_.erase(it);
  accepted_peer_.erase(conn);
  dropFrames(conn);  // the frames go with their session
}

void PeerLinkTransport::dropFrames(ConnId conn) {
  const auto it = frame_streams_.find(conn);
  if (it == frame_streams_.end()) return;
  it->second->cancel();
  frame_streams_.erase(it);
}

PeerLinkTransport::FrameStream* PeerLinkTransport::currentFrames() const {
  auto it = frame_streams_.find(session_conn_);
  if (it == frame_streams_.end()) it = frame_streams_.find(0);
  return it == frame_streams_.end() ? nullptr : it->second.get();
}

void PeerLinkTransport::note(bool tx, std::string type, std::uint32_t bytes, std::string summary) {
  log_.push_back(WireNote{Clock::now(), tx, std::move(type), bytes, std::move(summary)});
  if (log_.size() > kLogSize) log_.pop_front();
}

void PeerLinkTransport::dial(ConnId conn, const std::string& address, Duration connect_timeout) {
  auto stream = std::make_shared<ClientStream>(*this, conn, address, connect_timeout);
  streams_[conn] = stream;
  stream->begin();
  // The frames ride the same channel, so the same TCP connection as the session.
  dropFrames(conn);
  auto frames = std::make_shared<FrameClient>(*this);
  frame_streams_[conn] = frames;
  frames->begin(stream->stub());
}

void PeerLinkTransport::sendFrame(const std::vector<std::uint8_t>& frame) {
  if (auto* f = currentFrames(); f && f->enqueue(frame)) {
    ++stats_.tx_frames;
    return;
  }
  ++stats_.frames_dropped;
}

void PeerLinkTransport::send(ConnId conn, const peer::Message& msg) {
  auto it = streams_.find(conn);
  if (it == streams_.end()) return;
  session_conn_ = conn;
  it->second->enqueue(msg);
}

void PeerLinkTransport::close(ConnId conn) {
  auto it = streams_.find(conn);
  if (it != streams_.end()) it->second->close();
  accepted_peer_.erase(conn);
  dropFrames(conn);
}

void PeerLinkTransport::closeAll() {
  std::vector<ConnId> ids;
  for (const auto& [id, s] : streams_) ids.push_back(id);
  for (auto id : ids) close(id);
  for (auto& [conn, f] : frame_streams_) f->cancel();
  frame_streams_.clear();
}

std::size_t PeerLinkTransport::queued(ConnId conn) const {
  auto it = streams_.find(conn);
  return it == streams_.end() ? 0 : it->second->queued();
}

}  // namespace vpc::transport
