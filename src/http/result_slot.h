#pragma once
// One result handed from another thread (the admin pool, the response log's writer) to a
// coroutine on its connection's strand: the other thread calls set(), which wakes the waiter;
// the coroutine co_awaits take(). Share it through a shared_ptr so either side may finish first.
#include <memory>
#include <mutex>
#include <optional>
#include <utility>

#include "http/coro.h"
#include "http/wake_signal.h"

namespace slipway::http {

template <class T>
class ResultSlot {
 public:
  // `waiter` is the one take() will wait on.
  explicit ResultSlot(const Waiter& waiter) : remote_(waiter.remote()) {}

  // From any thread; never blocks beyond a short lock, so a writer thread may call it.
  void set(T value) {
    {
      std::lock_guard lock(mutex_);
      value_ = std::move(value);
    }
    remote_->notify();
  }

  // On the strand: waits on `waiter` (the one given at construction) until set() has run.
  boost::asio::awaitable<T> take(Waiter& waiter) {
    for (;;) {
      if (auto value = try_take()) co_return std::move(*value);
      co_await waiter.wait();
    }
  }

 private:
  std::optional<T> try_take() {
    std::lock_guard lock(mutex_);
    return std::exchange(value_, std::nullopt);
  }

  std::mutex mutex_;
  std::optional<T> value_;
  std::shared_ptr<WakeRemote> remote_;
};

}  // namespace slipway::http
