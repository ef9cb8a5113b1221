#pragma once
// Running the slipway binary and the Python reference scripts from the reference suites: shell
// quoting, commands with their output, a fresh folder per case and the float files the scripts
// write.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace slipway::reference {

// Debian's Python with NumPy, which the reference scripts need.
inline constexpr const char* kPython = "/usr/bin/python3";

// `s` as one single-quoted shell word.
inline std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Runs a shell command, capturing stdout+stderr; returns the exit status (or -1).
inline int run(const std::string& command, std::string* output) {
  std::string full = command + " 2>&1";
  FILE* pipe = popen(full.c_str(), "r");
  if (!pipe) return -1;
  char buffer[4096];
  std::string text;
  while (std::size_t n = fread(buffer, 1, sizeof buffer, pipe)) text.append(buffer, n);
  int status = pclose(pipe);
  if (output) *output = text;
  if (status == -1 || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

// Runs a command that must succeed (a fatal gtest failure with its output otherwise).
inline void run_ok(const std::string& command) {
  std::string output;
  ASSERT_EQ(run(command, &output), 0) << command << "\n" << output;
}

inline void run_slipway(const std::string& args) {
  run_ok(quote(SLIPWAY_BINARY) + " " + args);
}

inline void run_python(const std::filesystem::path& script, const std::string& args) {
  run_ok(std::string(kPython) + " " + quote(script.string()) + " " + args);
}

// An empty folder `name` for one case of the suite whose scratch folder is `suite`.
inline std::filesystem::path fresh_case_dir(const std::string& suite, const std::string& name) {
  std::filesystem::path dir = std::filesystem::path(SLIPWAY_TEST_TMP) / suite / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// The raw little-endian float32 values a reference script wrote (no header).
inline std::vector<float> read_floats(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<float> values(bytes.size() / sizeof(float));
  std::memcpy(values.data(), bytes.data(), values.size() * sizeof(float));  // little-endian host
  return values;
}

}  // namespace slipway::reference
