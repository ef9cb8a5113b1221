#pragma once
// The process-wide pool that runs every forward pass, sized to the cores. Work is split into
// ranges whose results do not depend on how many threads run them (batch invariance).
#include <cstdint>
#include <functional>
#include <memory>

namespace slipway::engine {

class ComputePool {
 public:
  explicit ComputePool(int threads);  // 0: one per core
  ~ComputePool();
  ComputePool(const ComputePool&) = delete;
  ComputePool& operator=(const ComputePool&) = delete;

  int threads() const;
  // Runs fn(begin, end) over disjoint ranges covering [0, n), in parallel; returns when done.
  // Nested calls from inside fn run inline on the calling thread.
  void parallel_for(int64_t n, const std::function<void(int64_t begin, int64_t end)>& fn);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace slipway::engine
