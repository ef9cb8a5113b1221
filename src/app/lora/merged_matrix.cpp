#include "app/lora/merged_matrix.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>

#include "engine/format/safetensors_writer.h"

namespace slipway::app {
namespace {

double element(const std::byte* data, engine::DType dtype, std::size_t index) {
  switch (dtype) {
    case engine::DType::F32: {
      float value;
      std::memcpy(&value, data + index * 4, 4);
      return value;
    }
    case engine::DType::F16:
    case engine::DType::BF16: {
      uint16_t bits;
      std::memcpy(&bits, data + index * 2, 2);
      return dtype == engine::DType::F16 ? engine::f16_to_float(bits) : engine::bf16_to_float(bits);
    }
  }
  return 0;
}

std::vector<double> widen(const engine::kernels::WeightMatrix& m, double factor) {
  std::vector<double> out(static_cast<std::size_t>(m.rows * m.cols));
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = factor * element(m.data, m.dtype, i);
  return out;
}

// Rounds to float toward zero and sets the last bit when inexact ("round to odd"): rounding
// that float to the 8- or 11-bit mantissa of BF16/F16 then equals rounding the double directly.
float round_to_odd(double value) {
  float f = static_cast<float>(value);
  if (!std::isfinite(f) || static_cast<double>(f) == value) return f;
  if (std::fabs(static_cast<double>(f)) > std::fabs(value)) f = std::nextafter(f, 0.0f);
  return std::bit_cast<float>(std::bit_cast<uint32_t>(f) | 1u);
}

}  // namespace

void encode_rounded(double value, engine::DType dtype, std::byte* out) {
  switch (dtype) {
    case engine::DType::F32: {
      float f = static_cast<float>(value);
      std::memcpy(out, &f, 4);
      return;
    }
    case engine::DType::F16: {
      uint16_t bits = engine::float_to_f16(round_to_odd(value));
      std::memcpy(out, &bits, 2);
      return;
    }
    case engine::DType::BF16: {
      uint16_t bits = engine::float_to_bf16(round_to_odd(value));
      std::memcpy(out, &bits, 2);
      return;
    }
  }
}

MergedMatrix::MergedMatrix(const engine::TensorView& weight, const engine::LoraModule& module)
    : weight_(weight) {
  if (weight.shape.size() != 2 || module.a.cols != weight.shape[1] ||
      module.b.rows != weight.shape[0] || module.b.cols != module.a.rows) {
    throw std::runtime_error("LoRA matrices do not fit " + weight.name);
  }
  rows_ = weight.shape[0];
  cols_ = weight.shape[1];
  rank_ = module.a.rows;
  a_ = widen(module.a, 1.0);
  scaled_b_ = widen(module.b, static_cast<double>(module.scale));
}

void MergedMatrix::fill(std::size_t first, std::span<std::byte> out) const {
  const std::size_t size = engine::dtype_size(weight_.dtype);
  const std::size_t count = out.size() / size;
  const auto cols = static_cast<std::size_t>(cols_);
  const auto rank = static_cast<std::size_t>(rank_);
  std::vector<double> row(cols);
  std::size_t done = 0;
  while (done < count) {
    const std::size_t index = first + done;
    const std::size_t r = index / cols;
    const std::size_t begin = index % cols;
    const std::size_t end = std::min(cols, begin + (count - done));
    for (std::size_t j = begin; j < end; ++j)
      row[j] = element(weight_.data, weight_.dtype, index - begin + j);
    for (std::size_t k = 0; k < rank; ++k) {
      const double b = scaled_b_[r * rank + k];
      const double* a = a_.data() + k * cols;
      for (std::size_t j = begin; j < end; ++j) row[j] += b * a[j];
    }
    for (std::size_t j = begin; j < end; ++j)
      encode_rounded(row[j], weight_.dtype, out.data() + (done + j - begin) * size);
    done += end - begin;
  }
}

}  // namespace slipway::app
