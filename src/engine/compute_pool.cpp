#include "engine/compute_pool.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
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

// A value threads wait on: spin briefly, then sleep on a condition variable. (libstdc++ 12's
// std::atomic::wait lost a wake-up here: a 64-bit counter waits through a shared proxy.)
template <typename T>
class Signal {
 public:
  T load() const { return value_.load(std::memory_order_acquire); }
  void store(T v) { value_.store(v, std::memory_order_release); }
  // Publishes v and wakes every sleeper. Taking the lock between the store and the notify
  // means a sleeper either saw v before sleeping or is already waiting when notified.
  void publish(T v) {
    store(v);
    notify();
  }
  T add(T delta) { return value_.fetch_add(delta, std::memory_order_acq_rel) + delta; }
  void notify() {
    { std::lock_guard lock(mutex_); }
    changed_.notify_all();
  }
  // Returns the first value seen that differs from old.
  T await_change(T old) {
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0;; ++i) {
      const T now = load();
      if (now != old) return now;
      SLIPWAY_CPU_RELAX();
      if ((i & 255) == 255 && std::chrono::steady_clock::now() - start > kSpin) break;
    }
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return load() != old; });
    return load();
  }

 private:
  std::atomic<T> value_{0};
  std::mutex mutex_;
  std::condition_variable changed_;
};

}  // namespace

struct ComputePool::Impl {
  int threads = 1;
  std::vector<std::thread> workers;
  std::mutex submit;  // one job at a time from any number of callers

  // Workers sleep on `wake`, the job's generation. `ticket` packs the generation (high half)
  // and its next unclaimed chunk (low half), so a late worker can never claim a chunk of a job
  // other than the one it saw.
  Signal<uint32_t> wake;
  std::atomic<uint64_t> ticket{0};
  // The current job's chunk count, with its generation in the high half: a worker holding a
  // stale ticket must not compare it with the next job's count (it would claim a chunk that
  // does not exist and count it done twice).
  std::atomic<uint64_t> limit{0};
  Signal<int64_t> done;  // chunks finished in the current job
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
        const uint64_t l = limit.load(std::memory_order_acquire);
        if (static_cast<uint32_t>(l >> 32) != generation) return;
        if (chunk >= static_cast<int64_t>(l & 0xffffffffu)) return;
      } while (!ticket.compare_exchange_weak(t, t + 1, std::memory_order_acq_rel));
      try {
        (*fn)(n * chunk / chunks, n * (chunk + 1) / chunks);
      } catch (...) {
        std::lock_guard lock(error_mutex);
        if (!error) error = std::current_exception();
      }
      if (done.add(1) == chunks) done.notify();
    }
  }

  void worker_loop() {
    t_inside_pool = true;
    uint32_t seen = 0;
    for (;;) {
      seen = wake.await_change(seen);
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
    impl_->wake.publish(impl_->wake.load() + 1);
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
  const uint32_t generation = pool.wake.load() + 1;
  const uint64_t tag = static_cast<uint64_t>(generation) << 32;
  // Close the previous job first: a worker still holding its ticket fails to claim from now on.
  pool.ticket.store(tag | 0xffffffffu, std::memory_order_seq_cst);
  pool.fn = &fn;
  pool.n = n;
  pool.chunks = std::min<int64_t>(n, pool.threads * kChunksPerThread);
  pool.limit.store(tag | static_cast<uint64_t>(pool.chunks), std::memory_order_release);
  pool.error = nullptr;
  pool.done.store(0);
  pool.ticket.store(tag, std::memory_order_release);
  pool.wake.publish(generation);

  t_inside_pool = true;
  pool.work(generation);
  t_inside_pool = false;
  for (int64_t finished = pool.done.load(); finished != pool.chunks;)
    finished = pool.done.await_change(finished);
  if (pool.error) std::rethrow_exception(pool.error);
}

}  // namespace slipway::engine
