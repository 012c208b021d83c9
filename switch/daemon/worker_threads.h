// The threads of a server's connections (SSH sessions, NX-API clients): one per connection, joined
// once it finished, all joined when the server stops.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <list>
#include <mutex>
#include <thread>

namespace vpc::daemon {

class WorkerThreads {
 public:
  WorkerThreads() = default;
  WorkerThreads(const WorkerThreads&) = delete;
  WorkerThreads& operator=(const WorkerThreads&) = delete;
  ~WorkerThreads() { joinAll(); }

  // Runs f on a thread of its own; false (f not run) when `limit` of them are still running.
  bool spawn(std::size_t limit, std::function<void()> f) {
    std::lock_guard lock(mu_);
    reapLocked();
    if (workers_.size() >= limit) return false;
    auto& w = workers_.emplace_back();
    w.thread = std::thread([&w, f = std::move(f)] {
      f();
      w.finished = true;
    });
    return true;
  }

  // Joins the threads whose work is done.
  void reap() {
    std::lock_guard lock(mu_);
    reapLocked();
  }

  std::size_t running() {
    std::lock_guard lock(mu_);
    std::size_t n = 0;
    for (const auto& w : workers_) n += w.finished ? 0 : 1;
    return n;
  }

  void joinAll() {
    std::list<Worker> all;
    {
      std::lock_guard lock(mu_);
      all.splice(all.end(), workers_);
    }
    for (auto& w : all) w.thread.join();
  }

 private:
  struct Worker {
    std::thread thread;
    std::atomic<bool> finished{false};
  };
  void reapLocked() {
    for (auto it = workers_.begin(); it != workers_.end();) {
      if (it->finished) {
        it->thread.join();
        it = workers_.erase(it);
      } else {
        ++it;
      }
    }
  }

  std::mutex mu_;
  std::list<Worker> workers_;
};

}  // namespace vpc::daemon
