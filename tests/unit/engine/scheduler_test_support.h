#pragma once
// Helpers of the scheduler tests: a tiny model folder written by `slipway tiny-model`, prompts,
// and a thread-safe collector of one sequence's outputs.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "engine/generation.h"
#include "engine/kv_cache.h"
#include "engine/model_package.h"
#include "engine/scheduler.h"
#include "tiny_model.h"

namespace slipway::engine::test {

inline std::shared_ptr<const ModelPackage> tiny_package(const std::string& name, int seed) {
  const auto dir = test_dir(name);
  const std::string command = std::string(SLIPWAY_BINARY) + " tiny-model '" +
                              (dir / "model").string() + "' --preset tiny --arch llama --seed " +
                              std::to_string(seed) + " > /dev/null";
  if (std::system(command.c_str()) != 0) throw std::runtime_error("failed: " + command);
  return ModelPackage::load(dir / "model");
}

inline std::vector<int32_t> make_prompt(int64_t length, int64_t vocab, uint32_t seed) {
  std::vector<int32_t> out;
  uint32_t x = seed * 2654435761u + 12345u;
  for (int64_t i = 0; i < length; ++i) {
    x = x * 1664525u + 1013904223u;
    out.push_back(static_cast<int32_t>((x >> 8) % static_cast<uint32_t>(vocab)));
  }
  return out;
}

inline SamplingParams greedy(int64_t max_tokens, bool ignore_eos = true) {
  SamplingParams p;
  p.temperature = 0;
  p.max_tokens = max_tokens;
  p.ignore_eos = ignore_eos;
  return p;
}

inline std::size_t distinct(const std::vector<int32_t>& tokens) {
  return std::set<int32_t>(tokens.begin(), tokens.end()).size();
}

inline int64_t kv_bytes(const ModelPackage& package, int32_t block_size, int64_t blocks) {
  return static_cast<int64_t>(KvCache::bytes_per_block(package.model().config(), block_size)) *
         blocks;
}

// Everything one sequence received; counts protocol violations instead of hiding them.
class Collector {
 public:
  // on_final runs on the loop thread right before the final output is recorded.
  OutputSink sink(std::function<void()> on_final = {}) {
    return [this, on_final](SequenceOutput&& out) {
      if (out.finished && on_final) on_final();
      std::lock_guard lock(mu_);
      if (finished_) ++after_final_;
      for (const auto& t : out.tokens) tokens_.push_back(t.token);
      text_ += out.text;
      ++outputs_;
      if (out.finished) {
        finished_ = true;
        final_ = out;
      }
      cv_.notify_all();
    };
  }
  bool wait_finished(std::chrono::seconds timeout = std::chrono::seconds(120)) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return finished_; });
  }
  bool wait_outputs(int n, std::chrono::seconds timeout = std::chrono::seconds(120)) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return outputs_ >= n || finished_; });
  }
  std::vector<int32_t> tokens() const {
    std::lock_guard lock(mu_);
    return tokens_;
  }
  std::string text() const {
    std::lock_guard lock(mu_);
    return text_;
  }
  int outputs() const {
    std::lock_guard lock(mu_);
    return outputs_;
  }
  bool finished() const {
    std::lock_guard lock(mu_);
    return finished_;
  }
  SequenceOutput final_output() const {
    std::lock_guard lock(mu_);
    return final_;
  }
  int after_final() const {
    std::lock_guard lock(mu_);
    return after_final_;
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<int32_t> tokens_;
  std::string text_;
  int outputs_ = 0;
  int after_final_ = 0;
  bool finished_ = false;
  SequenceOutput final_;
};

// The single-sequence loop of generation.cpp: what a scheduled sequence must reproduce.
inline void expect_same_as_alone(const Collector& got, const GenerationResult& alone,
                                 const std::string& what) {
  EXPECT_EQ(got.tokens(), alone.tokens) << what;
  EXPECT_EQ(got.text(), alone.text) << what;
  EXPECT_TRUE(got.finished()) << what;
  EXPECT_EQ(got.final_output().finish_reason, alone.finish_reason) << what;
  EXPECT_EQ(got.after_final(), 0) << what;
}

}  // namespace slipway::engine::test
