#include "engine/compute_pool.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define SLIPWAY_CPU_RELAX() _mm_pause()
#else
#define SLIPWAY_CPU_RELAX() std::this_thread::yield()
#endif

namespace slipway::engine {
namespace {

// Workers spin this long after a job before sleeping: steps of a forward pass follow each
// other within microseconds, but an idle pool must not burn a shared core.
constexpr auto kSpin = std::chrono::microseconds(200);
// Chunks per thread: whoever is awake takes the next one, so a descheduled worker on a busy
// machine delays a job by at most one chunk, not half of it.
constexpr int64_t kChunksPerThread = 4;

thread_local bool t_inside_pool = false;

// Spins while value == old, then blocks on it; returns the new value.
template <typename T>
T await_change(const std::atomic<T>& value, T old) {
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0;; ++i) {
    const T now = value.load(std::memory_order_acquire);
    if (now != old) return now;
    SLIPWAY_CPU_RELAX();
    if ((i & 255) == 255 && std::chrono::steady_clock::now() - start > kSpin) break;
  }
  for (;;) {
    value.wait(old, std::memory_order_acquire);
    const T now = value.load(std::memory_order_acquire);
    if (now != old) return now;
  }
}

}  // namespace

struct ComputePool::Impl {
  int threads = 1;
  std::vector<std::thread> workers;
  std::mutex submit;  // one job at a time from any number of callers

  // Workers sleep on `wake` (32 bits: a plain futex). `ticket` packs the job's generation
  // (high half) and its next unclaimed chunk (low half), so a late worker can never claim a
  // chunk of a job other than the one it saw.
  std::atomic<uint32_t> wake{0};
  std::atomic<uint64_t> ticket{0};
  std::atomic<int64_t> done{0};  // chunks finished in the current job
  const std::function<void(int64_t, int64_t)>* fn = nullptr;
  int64_t n = 0;
  int64_t chunks = 0;
  bool stop = false;
  std::exception_ptr error;
  std::mutex error_mutex;

  // Claims and runs chunks of job `generation` until none is left.
  void work(uint32_t generation) {
    for (;;) {
      uint64_t t = ticket.load(std::memory_order_acquire);
      int64_t chunk;
      do {
        if (static_cast<uint32_t>(t >> 32) != generation) return;
        chunk = static_cast<int64_t>(t & 0xffffffffu);
        if (chunk >= chunks) return;
      } while (!ticket.compare_exchange_weak(t, t + 1, std::memory_order_acq_rel));
      try {
        (*fn)(n * chunk / chunks, n * (chunk + 1) / chunks);
      } catch (...) {
        std::lock_guard lock(error_mutex);
        if (!error) error = std::current_exception();
      }
      if (done.fetch_add(1, std::memory_order_acq_rel) + 1 == chunks) done.notify_all();
    }
  }

  void worker_loop() {
    t_inside_pool = true;
    uint32_t seen = 0;
    for (;;) {
      seen = await_change(wake, seen);
      if (stop) return;
      work(seen);
    }
  }
};

ComputePool::ComputePool(int threads) : impl_(std::make_unique<Impl>()) {
  if (threads <= 0) threads = static_cast<int>(std::thread::hardware_concurrency());
  impl_->threads = std::max(threads, 1);
  for (int i = 1; i < impl_->threads; ++i)
    impl_->workers.emplace_back([this] { impl_->worker_loop(); });
}

ComputePool::~ComputePool() {
  {
    std::lock_guard lock(impl_->submit);
    impl_->stop = true;
    impl_->wake.fetch_add(1, std::memory_order_release);
    impl_->wake.notify_all();
  }
  for (auto& worker : impl_->workers) worker.join();
}

int ComputePool::threads() const {
  return impl_->threads;
}

void ComputePool::parallel_for(int64_t n,
                               const std::function<void(int64_t begin, int64_t end)>& fn) {
  if (n <= 0) return;
  Impl& pool = *impl_;
  if (pool.threads == 1 || n == 1 || t_inside_pool) {
    fn(0, n);
    return;
  }
  std::lock_guard lock(pool.submit);
  const uint32_t generation = pool.wake.load(std::memory_order_relaxed) + 1;
  pool.fn = &fn;
  pool.n = n;
  pool.chunks = std::min<int64_t>(n, pool.threads * kChunksPerThread);
  pool.error = nullptr;
  pool.done.store(0, std::memory_order_relaxed);
  pool.ticket.store(static_cast<uint64_t>(generation) << 32, std::memory_order_release);
  pool.wake.store(generation, std::memory_order_release);
  pool.wake.notify_all();

  t_inside_pool = true;
  pool.work(generation);
  t_inside_pool = false;
  for (int64_t finished = pool.done.load(std::memory_order_acquire); finished != pool.chunks;)
    finished = await_change(pool.done, finished);
  if (pool.error) std::rethrow_exception(pool.error);
}

}  // namespace slipway::engine
