#pragma once
// The model and the streams the scheduler benchmarks share: a random BF16 model shaped like
// SmolLM2-135M, and greedy streams of short prompts run to completion, so decode dominates.
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/scheduler.h"

namespace slipway::bench {

// The folder named by SLIPWAY_BENCH_SMOL135, else smol135-bf16 in $SLIPWAY_BENCH_MODELS
// (default /tmp/slipway-bench-models), written there once by `slipway tiny-model`; loaded once.
inline std::shared_ptr<const engine::ModelPackage> smol135_package() {
  static std::shared_ptr<const engine::ModelPackage> package;
  if (package) return package;
  std::filesystem::path folder;
  if (const char* given = std::getenv("SLIPWAY_BENCH_SMOL135")) {
    folder = given;
  } else {
    const char* cache = std::getenv("SLIPWAY_BENCH_MODELS");
    folder = std::filesystem::path(cache ? cache : "/tmp/slipway-bench-models") / "smol135-bf16";
  }
  if (!std::filesystem::exists(folder / "tokenizer.json")) {
    const std::string command = std::string(SLIPWAY_BINARY) + " tiny-model '" + folder.string() +
                                "' --arch llama --preset smol135 --dtype bf16";
    std::fprintf(stderr, "writing %s\n", folder.c_str());
    if (std::system(command.c_str()) != 0) throw std::runtime_error("failed: " + command);
  }
  package = engine::ModelPackage::load(folder);
  return package;
}

// Stream `stream`'s request: 8 prompt tokens of its own, greedy, exactly `new_tokens` out.
inline engine::SequenceRequest greedy_stream(int stream, int64_t vocab, int64_t new_tokens) {
  engine::SequenceRequest request;
  for (int i = 0; i < 8; ++i)
    request.prompt.push_back(static_cast<int32_t>((stream * 131 + i * 7919 + 13) % vocab));
  request.params.temperature = 0;
  request.params.max_tokens = new_tokens;
  request.params.ignore_eos = true;
  return request;
}

// Submits every request at once and waits until all have finished; returns the tokens made.
inline int64_t run_to_completion(engine::Scheduler& scheduler,
                                 std::vector<engine::SequenceRequest> requests) {
  // Shared with the callbacks, which the scheduler's thread calls.
  struct Progress {
    std::mutex mu;
    std::condition_variable cv;
    int64_t tokens = 0;
    std::size_t finished = 0;
  };
  const auto progress = std::make_shared<Progress>();
  for (auto& request : requests) {
    scheduler.submit(std::move(request), [progress](engine::SequenceOutput&& out) {
      std::lock_guard lock(progress->mu);
      progress->tokens += static_cast<int64_t>(out.tokens.size());
      if (out.finished) ++progress->finished;
      progress->cv.notify_all();
    });
  }
  std::unique_lock lock(progress->mu);
  progress->cv.wait(lock, [&] { return progress->finished == requests.size(); });
  return progress->tokens;
}

}  // namespace slipway::bench
