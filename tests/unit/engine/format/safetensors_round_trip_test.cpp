#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

#include "engine/format/format_error.h"
#include "engine/format/safetensors_file.h"
#include "engine/format/safetensors_stream_writer.h"
#include "engine/format/safetensors_writer.h"
#include "format_test_files.h"

namespace slipway::engine {
namespace {

const std::vector<float> kValues = {0.0f, -1.5f, 3.140625f, 1e-3f, -65504.0f, 0.25f};

TEST(SafetensorsRoundTrip, WritesAndReadsEveryDtype) {
  auto folder = testing::fresh_folder();
  std::map<std::string, OwnedTensor> tensors;
  tensors["a.f32"] = make_tensor(DType::F32, {2, 3}, kValues);
  tensors["b.f16"] = make_tensor(DType::F16, {3, 2}, kValues);
  tensors["c.bf16"] = make_tensor(DType::BF16, {6}, kValues);
  tensors["d.empty"] = make_tensor(DType::F32, {0, 4}, {});
  write_safetensors(folder / "x.safetensors", tensors, {{"format", "pt"}});

  auto file = SafetensorsFile::open(folder / "x.safetensors");
  EXPECT_EQ(file->metadata().at("format"), "pt");
  ASSERT_EQ(file->tensors().size(), 4u);

  const auto* a = file->find("a.f32");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->dtype, DType::F32);
  EXPECT_EQ(a->shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(a->numel(), 6);
  auto floats = a->as<float>();
  ASSERT_EQ(floats.size(), 6u);
  for (std::size_t i = 0; i < 6; ++i) EXPECT_EQ(floats[i], kValues[i]);

  const auto* b = file->find("b.f16");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->dtype, DType::F16);
  for (std::size_t i = 0; i < 6; ++i) {
    EXPECT_NEAR(f16_to_float(b->as<uint16_t>()[i]), kValues[i], std::abs(kValues[i]) * 1e-3);
  }
  const auto* c = file->find("c.bf16");
  ASSERT_NE(c, nullptr);
  for (std::size_t i = 0; i < 6; ++i) {
    EXPECT_NEAR(bf16_to_float(c->as<uint16_t>()[i]), kValues[i], std::abs(kValues[i]) * 1e-2);
  }
  const auto* d = file->find("d.empty");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->numel(), 0);
  EXPECT_EQ(d->nbytes, 0u);
  EXPECT_EQ(file->find("nope"), nullptr);
}

TEST(SafetensorsRoundTrip, ViewsPointIntoTheMapping) {
  auto folder = testing::fresh_folder();
  write_safetensors(folder / "x.safetensors", {{"w", make_tensor(DType::F32, {2}, {1, 2})}});
  auto file = SafetensorsFile::open(folder / "x.safetensors");
  const auto* w = file->find("w");
  ASSERT_NE(w, nullptr);
  // The data section starts 8-byte aligned after the header.
  EXPECT_EQ(reinterpret_cast<uintptr_t>(w->data) % 8, 0u);
}

TEST(SafetensorsRoundTrip, StreamedWriterMatchesChunking) {
  auto folder = testing::fresh_folder();
  std::vector<TensorSpec> specs = {{"big", DType::F32, {1000}}, {"half", DType::BF16, {7, 3}}};
  auto fill = [](const TensorSpec& spec, std::size_t first, std::span<std::byte> out) {
    std::size_t n = out.size() / dtype_size(spec.dtype);
    for (std::size_t i = 0; i < n; ++i) {
      float v = static_cast<float>(first + i);
      if (spec.dtype == DType::F32) {
        std::memcpy(out.data() + 4 * i, &v, 4);
      } else {
        uint16_t h = float_to_bf16(v);
        std::memcpy(out.data() + 2 * i, &h, 2);
      }
    }
  };
  // A chunk of 12 bytes forces many partial fills per tensor.
  write_safetensors_streamed(folder / "x.safetensors", specs, {}, fill, 12);
  auto file = SafetensorsFile::open(folder / "x.safetensors");
  auto big = file->find("big")->as<float>();
  for (std::size_t i = 0; i < 1000; ++i) ASSERT_EQ(big[i], static_cast<float>(i));
  auto half = file->find("half")->as<uint16_t>();
  for (std::size_t i = 0; i < 21; ++i) ASSERT_EQ(bf16_to_float(half[i]), static_cast<float>(i));
  EXPECT_FALSE(std::filesystem::exists(folder / "x.safetensors.partial"));
}

TEST(SafetensorsRoundTrip, MixedDtypesStayAligned) {
  auto folder = testing::fresh_folder();
  std::map<std::string, OwnedTensor> tensors;
  tensors["a"] = make_tensor(DType::BF16, {3}, {1, 2, 3});  // 6 bytes would misalign what follows
  tensors["b"] = make_tensor(DType::F32, {1}, {4});
  write_safetensors(folder / "x.safetensors", tensors);
  auto file = SafetensorsFile::open(folder / "x.safetensors");
  EXPECT_EQ(file->find("b")->as<float>()[0], 4.0f);
  EXPECT_EQ(bf16_to_float(file->find("a")->as<uint16_t>()[2]), 3.0f);
}

TEST(SafetensorsRoundTrip, WriterRejectsWrongByteCount) {
  auto folder = testing::fresh_folder();
  OwnedTensor bad{DType::F32, {4}, std::vector<std::byte>(3)};
  EXPECT_THROW(write_safetensors(folder / "x.safetensors", {{"w", bad}}), FormatError);
  EXPECT_THROW(make_tensor(DType::F32, {2, 2}, {1, 2, 3}), FormatError);
}

TEST(SafetensorsRoundTrip, FailedWriteLeavesNoFile) {
  auto folder = testing::fresh_folder();
  auto throwing = [](const TensorSpec&, std::size_t, std::span<std::byte>) {
    throw std::runtime_error("generator failed");
  };
  EXPECT_THROW(
      write_safetensors_streamed(folder / "x.safetensors", {{"w", DType::F32, {4}}}, {}, throwing),
      std::runtime_error);
  EXPECT_FALSE(std::filesystem::exists(folder / "x.safetensors"));
  EXPECT_FALSE(std::filesystem::exists(folder / "x.safetensors.partial"));
  EXPECT_THROW(write_safetensors(folder / "no" / "such" / "x.safetensors",
                                 {{"w", make_tensor(DType::F32, {1}, {1})}}),
               FormatError);
}

TEST(HalfFloats, Bf16RoundsToNearestEven) {
  EXPECT_EQ(float_to_bf16(1.0f), 0x3f80);
  // 1 + 2^-8 is exactly between 1 and 1 + 2^-7: ties go to the even mantissa (1.0).
  EXPECT_EQ(float_to_bf16(1.0f + 0x1p-8f), 0x3f80);
  // 1 + 3*2^-8 is between 1+2^-7 (odd) and 1+2^-6 (even): goes up.
  EXPECT_EQ(float_to_bf16(1.0f + 3 * 0x1p-8f), 0x3f82);
  EXPECT_EQ(float_to_bf16(1.0f + 0x1p-8f + 0x1p-20f), 0x3f81);
  EXPECT_EQ(float_to_bf16(-2.0f), 0xc000);
  EXPECT_EQ(bf16_to_float(0x3f81), 1.0f + 0x1p-7f);
}

TEST(HalfFloats, Bf16KeepsSpecials) {
  float inf = std::numeric_limits<float>::infinity();
  EXPECT_EQ(float_to_bf16(inf), 0x7f80);
  EXPECT_EQ(float_to_bf16(-inf), 0xff80);
  EXPECT_TRUE(std::isnan(bf16_to_float(float_to_bf16(std::numeric_limits<float>::quiet_NaN()))));
  // A NaN whose payload sits only in the low bits must not become Inf.
  float low_nan = std::bit_cast<float>(0x7f800001u);
  EXPECT_TRUE(std::isnan(bf16_to_float(float_to_bf16(low_nan))));
  EXPECT_TRUE(std::isinf(bf16_to_float(float_to_bf16(std::numeric_limits<float>::max()))));
}

TEST(HalfFloats, F16RoundsToNearestEven) {
  EXPECT_EQ(float_to_f16(1.0f), 0x3c00);
  EXPECT_EQ(float_to_f16(-2.0f), 0xc000);
  EXPECT_EQ(float_to_f16(65504.0f), 0x7bff);
  EXPECT_EQ(float_to_f16(1.0f + 0x1p-11f), 0x3c00);             // tie to even
  EXPECT_EQ(float_to_f16(1.0f + 3 * 0x1p-11f), 0x3c02);         // tie to even, upwards
  EXPECT_EQ(float_to_f16(1.0f + 0x1p-11f + 0x1p-20f), 0x3c01);  // above the tie
  EXPECT_EQ(float_to_f16(0x1p-24f), 0x0001);                    // smallest subnormal
  EXPECT_EQ(float_to_f16(0x1p-25f), 0x0000);                    // tie to even zero
  EXPECT_EQ(float_to_f16(0x1p-25f + 0x1p-40f), 0x0001);
  EXPECT_EQ(float_to_f16(0x1p-14f), 0x0400);             // smallest normal
  EXPECT_EQ(float_to_f16(0x1p-14f - 0x1p-25f), 0x0400);  // subnormal rounding up
  EXPECT_EQ(float_to_f16(65519.0f), 0x7bff);
  EXPECT_EQ(float_to_f16(65520.0f), 0x7c00);  // rounds to Inf
  EXPECT_EQ(float_to_f16(-0.0f), 0x8000);
}

TEST(HalfFloats, F16KeepsSpecialsAndRoundTrips) {
  float inf = std::numeric_limits<float>::infinity();
  EXPECT_EQ(float_to_f16(inf), 0x7c00);
  EXPECT_EQ(float_to_f16(-inf), 0xfc00);
  EXPECT_TRUE(std::isnan(f16_to_float(float_to_f16(std::numeric_limits<float>::quiet_NaN()))));
  EXPECT_TRUE(std::isnan(f16_to_float(float_to_f16(std::bit_cast<float>(0x7f800001u)))));
  EXPECT_TRUE(std::isinf(f16_to_float(0x7c00)));
  EXPECT_EQ(f16_to_float(0x0001), 0x1p-24f);
  EXPECT_EQ(f16_to_float(0x8001), -0x1p-24f);
  // Every finite half survives half -> float -> half.
  for (uint32_t h = 0; h < 0x10000; ++h) {
    auto half = static_cast<uint16_t>(h);
    if ((half & 0x7c00) == 0x7c00) continue;
    ASSERT_EQ(float_to_f16(f16_to_float(half)), half) << h;
  }
  for (uint32_t h = 0; h < 0x10000; ++h) {
    auto half = static_cast<uint16_t>(h);
    if ((half & 0x7f80) == 0x7f80) continue;
    ASSERT_EQ(float_to_bf16(bf16_to_float(half)), half) << h;
  }
}

}  // namespace
}  // namespace slipway::engine
