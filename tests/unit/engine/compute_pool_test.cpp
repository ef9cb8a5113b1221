// The compute pool covers every index exactly once, in parallel, from repeated and nested
// calls, and hands a worker's exception to the caller.
#include "engine/compute_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

namespace slipway::engine {
namespace {

TEST(ComputePool, CoversEachIndexOnce) {
  for (int threads : {1, 2, 3, 5}) {
    ComputePool pool(threads);
    EXPECT_EQ(pool.threads(), threads);
    for (int64_t n : {0, 1, 2, 3, 7, 100, 1001}) {
      std::vector<std::atomic<int>> hits(static_cast<std::size_t>(n));
      pool.parallel_for(n, [&](int64_t begin, int64_t end) {
        EXPECT_LT(begin, end);
        for (int64_t i = begin; i < end; ++i) hits[static_cast<std::size_t>(i)]++;
      });
      for (auto& h : hits) EXPECT_EQ(h.load(), 1) << "threads=" << threads << " n=" << n;
    }
  }
}

TEST(ComputePool, ZeroMeansOnePerCore) {
  ComputePool pool(0);
  EXPECT_EQ(pool.threads(), static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
}

TEST(ComputePool, RunsOnSeveralThreads) {
  ComputePool pool(2);
  // Each chunk waits for the other to start: only two threads at once can finish.
  std::atomic<int> entered{0};
  std::atomic<bool> both{false};
  pool.parallel_for(2, [&](int64_t, int64_t) {
    entered++;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (entered.load() < 2 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::yield();
    if (entered.load() == 2) both = true;
  });
  EXPECT_TRUE(both.load());
}

TEST(ComputePool, ManyQuickJobsAndNestedCalls) {
  ComputePool pool(2);
  std::atomic<int64_t> total{0};
  for (int i = 0; i < 20000; ++i)
    pool.parallel_for(4, [&](int64_t b, int64_t e) { total += e - b; });
  EXPECT_EQ(total.load(), 80000);
  total = 0;
  pool.parallel_for(4, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i)
      pool.parallel_for(10, [&](int64_t b2, int64_t e2) { total += e2 - b2; });
  });
  EXPECT_EQ(total.load(), 40);
}

TEST(ComputePool, ConcurrentCallersAreSerialized) {
  ComputePool pool(2);
  std::atomic<int64_t> total{0};
  std::vector<std::thread> callers;
  for (int c = 0; c < 3; ++c) {
    callers.emplace_back([&] {
      for (int i = 0; i < 2000; ++i)
        pool.parallel_for(8, [&](int64_t b, int64_t e) { total += e - b; });
    });
  }
  for (auto& t : callers) t.join();
  EXPECT_EQ(total.load(), 3 * 2000 * 8);
}

// Jobs whose chunk counts alternate (3 then 8 chunks) back to back: a worker late from one job
// must never claim a chunk of the next by comparing an old ticket with the new count. That
// race once ran a chunk twice and left the caller waiting forever (caught by ctest's timeout).
TEST(ComputePool, AlternatingChunkCountsNeverRunAChunkTwice) {
  ComputePool pool(2);
  std::vector<std::atomic<int>> hits(576);
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  int64_t jobs = 0;
  while (std::chrono::steady_clock::now() < until) {
    for (int64_t n : {int64_t{3}, int64_t{576}}) {
      for (auto& h : hits) h.store(0, std::memory_order_relaxed);
      pool.parallel_for(n, [&](int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i) hits[static_cast<std::size_t>(i)]++;
      });
      for (int64_t i = 0; i < n; ++i)
        ASSERT_EQ(hits[static_cast<std::size_t>(i)].load(), 1) << "job " << jobs << " index " << i;
      ++jobs;
    }
  }
  EXPECT_GT(jobs, 100);
}

TEST(ComputePool, WorkerExceptionReachesCaller) {
  ComputePool pool(2);
  EXPECT_THROW(pool.parallel_for(2,
                                 [&](int64_t b, int64_t) {
                                   if (b == 1) throw std::runtime_error("boom");
                                 }),
               std::runtime_error);
  int64_t seen = 0;
  pool.parallel_for(1, [&](int64_t b, int64_t e) { seen = e - b; });  // still usable
  EXPECT_EQ(seen, 1);
}

}  // namespace
}  // namespace slipway::engine
