#pragma once
// Matrix products of FP32 activations with weights as stored (F32, F16 or BF16), and the
// one dot-product reduction every kernel shares. Each output element is reduced over K in a
// fixed order (8 lanes of fused multiply-adds, a fixed horizontal sum, then the K % 8 tail in
// order), whatever the number of rows M, the tile shape or the thread that computes it: a
// row's result is bitwise the same alone or inside any batch.
#include <cstddef>
#include <cstdint>

#include "engine/format/dtype.h"

namespace slipway::engine {
class ComputePool;
}

namespace slipway::engine::kernels {

// Row-major [rows][cols] weights, e.g. a Linear layer's [out_features][in_features].
struct WeightMatrix {
  DType dtype = DType::F32;
  const std::byte* data = nullptr;
  int64_t rows = 0;
  int64_t cols = 0;
};

// Name of the compiled kernel family: "avx2-fma-f16c" or "portable".
const char* kernel_name();

// sum_k a[k] * b[k] in the canonical order.
float dot(const float* a, const float* b, int64_t k);

// Row `row` of w converted to FP32 (embedding lookup).
void load_row(const WeightMatrix& w, int64_t row, float* out);

// y[m][n] = sum_k x[m][k] * w[n][k] for m < rows, n in [n_begin, n_end); x has w.cols
// columns with row stride x_stride, y has row stride y_stride. Single-threaded.
void matmul_range(const float* x, int64_t rows, int64_t x_stride, const WeightMatrix& w, float* y,
                  int64_t y_stride, int64_t n_begin, int64_t n_end);

// One product of a batch: y = x w^T over all of w's rows.
struct MatmulJob {
  const WeightMatrix* w = nullptr;
  float* y = nullptr;  // [rows][w->rows]
};

// Runs several products that share x (e.g. q/k/v, gate/up) split over their output columns
// on the pool, so every weight is read once per call for all rows.
void matmul(ComputePool& pool, const float* x, int64_t rows, const MatmulJob* jobs,
            std::size_t job_count);

}  // namespace slipway::engine::kernels
