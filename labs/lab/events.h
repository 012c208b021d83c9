// The merged event stream of a lab: every switch's Events and the relays' PathEvents, each on its own
// thread, handed to one callback (serialised) as they arrive.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "labs/core/timeline.h"
#include "vpc/v1/lab.pb.h"
#include "vpc/v1/mgmt.pb.h"

namespace vpc::lab {

class EventCollector {
 public:
  using Sink = std::function<void(const v1::Event&)>;
  explicit EventCollector(Sink sink) : sink_(std::move(sink)) {}
  ~EventCollector() { stop(); }

  // Follows one switch (its history, then new events) until it exits or stop().
  void followNode(const v1::LabNode& node);
  // Follows the lab's relays.
  void followPaths(const v1::LabState& lab);
  // Cancels every stream and joins the threads.
  void stop();

 private:
  void add(std::function<void(grpc::ClientContext*)> body);

  Sink sink_;
  std::mutex mu_;
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stopping_{false};
};

// Every event of a lab so far (no follow), sorted by time.
std::vector<v1::Event> labHistory(const v1::LabState& lab);

// A switch's or a path's event as a timeline draws it.
TimelineEvent timelineEvent(const v1::Event& e);

}  // namespace vpc::lab
