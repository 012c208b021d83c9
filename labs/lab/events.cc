#include "labs/lab/events.h"

#include <algorithm>

#include "labs/lab/lab.h"
#include "labs/lab/process.h"

namespace vpc::lab {

void EventCollector::add(std::function<void(grpc::ClientContext*)> body) {
  std::lock_guard lock(mu_);
  if (stopping_) return;
  contexts_.push_back(std::make_unique<grpc::ClientContext>());
  auto* ctx = contexts_.back().get();
  threads_.emplace_back([body = std::move(body), ctx] { body(ctx); });
}

void EventCollector::followNode(const v1::LabNode& node) {
  add([this, node](grpc::ClientContext* ctx) {
    auto stub = management(node);
    v1::EventsRequest req;
    req.set_follow(true);
    auto reader = stub->Events(ctx, req);
    v1::Event e;
    while (reader->Read(&e)) {
      e.set_switch_(node.name());  // the lab's node name (the config's hostname may differ)
      std::lock_guard lock(mu_);
      sink_(e);
    }
    (void)reader->Finish();
  });
}

void EventCollector::followPaths(const v1::LabState& lab) {
  add([this, lab](grpc::ClientContext* ctx) {
    auto stub = pathControl(lab);
    v1::EventsRequest req;
    req.set_follow(true);
    auto reader = stub->PathEvents(ctx, req);
    v1::Event e;
    while (reader->Read(&e)) {
      std::lock_guard lock(mu_);
      sink_(e);
    }
    (void)reader->Finish();
  });
}

void EventCollector::stop() {
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    for (auto& c : contexts_) c->TryCancel();
    threads.swap(threads_);
  }
  for (auto& t : threads) t.join();
}

std::vector<v1::Event> labHistory(const v1::LabState& lab) {
  std::vector<v1::Event> out;
  auto read = [&](auto& reader) {
    v1::Event e;
    while (reader->Read(&e)) out.push_back(e);
    (void)reader->Finish();
  };
  for (const auto& n : lab.nodes()) {
    if (!processAlive(n.pid())) continue;
    auto stub = management(n);
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    auto reader = stub->Events(&ctx, {});
    const std::size_t from = out.size();
    read(reader);
    for (std::size_t i = from; i < out.size(); ++i) out[i].set_switch_(n.name());
  }
  if (processAlive(lab.relayd_pid())) {
    auto stub = pathControl(lab);
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    auto reader = stub->PathEvents(&ctx, {});
    read(reader);
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.unix_us() < b.unix_us(); });
  return out;
}

TimelineEvent timelineEvent(const v1::Event& e) {
  return {e.unix_us(), e.switch_(), e.subject(), e.from(), e.to(), e.reason(), e.kind() == "reason"};
}

}  // namespace vpc::lab
