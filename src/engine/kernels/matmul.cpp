#include "engine/kernels/matmul.h"

#include <algorithm>
#include <cmath>

#include "engine/compute_pool.h"
#include "engine/kernels/simd.h"

namespace slipway::engine::kernels {
namespace {

// How to read 8 weights (vector) or one (tail) of each stored type.
struct F32Weights {
  using Elem = float;
  static simd::Vec load8(const Elem* p) { return simd::load_f32(p); }
  static float load1(const Elem* p) { return *p; }
};
struct F16Weights {
  using Elem = uint16_t;
  static simd::Vec load8(const Elem* p) { return simd::load_f16(p); }
  static float load1(const Elem* p) { return simd::f16_to_f32(*p); }
};
struct BF16Weights {
  using Elem = uint16_t;
  static simd::Vec load8(const Elem* p) { return simd::load_bf16(p); }
  static float load1(const Elem* p) { return simd::bf16_to_f32(*p); }
};

// MR rows of x times NR rows of w. Each (r, c) pair has its own accumulator that sees exactly
// the FMA sequence of the 1x1 tile, so tile shape never changes a result.
template <int MR, int NR, typename W>
void tile(const float* x, int64_t x_stride, const typename W::Elem* w, int64_t k, float* y,
          int64_t y_stride) {
  simd::Vec acc[MR][NR];
  for (int r = 0; r < MR; ++r)
    for (int c = 0; c < NR; ++c) acc[r][c] = simd::zero();
  const int64_t k8 = k & ~int64_t{7};
  for (int64_t i = 0; i < k8; i += 8) {
    simd::Vec wv[NR];
    for (int c = 0; c < NR; ++c) wv[c] = W::load8(w + c * k + i);
    for (int r = 0; r < MR; ++r) {
      const simd::Vec xv = simd::in_register(simd::load_f32(x + r * x_stride + i));
      for (int c = 0; c < NR; ++c) acc[r][c] = simd::fmadd(xv, wv[c], acc[r][c]);
    }
  }
  for (int r = 0; r < MR; ++r) {
    for (int c = 0; c < NR; ++c) {
      float sum = simd::hsum(acc[r][c]);
      for (int64_t i = k8; i < k; ++i)
        sum = std::fma(x[r * x_stride + i], W::load1(w + c * k + i), sum);
      y[r * y_stride + c] = sum;
    }
  }
}

template <int MR, typename W>
void tile_rows(int nr, const float* x, int64_t x_stride, const typename W::Elem* w, int64_t k,
               float* y, int64_t y_stride) {
  switch (nr) {
    case 4:
      if constexpr (MR * 4 <= 12) {
        tile<MR, 4, W>(x, x_stride, w, k, y, y_stride);
      } else {  // too many accumulators: split, results are the same
        tile<MR, 3, W>(x, x_stride, w, k, y, y_stride);
        tile<MR, 1, W>(x, x_stride, w + 3 * k, k, y + 3, y_stride);
      }
      return;
    case 3:
      tile<MR, 3, W>(x, x_stride, w, k, y, y_stride);
      return;
    case 2:
      tile<MR, 2, W>(x, x_stride, w, k, y, y_stride);
      return;
    default:
      tile<MR, 1, W>(x, x_stride, w, k, y, y_stride);
      return;
  }
}

template <typename W>
void tile_any(int mr, int nr, const float* x, int64_t x_stride, const typename W::Elem* w,
              int64_t k, float* y, int64_t y_stride) {
  switch (mr) {
    case 4:
      tile_rows<4, W>(nr, x, x_stride, w, k, y, y_stride);
      return;
    case 3:
      tile_rows<3, W>(nr, x, x_stride, w, k, y, y_stride);
      return;
    case 2:
      tile_rows<2, W>(nr, x, x_stride, w, k, y, y_stride);
      return;
    default:
      tile_rows<1, W>(nr, x, x_stride, w, k, y, y_stride);
      return;
  }
}

template <typename W>
void matmul_typed(const float* x, int64_t rows, int64_t x_stride, const WeightMatrix& w, float* y,
                  int64_t y_stride, int64_t n_begin, int64_t n_end) {
  const auto* base = reinterpret_cast<const typename W::Elem*>(w.data);
  const int64_t k = w.cols;
  // Rows per block so the block of x stays in L2 while a weight tile is reused across it.
  const int64_t block_rows = std::max<int64_t>(4, (int64_t{256} * 1024 / (k * 4)) & ~int64_t{3});
  for (int64_t m0 = 0; m0 < rows; m0 += block_rows) {
    const int64_t m1 = std::min(rows, m0 + block_rows);
    // Four rows take three weight rows per tile; fewer rows take four (12 accumulators).
    const int nr_main = (m1 - m0) >= 4 ? 3 : 4;
    for (int64_t n = n_begin; n < n_end; n += nr_main) {
      const int nr = static_cast<int>(std::min<int64_t>(nr_main, n_end - n));
      const typename W::Elem* wn = base + n * k;
      for (int64_t m = m0; m < m1; m += 4) {
        const int mr = static_cast<int>(std::min<int64_t>(4, m1 - m));
        tile_any<W>(mr, nr, x + m * x_stride, x_stride, wn, k, y + m * y_stride + n, y_stride);
      }
    }
  }
}

}  // namespace

const char* kernel_name() {
  return SLIPWAY_SIMD_AVX2 ? "avx2-fma-f16c" : "portable";
}

float dot(const float* a, const float* b, int64_t k) {
  float out;
  tile<1, 1, F32Weights>(a, 0, b, k, &out, 0);
  return out;
}

void load_row(const WeightMatrix& w, int64_t row, float* out) {
  const int64_t k = w.cols;
  switch (w.dtype) {
    case DType::F32: {
      const auto* p = reinterpret_cast<const float*>(w.data) + row * k;
      std::copy(p, p + k, out);
      return;
    }
    case DType::F16: {
      const auto* p = reinterpret_cast<const uint16_t*>(w.data) + row * k;
      for (int64_t i = 0; i < k; ++i) out[i] = simd::f16_to_f32(p[i]);
      return;
    }
    case DType::BF16: {
      const auto* p = reinterpret_cast<const uint16_t*>(w.data) + row * k;
      for (int64_t i = 0; i < k; ++i) out[i] = simd::bf16_to_f32(p[i]);
      return;
    }
  }
}

void matmul_range(const float* x, int64_t rows, int64_t x_stride, const WeightMatrix& w, float* y,
                  int64_t y_stride, int64_t n_begin, int64_t n_end) {
  if (rows <= 0 || n_begin >= n_end) return;
  switch (w.dtype) {
    case DType::F32:
      matmul_typed<F32Weights>(x, rows, x_stride, w, y, y_stride, n_begin, n_end);
      return;
    case DType::F16:
      matmul_typed<F16Weights>(x, rows, x_stride, w, y, y_stride, n_begin, n_end);
      return;
    case DType::BF16:
      matmul_typed<BF16Weights>(x, rows, x_stride, w, y, y_stride, n_begin, n_end);
      return;
  }
}

void matmul(ComputePool& pool, const float* x, int64_t rows, const MatmulJob* jobs,
            std::size_t job_count) {
  int64_t total = 0;
  for (std::size_t j = 0; j < job_count; ++j) total += jobs[j].w->rows;
  // The jobs' output columns are laid end to end and split as one range.
  pool.parallel_for(total, [&](int64_t begin, int64_t end) {
    int64_t offset = 0;
    for (std::size_t j = 0; j < job_count; ++j) {
      const WeightMatrix& w = *jobs[j].w;
      const int64_t lo = std::max(begin, offset) - offset;
      const int64_t hi = std::min(end, offset + w.rows) - offset;
      if (lo < hi) matmul_range(x, rows, w.cols, w, jobs[j].y, w.rows, lo, hi);
      offset += w.rows;
    }
  });
}

}  // namespace slipway::engine::kernels
