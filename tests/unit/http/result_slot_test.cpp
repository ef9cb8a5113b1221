// ResultSlot: a result set on another thread reaches the coroutine waiting on its strand,
// whether it arrives before the coroutine asks for it or while it waits.
#include "http/result_slot.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "http/coro.h"

namespace slipway::http::test {
namespace {

namespace asio = boost::asio;

// Runs `body` as a coroutine on one io_context until it finishes (or a generous bound passes,
// so a lost wake-up fails the test instead of hanging it).
template <class Body>
bool run_coroutine(asio::io_context& io, Body body) {
  bool finished = false;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        co_await body();
        finished = true;
      },
      asio::detached);
  io.run_for(std::chrono::seconds(30));
  return finished;
}

TEST(HttpResultSlot, ASetBeforeTakeIsReturnedAtOnce) {
  asio::io_context io;
  Waiter waiter(io.get_executor());
  auto slot = std::make_shared<ResultSlot<std::string>>(waiter);
  std::thread([slot] { slot->set("ready"); }).join();
  std::string taken;
  ASSERT_TRUE(
      run_coroutine(io, [&]() -> asio::awaitable<void> { taken = co_await slot->take(waiter); }));
  EXPECT_EQ(taken, "ready");
}

TEST(HttpResultSlot, ASetFromAnotherThreadWakesTheWaitingCoroutine) {
  asio::io_context io;
  Waiter waiter(io.get_executor());
  auto slot = std::make_shared<ResultSlot<std::unique_ptr<int>>>(waiter);
  std::unique_ptr<int> taken;
  bool finished = false;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        taken = co_await slot->take(waiter);
        finished = true;
      },
      asio::detached);
  // Spawned second on the one-threaded io_context, this runs once take() has found the slot
  // empty and parked in its wait.
  std::thread setter;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        EXPECT_FALSE(finished);
        setter = std::thread([slot] { slot->set(std::make_unique<int>(42)); });
        co_return;
      },
      asio::detached);
  io.run_for(std::chrono::seconds(30));  // a bound, so a lost wake-up fails instead of hanging
  setter.join();
  ASSERT_TRUE(finished);
  ASSERT_NE(taken, nullptr);
  EXPECT_EQ(*taken, 42);
}

}  // namespace
}  // namespace slipway::http::test
