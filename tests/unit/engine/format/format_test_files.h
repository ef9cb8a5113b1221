#pragma once
// Scratch folders and hand-made files for the engine/format tests.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

namespace slipway::engine::testing {

// A fresh folder under SLIPWAY_TEST_TMP named after the running test.
inline std::filesystem::path fresh_folder() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  auto folder = std::filesystem::path(SLIPWAY_TEST_TMP) / "format" /
                (std::string(info->test_suite_name()) + "." + info->name());
  std::filesystem::remove_all(folder);
  std::filesystem::create_directories(folder);
  return folder;
}

inline void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

// A .safetensors file made of a declared header length, header text and data bytes.
inline std::string raw_safetensors(const std::string& header, const std::string& data,
                                   uint64_t declared_length) {
  std::string out;
  for (int i = 0; i < 8; ++i) out += static_cast<char>((declared_length >> (8 * i)) & 0xff);
  return out + header + data;
}
// Pads the header with spaces so the data starts 8-byte aligned, as real writers do.
inline std::string raw_safetensors(std::string header, const std::string& data) {
  while (header.size() % 8 != 0) header += ' ';
  return raw_safetensors(header, data, header.size());
}

}  // namespace slipway::engine::testing
