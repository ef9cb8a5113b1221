#pragma once
// Wakes a coroutine that waits on its strand, from any thread. Boost 1.74 has no asio channels,
// so a waiting coroutine parks on a timer set to "never" and a wake-up cancels that timer on
// the strand. Wake-ups carry no data: the waiter re-checks its own state after each wait, so a
// wake that arrives while it is busy is not lost (the state change happened before the post).
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <mutex>

#include "http/coro.h"

namespace slipway::http {

// The thread-safe handle other threads keep. After close() (the waiter is gone) notify() does
// nothing, so a backend that outlives its connection never touches Asio.
class WakeRemote {
 public:
  void notify();
  void close();

 private:
  friend class Waiter;
  std::mutex mutex_;
  bool closed_ = false;
  boost::asio::any_io_executor executor_;
  std::weak_ptr<boost::asio::steady_timer> timer_;
};

// Lives on the strand with its coroutine; one waiter per coroutine at a time.
class Waiter {
 public:
  explicit Waiter(const boost::asio::any_io_executor& strand);
  ~Waiter();
  Waiter(const Waiter&) = delete;
  Waiter& operator=(const Waiter&) = delete;

  std::shared_ptr<WakeRemote> remote() const { return remote_; }
  void notify_local();  // on the strand
  boost::asio::awaitable<void> wait();
  // False when the deadline passed (a wake may still have happened: re-check state).
  boost::asio::awaitable<bool> wait_until(std::chrono::steady_clock::time_point deadline);

 private:
  std::shared_ptr<boost::asio::steady_timer> timer_;
  std::shared_ptr<WakeRemote> remote_;
};

}  // namespace slipway::http
