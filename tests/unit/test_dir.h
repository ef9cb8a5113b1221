#pragma once
// A fresh folder per test. ctest runs every test case as its own process, in parallel, so the
// running test's full name keeps two tests from rewriting a folder the other has open.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace slipway::test {

inline std::filesystem::path fresh_test_dir(const std::string& part, const std::string& name) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string unique = name;
  if (info != nullptr) unique += std::string("-") + info->test_suite_name() + "." + info->name();
  for (char& ch : unique) {
    if (ch == '/') ch = '_';
  }
  auto dir = std::filesystem::path(SLIPWAY_TEST_TMP) / part / unique;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace slipway::test
