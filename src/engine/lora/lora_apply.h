#pragma once
// The low-rank updates of a batch mixing LoRA adapters: after a base product y = x W^T has run
// once for every row, each row whose adapter has that module gets
// y_r += scale * (x_r A^T) B^T. Rows are grouped by adapter so that each adapter's A and B are
// read once per product for all its rows. Every value is a row-independent, fixed-order
// reduction (the kernels' canonical order) added once into y, so a row's result is bitwise the
// same in any batch, and rows without an adapter are never touched.
#include <cstdint>
#include <span>
#include <vector>

#include "engine/compute_pool.h"
#include "engine/lora/lora_adapter.h"

namespace slipway::engine {

// One base product of a layer to update, e.g. q, k and v sharing their input.
struct LoraProduct {
  LoraTarget target = LoraTarget::Q;
  float* y = nullptr;  // [rows][out], the base product's result
  int64_t out = 0;     // width of y's rows
};

class LoraBatch {
 public:
  // Groups the rows of a batch by adapter; row_adapters[r] is row r's adapter or null. Adapters
  // must already fit the model (check_adapter_fits).
  void assign(std::span<const LoraAdapter* const> row_adapters);
  // Whether any row has an adapter.
  bool active() const { return group_count_ > 0; }

  // Adds the update of every product to the rows whose adapter has that module in `layer`;
  // x is the products' shared input, [rows][in].
  void apply(ComputePool& pool, std::size_t layer, const float* x, int64_t in,
             std::span<const LoraProduct> products);

 private:
  struct Group {
    const LoraAdapter* adapter = nullptr;
    std::vector<int64_t> rows;  // batch rows, ascending
    int64_t x_offset = -1;      // its rows gathered contiguously in x_; -1: not needed
  };
  // One (group, product) pair whose adapter has the module: T = X_g A^T * scale in t_, then
  // D = T B^T in d_, then D added into the group's rows of y.
  struct Update {
    const Group* group = nullptr;
    const LoraModule* module = nullptr;
    const LoraProduct* product = nullptr;
    int64_t t_offset = 0;  // [rows][rank]
    int64_t d_offset = 0;  // [rows][out]
  };
  // Output columns [begin, end) of one update's expansion.
  struct Slice {
    std::size_t update = 0;
    int64_t begin = 0;
    int64_t end = 0;
  };

  void plan(std::size_t layer, const float* x, std::span<const LoraProduct> products);
  void shrink(int64_t begin, int64_t end);
  void expand(int64_t begin, int64_t end);

  std::vector<Group> groups_;  // the first group_count_ are in use; the rest keep capacity
  std::size_t group_count_ = 0;
  int64_t adapted_rows_ = 0;
  int64_t in_ = 0;
  std::vector<Update> updates_;
  std::vector<Slice> slices_;
  std::vector<float> x_, t_, d_;
};

}  // namespace slipway::engine
