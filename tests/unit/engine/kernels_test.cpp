// Matmul kernels: accuracy against a double-precision loop for every weight dtype, and the
// bitwise invariance of a row's result under tiling, batch size and thread count.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

#include "engine/compute_pool.h"
#include "engine/format/safetensors_writer.h"
#include "engine/kernels/matmul.h"
#include "engine/kernels/ops.h"

namespace slipway::engine::kernels {
namespace {

struct Weights {
  OwnedTensor stored;
  std::vector<float> values;  // what the stored weights mean
  WeightMatrix matrix() const {
    return {stored.dtype, stored.bytes.data(), stored.shape[0], stored.shape[1]};
  }
};

Weights random_weights(DType dtype, int64_t rows, int64_t cols, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> dist(-1, 1);
  std::vector<float> v(static_cast<std::size_t>(rows * cols));
  for (float& x : v) x = dist(rng);
  Weights w{make_tensor(dtype, {rows, cols}, v), v};
  for (std::size_t i = 0; i < v.size(); ++i) {
    uint16_t bits;
    if (dtype == DType::F32) continue;
    std::memcpy(&bits, &w.stored.bytes[i * 2], 2);
    if (dtype == DType::BF16) w.values[i] = bf16_to_float(bits);
    if (dtype == DType::F16) w.values[i] = f16_to_float(bits);
  }
  return w;
}

std::vector<float> random_input(int64_t rows, int64_t cols, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> dist(-1, 1);
  std::vector<float> v(static_cast<std::size_t>(rows * cols));
  for (float& x : v) x = dist(rng);
  return v;
}

class MatmulAccuracy : public ::testing::TestWithParam<DType> {};

TEST_P(MatmulAccuracy, MatchesDoubleLoopOnOddSizes) {
  ComputePool pool(2);
  for (int64_t m : {1, 2, 3, 5, 7, 13}) {
    for (int64_t k : {1, 7, 8, 9, 37, 64, 130}) {
      const int64_t n = 11;
      const Weights w = random_weights(GetParam(), n, k, static_cast<uint64_t>(m * 1000 + k));
      const auto x = random_input(m, k, static_cast<uint64_t>(k));
      std::vector<float> y(static_cast<std::size_t>(m * n), NAN);
      const WeightMatrix matrix = w.matrix();
      const MatmulJob job{&matrix, y.data()};
      matmul(pool, x.data(), m, &job, 1);
      for (int64_t r = 0; r < m; ++r) {
        for (int64_t c = 0; c < n; ++c) {
          double expected = 0;
          for (int64_t i = 0; i < k; ++i)
            expected += static_cast<double>(x[r * k + i]) * w.values[c * k + i];
          EXPECT_NEAR(y[r * n + c], expected, 1e-5 * static_cast<double>(k))
              << "m=" << m << " k=" << k << " row " << r << " col " << c;
        }
      }
    }
  }
}

TEST_P(MatmulAccuracy, RowIsBitwiseTheSameInAnyTileBatchAndThreadCount) {
  const int64_t n = 29, k = 75;  // 75 = 9 * 8 + 3: vector body and tail
  const Weights w = random_weights(GetParam(), n, k, 42);
  const WeightMatrix matrix = w.matrix();
  const auto x = random_input(17, k, 43);

  std::vector<float> alone(static_cast<std::size_t>(n));
  matmul_range(x.data(), 1, k, matrix, alone.data(), n, 0, n);
  for (int64_t c = 0; c < n; ++c) {
    std::vector<float> wrow(static_cast<std::size_t>(k));
    load_row(matrix, c, wrow.data());
    const float via_dot = dot(x.data(), wrow.data(), k);
    EXPECT_EQ(std::memcmp(&via_dot, &alone[c], sizeof(float)), 0) << "dot differs, col " << c;
  }
  for (int threads : {1, 2, 3}) {
    ComputePool pool(threads);
    for (int64_t m = 1; m <= 17; ++m) {
      std::vector<float> y(static_cast<std::size_t>(m * n));
      const MatmulJob job{&matrix, y.data()};
      matmul(pool, x.data(), m, &job, 1);
      EXPECT_EQ(std::memcmp(y.data(), alone.data(), alone.size() * sizeof(float)), 0)
          << "row 0 differs with m=" << m << " threads=" << threads;
      // The last row against itself computed alone.
      std::vector<float> last(static_cast<std::size_t>(n));
      matmul_range(x.data() + (m - 1) * k, 1, k, matrix, last.data(), n, 0, n);
      EXPECT_EQ(std::memcmp(y.data() + (m - 1) * n, last.data(), last.size() * sizeof(float)), 0)
          << "last row differs with m=" << m << " threads=" << threads;
    }
  }
  // Column ranges split anywhere give the same values.
  for (int64_t split = 1; split < n; split += 5) {
    std::vector<float> y(static_cast<std::size_t>(3 * n));
    matmul_range(x.data(), 3, k, matrix, y.data(), n, 0, split);
    matmul_range(x.data(), 3, k, matrix, y.data(), n, split, n);
    EXPECT_EQ(std::memcmp(y.data(), alone.data(), alone.size() * sizeof(float)), 0);
  }
}

INSTANTIATE_TEST_SUITE_P(Dtypes, MatmulAccuracy,
                         ::testing::Values(DType::F32, DType::F16, DType::BF16));

TEST(MatmulJobs, SeveralMatricesShareOneCall) {
  const int64_t k = 40;
  const Weights a = random_weights(DType::BF16, 5, k, 1), b = random_weights(DType::F32, 9, k, 2);
  const WeightMatrix ma = a.matrix(), mb = b.matrix();
  const auto x = random_input(3, k, 3);
  std::vector<float> ya(15), yb(27), ya1(15), yb1(27);
  const MatmulJob jobs[] = {{&ma, ya.data()}, {&mb, yb.data()}};
  ComputePool pool(2);
  matmul(pool, x.data(), 3, jobs, 2);
  matmul_range(x.data(), 3, k, ma, ya1.data(), 5, 0, 5);
  matmul_range(x.data(), 3, k, mb, yb1.data(), 9, 0, 9);
  EXPECT_EQ(ya, ya1);
  EXPECT_EQ(yb, yb1);
}

TEST(Ops, RmsNormSiluRope) {
  std::vector<float> x{1, -2, 3, -4, 5}, w{1, 0.5f, 2, 1, 1}, out(5);
  rms_norm(x.data(), w.data(), 1e-6f, 5, out.data());
  const double inv = 1 / std::sqrt((1 + 4 + 9 + 16 + 25) / 5.0 + 1e-6);
  for (int i = 0; i < 5; ++i) EXPECT_NEAR(out[i], x[i] * inv * w[i], 1e-6);

  std::vector<float> g{-1, 0, 2}, u{2, 3, 0.5f};
  silu_mul(g.data(), u.data(), 3);
  EXPECT_NEAR(g[0], -1 / (1 + std::exp(1.0)) * 2, 1e-6);
  EXPECT_EQ(g[1], 0);
  EXPECT_NEAR(g[2], 2 / (1 + std::exp(-2.0)) * 0.5, 1e-6);

  // rotate_half pairs (i, i + half).
  std::vector<float> head{1, 2, 3, 4}, c{0, 1}, s{1, 0};
  apply_rope(head.data(), c.data(), s.data(), 2);
  EXPECT_EQ(head, (std::vector<float>{-3, 2, 1, 4}));
}

}  // namespace
}  // namespace slipway::engine::kernels
