#pragma once
// Shell, token and logits helpers of the LoRA reference test: running the slipway binary and
// the Python scripts, deterministic token ids, and the engine's logits with an adapter.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "engine/compute_pool.h"
#include "engine/forward_pass.h"
#include "engine/kv_cache.h"
#include "engine/lora/lora_adapter.h"
#include "engine/model.h"

namespace slipway::lora_reference {

namespace fs = std::filesystem;

constexpr const char* kPython = "/usr/bin/python3";
constexpr int kTokens = 64;
constexpr double kRelTolerance = 1e-4;

inline fs::path script(const char* name) {
  return fs::path(SLIPWAY_SOURCE_DIR) / "tests" / "reference" / "lora" / name;
}

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

// Runs a command that must succeed (a gtest failure with its output otherwise).
inline void run_ok(const std::string& command) {
  std::string output;
  ASSERT_EQ(run(command, &output), 0) << command << "\n" << output;
}

inline void slipway(const std::string& args) {
  run_ok(quote(SLIPWAY_BINARY) + " " + args);
}

inline void python(const char* name, const std::string& args) {
  run_ok(std::string(kPython) + " " + quote(script(name).string()) + " " + args);
}

inline fs::path case_dir(const std::string& name) {
  fs::path dir = fs::path(SLIPWAY_TEST_TMP) / "reference_lora" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// Deterministic token ids spread over the whole vocabulary (an LCG, reduced mod vocab).
inline std::vector<int32_t> pick_tokens(int64_t vocab, uint64_t seed) {
  std::vector<int32_t> tokens;
  uint64_t state = seed * 0x9E3779B97F4A7C15ull + 1;
  for (int i = 0; i < kTokens; ++i) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    tokens.push_back(static_cast<int32_t>((state >> 33) % static_cast<uint64_t>(vocab)));
  }
  return tokens;
}

inline std::string join(const std::vector<int32_t>& tokens) {
  std::string out;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (i > 0) out += ',';
    out += std::to_string(tokens[i]);
  }
  return out;
}

inline std::vector<float> read_floats(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<float> values(bytes.size() / sizeof(float));
  std::memcpy(values.data(), bytes.data(), values.size() * sizeof(float));  // little-endian host
  return values;
}

// Engine logits for all positions, fed as the given chunk sizes (prompt chunks / decode steps),
// with `adapter` applied to every chunk (nullptr: the bare model).
inline std::vector<float> engine_logits(std::shared_ptr<const engine::Model> model,
                                        const engine::LoraAdapter* adapter,
                                        const std::vector<int32_t>& tokens,
                                        const std::vector<int>& chunks) {
  const engine::ModelConfig& config = model->config();
  engine::ComputePool pool(2);
  const int32_t block_size = 16;
  engine::KvCache cache(config, block_size, (kTokens + block_size - 1) / block_size + 2);
  engine::ForwardPass forward(model, cache, pool);
  engine::SequenceKv seq;
  std::vector<float> all;
  std::size_t begin = 0;
  for (int chunk : chunks) {
    std::size_t n = std::min<std::size_t>(chunk, tokens.size() - begin);
    if (n == 0) break;
    EXPECT_TRUE(cache.reserve(seq, static_cast<int64_t>(begin + n)));
    std::vector<engine::ForwardRequest> batch(1);
    batch[0].kv = &seq;
    batch[0].tokens = std::span<const int32_t>(tokens.data() + begin, n);
    batch[0].all_logits = true;
    batch[0].adapter = adapter;
    std::vector<std::vector<float>> logits;
    forward.run(batch, logits);
    EXPECT_EQ(logits.at(0).size(), n * static_cast<std::size_t>(config.vocab_size));
    all.insert(all.end(), logits.at(0).begin(), logits.at(0).end());
    begin += n;
  }
  EXPECT_EQ(begin, tokens.size());
  cache.release(seq);
  return all;
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
