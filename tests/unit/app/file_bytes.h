#pragma once
// Whole files as byte strings, for the app tests that compare or edit the files a command wrote.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace slipway::app {

inline std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_bytes(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

}  // namespace slipway::app
