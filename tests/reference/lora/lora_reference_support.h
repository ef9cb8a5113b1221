#pragma once
// Helpers of the LoRA reference test: its scripts and scratch folders, token lists for the
// scripts' command lines, and how far the engine's logits are from the reference's; the shell
// and engine helpers it shares with the forward reference suite come from ../reference_*.h.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "../reference_engine.h"
#include "../reference_process.h"

namespace slipway::lora_reference {

namespace fs = std::filesystem;
using namespace ::slipway::reference;

inline fs::path script(const char* name) {
  return fs::path(SLIPWAY_SOURCE_DIR) / "tests" / "reference" / "lora" / name;
}

inline fs::path case_dir(const std::string& name) {
  return fresh_case_dir("reference_lora", name);
}

inline std::string join(const std::vector<int32_t>& tokens) {
  std::string out;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (i > 0) out += ',';
    out += std::to_string(tokens[i]);
  }
  return out;
}

// max |actual - expected| and max |expected| over all logits.
struct Difference {
  double max_ref = 0;
  double max_err = 0;
  bool finite = true;
  bool ok = false;  // both sides non-empty and the same size

  double relative() const { return max_ref > 0 ? max_err / max_ref : 0; }
};

inline Difference difference(const std::vector<float>& actual, const std::vector<float>& expected,
                             const char* what) {
  Difference d;
  if (expected.empty() || actual.size() != expected.size()) {
    ADD_FAILURE() << what << ": " << actual.size() << " logits vs " << expected.size();
    return d;
  }
  for (std::size_t i = 0; i < expected.size(); ++i) {
    d.max_ref = std::max(d.max_ref, std::fabs(static_cast<double>(expected[i])));
    if (!std::isfinite(actual[i])) d.finite = false;
    double err = std::fabs(static_cast<double>(actual[i]) - expected[i]);
    if (!(err <= d.max_err)) d.max_err = err;
  }
  d.ok = true;
  std::printf("[lora reference] %s: max|ref|=%.6g max|diff|=%.3g (rel %.3g)\n", what, d.max_ref,
              d.max_err, d.relative());
  std::fflush(stdout);
  return d;
}

inline void expect_close(const Difference& d, const char* what) {
  ASSERT_TRUE(d.ok) << what;
  EXPECT_TRUE(d.finite) << what << ": non-finite logits";
  EXPECT_GT(d.max_ref, 0.0) << what;
  EXPECT_LE(d.max_err, kRelTolerance * d.max_ref)
      << what << ": max |diff| = " << d.max_err << "; bound = " << kRelTolerance << " * "
      << d.max_ref;
}

}  // namespace slipway::lora_reference
