// A server-streaming gRPC reactor for events, shared by a switch's Management.Events and relayd's
// PathEvents (the management side of things, not the peer-link's): the owner queues the history, then (when following) each new event as it is recorded;
// the reactor writes them one at a time. The queue and every decision live on the owner's io_context
// thread; gRPC's callbacks only post there. A consumer that falls kMaxQueued events behind is cut off
// with RESOURCE_EXHAUSTED rather than letting the queue grow without bound. Header-only.
#pragma once

#include <cstddef>
#include <deque>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <grpcpp/grpcpp.h>

#include "vpc/v1/mgmt.pb.h"

namespace vpc::mgmt {

class EventStream : public grpc::ServerWriteReactor<v1::Event> {
 public:
  static constexpr std::size_t kMaxQueued = 100000;

  explicit EventStream(boost::asio::io_context& io) : io_(io) {}
  ~EventStream() override = default;

  // io thread: one more event to send.
  void push(const v1::Event& event) {
    if (finished_) return;
    if (queue_.size() >= kMaxQueued) {
      finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "event consumer too slow"));
      return;
    }
    queue_.push_back(event);
    writeNext();
  }
  // io thread: ends the stream (once); the owner stops calling push().
  void finish(grpc::Status status) {
    if (finished_) return;
    finished_ = true;
    detach();
    Finish(std::move(status));
  }

  void OnWriteDone(bool ok) override {
    boost::asio::post(io_, [this, ok] {
      writing_ = false;
      if (!queue_.empty()) queue_.pop_front();
      if (!ok) {
        finish(grpc::Status::OK);
        return;
      }
      writeNext();
    });
  }
  void OnCancel() override {
    boost::asio::post(io_, [this] { finish(grpc::Status::CANCELLED); });
  }
  void OnDone() override {
    boost::asio::post(io_, [this] {
      detach();
      delete this;
    });
  }

 protected:
  // io thread, while starting: the history goes here, then either follow or drainThenFinish().
  std::deque<v1::Event>& queue() { return queue_; }
  void drainThenFinish() {
    drain_then_finish_ = true;
    writeNext();
  }
  void writeNext() {
    if (finished_ || writing_) return;
    if (queue_.empty()) {
      if (drain_then_finish_) finish(grpc::Status::OK);
      return;
    }
    writing_ = true;
    StartWrite(&queue_.front());
  }
  // io thread: stop being told of new events (idempotent).
  virtual void detach() = 0;

  boost::asio::io_context& io_;

 private:
  std::deque<v1::Event> queue_;
  bool writing_ = false;
  bool finished_ = false;
  bool drain_then_finish_ = false;
};

}  // namespace vpc::mgmt
