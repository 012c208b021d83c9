// An io_context on a background thread for adapter tests, with helpers to run code on it and to wait
// (with a bound) for what its handlers record. This tier waits on real time, always bounded.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <mutex>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

namespace vpc::test {

class IoThread {
 public:
  IoThread() : guard_(io_.get_executor()), thread_([this] { io_.run(); }) {}
  ~IoThread() { stop(); }
  void stop() {
    guard_.reset();
    io_.stop();
    if (thread_.joinable()) thread_.join();
  }
  boost::asio::io_context& io() { return io_; }

  // Runs f on the io thread and returns its result.
  template <class F>
  auto run(F f) {
    std::packaged_task<decltype(f())()> task(std::move(f));
    auto fut = task.get_future();
    boost::asio::post(io_, [&task] { task(); });
    return fut.get();
  }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
  std::thread thread_;
};

// Records things from the io thread; lets the test thread wait for a condition with a deadline.
template <class State>
class Recorder {
 public:
  template <class F>
  void update(F f) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      f(state_);
    }
    cv_.notify_all();
  }
  template <class Pred>
  bool waitFor(Pred pred, std::chrono::milliseconds limit = std::chrono::milliseconds(5000)) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, limit, [&] { return pred(state_); });
  }
  State snapshot() {
    std::lock_guard<std::mutex> lock(mu_);
    return state_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  State state_;
};

}  // namespace vpc::test
