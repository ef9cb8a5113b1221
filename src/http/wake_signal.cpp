#include "http/wake_signal.h"

#include <boost/asio/post.hpp>

#include "http/coro.h"

namespace slipway::http {

namespace asio = boost::asio;

void WakeRemote::notify() {
  std::lock_guard lock(mutex_);
  // Posting under the lock means close() cannot race ahead of a post to a dying strand.
  if (closed_) return;
  asio::post(executor_, [timer = timer_] {
    if (auto t = timer.lock()) t->cancel();
  });
}

void WakeRemote::close() {
  std::lock_guard lock(mutex_);
  closed_ = true;
}

Waiter::Waiter(const asio::any_io_executor& strand)
    : timer_(std::make_shared<asio::steady_timer>(strand)),
      remote_(std::make_shared<WakeRemote>()) {
  remote_->executor_ = strand;
  remote_->timer_ = timer_;
}

Waiter::~Waiter() {
  remote_->close();
}

void Waiter::notify_local() {
  timer_->cancel();
}

asio::awaitable<void> Waiter::wait() {
  co_await wait_until(std::chrono::steady_clock::time_point::max());
}

asio::awaitable<bool> Waiter::wait_until(std::chrono::steady_clock::time_point deadline) {
  // Keep the timer alive across the suspension even if the owner is torn down meanwhile.
  auto timer = timer_;
  timer->expires_at(deadline);
  boost::system::error_code ec;
  co_await timer->async_wait(asio::redirect_error(asio::use_awaitable, ec));
  co_return ec == asio::error::operation_aborted;
}

}  // namespace slipway::http
