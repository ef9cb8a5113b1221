#pragma once
// The elements of W + scale * B A for one adapted Linear weight, computed in double from the
// stored values and rounded once to W's dtype, produced chunk by chunk for a streamed writer.
#include <cstddef>
#include <span>
#include <vector>

#include "engine/format/tensor_view.h"
#include "engine/lora/lora_adapter.h"

namespace slipway::app {

class MergedMatrix {
 public:
  // `weight` is [out][in]; the module's A is [r][in] and B [out][r] (checked, std::runtime_error).
  MergedMatrix(const engine::TensorView& weight, const engine::LoraModule& module);

  // Encoded elements [first, first + n) of the merged matrix, n = out.size() / dtype_size.
  void fill(std::size_t first, std::span<std::byte> out) const;

 private:
  const engine::TensorView& weight_;
  int64_t rows_ = 0;
  int64_t cols_ = 0;
  int64_t rank_ = 0;
  std::vector<double> a_;         // [rank][cols]
  std::vector<double> scaled_b_;  // [rows][rank], times scale
};

// Rounds a double to `dtype` with a single rounding (to nearest, ties to even) and encodes it.
void encode_rounded(double value, engine::DType dtype, std::byte* out);

}  // namespace slipway::app
