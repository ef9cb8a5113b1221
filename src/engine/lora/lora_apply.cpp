#include "engine/lora/lora_apply.h"

#include <algorithm>

#include "engine/kernels/matmul.h"
#include "engine/kernels/ops.h"

namespace slipway::engine {
namespace {

// Below this many adapted rows the updates run on the calling thread: waking the pool costs
// more than the few small products save. (The split never changes results.)
constexpr int64_t kParallelRows = 4;
// Multiply-adds an expansion slice aims at, so that slices are even enough to share out.
constexpr int64_t kSliceWork = 16 * 1024;
constexpr int64_t kMinSliceColumns = 16;

template <typename T>
T* grown(std::vector<T>& buffer, int64_t size) {
  if (static_cast<int64_t>(buffer.size()) < size) buffer.resize(static_cast<std::size_t>(size));
  return buffer.data();
}

}  // namespace

void LoraBatch::assign(std::span<const LoraAdapter* const> row_adapters) {
  for (std::size_t g = 0; g < group_count_; ++g) groups_[g].rows.clear();
  group_count_ = 0;
  adapted_rows_ = 0;
  for (std::size_t r = 0; r < row_adapters.size(); ++r) {
    const LoraAdapter* adapter = row_adapters[r];
    if (adapter == nullptr) continue;
    std::size_t g = 0;
    while (g < group_count_ && groups_[g].adapter != adapter) ++g;
    if (g == group_count_) {
      if (groups_.size() == group_count_) groups_.emplace_back();
      groups_[g].adapter = adapter;
      groups_[g].rows.clear();
      ++group_count_;
    }
    groups_[g].rows.push_back(static_cast<int64_t>(r));
    ++adapted_rows_;
  }
}

void LoraBatch::plan(std::size_t layer, const float* x, std::span<const LoraProduct> products) {
  // Which groups have a module here, and their rows gathered contiguously.
  int64_t x_size = 0;
  for (std::size_t g = 0; g < group_count_; ++g) {
    Group& group = groups_[g];
    const LoraLayer& modules = group.adapter->layers()[layer];
    group.x_offset = -1;
    for (const LoraProduct& p : products) {
      if (!modules[p.target].present()) continue;
      group.x_offset = x_size;
      x_size += static_cast<int64_t>(group.rows.size()) * in_;
      break;
    }
  }
  float* gathered = grown(x_, x_size);
  for (std::size_t g = 0; g < group_count_; ++g) {
    const Group& group = groups_[g];
    if (group.x_offset < 0) continue;
    float* to = gathered + group.x_offset;
    for (int64_t row : group.rows) to = std::copy(x + row * in_, x + (row + 1) * in_, to);
  }

  // One update per (product, group with the module), and its expansion cut into column slices.
  updates_.clear();
  slices_.clear();
  int64_t t_size = 0;
  int64_t d_size = 0;
  for (const LoraProduct& p : products) {
    for (std::size_t g = 0; g < group_count_; ++g) {
      const Group& group = groups_[g];
      const LoraModule& module = group.adapter->layers()[layer][p.target];
      if (!module.present()) continue;
      const auto rows = static_cast<int64_t>(group.rows.size());
      const int64_t columns = std::max(kMinSliceColumns, kSliceWork / (rows * module.rank()));
      for (int64_t c = 0; c < p.out; c += columns)
        slices_.push_back({updates_.size(), c, std::min(p.out, c + columns)});
      updates_.push_back({&group, &module, &p, t_size, d_size});
      t_size += rows * module.rank();
      d_size += rows * p.out;
    }
  }
  grown(t_, t_size);
  grown(d_, d_size);
}

void LoraBatch::apply(ComputePool& pool, std::size_t layer, const float* x, int64_t in,
                      std::span<const LoraProduct> products) {
  if (!active()) return;
  in_ = in;
  plan(layer, x, products);
  if (updates_.empty()) return;
  // The lambdas capture `this` only, so std::function keeps them without allocating.
  const auto shrinks = static_cast<int64_t>(updates_.size());
  const auto slices = static_cast<int64_t>(slices_.size());
  if (adapted_rows_ < kParallelRows) {
    shrink(0, shrinks);
    expand(0, slices);
    return;
  }
  pool.parallel_for(shrinks, [this](int64_t begin, int64_t end) { shrink(begin, end); });
  pool.parallel_for(slices, [this](int64_t begin, int64_t end) { expand(begin, end); });
}

void LoraBatch::shrink(int64_t begin, int64_t end) {
  for (int64_t i = begin; i < end; ++i) {
    const Update& u = updates_[static_cast<std::size_t>(i)];
    const auto rows = static_cast<int64_t>(u.group->rows.size());
    const int64_t rank = u.module->rank();
    float* t = t_.data() + u.t_offset;
    kernels::matmul_range(x_.data() + u.group->x_offset, rows, in_, u.module->a, t, rank, 0, rank);
    for (int64_t j = 0; j < rows * rank; ++j) t[j] *= u.module->scale;
  }
}

void LoraBatch::expand(int64_t begin, int64_t end) {
  for (int64_t i = begin; i < end; ++i) {
    const Slice& s = slices_[static_cast<std::size_t>(i)];
    const Update& u = updates_[s.update];
    const int64_t out = u.product->out;
    float* d = d_.data() + u.d_offset;
    const auto& rows = u.group->rows;
    kernels::matmul_range(t_.data() + u.t_offset, static_cast<int64_t>(rows.size()),
                          u.module->rank(), u.module->b, d, out, s.begin, s.end);
    for (std::size_t j = 0; j < rows.size(); ++j)
      kernels::add_in_place(u.product->y + rows[j] * out + s.begin,
                            d + static_cast<int64_t>(j) * out + s.begin, s.end - s.begin);
  }
}

}  // namespace slipway::engine
