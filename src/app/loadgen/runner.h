#pragma once
// Runs one `slipway bench` load test: streamed requests to an OpenAI-compatible server, sent
// on a seeded Poisson schedule with at most `concurrency` in flight, all as coroutines on one
// io_context thread (the client is the one the upstream backend uses), timing each stream.
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "app/loadgen/report.h"

namespace slipway::app::loadgen {

struct BenchOptions {
  std::string base_url = "http://127.0.0.1:8000/v1";
  // One model, or a comma-separated list sent round-robin (request i to model i mod n, see
  // model_list.h); empty: the first id of GET /models.
  std::string model;
  std::string api_key;
  std::string endpoint = "completions";  // or "chat"
  int num_prompts = 64;
  int concurrency = 16;
  double request_rate = std::numeric_limits<double>::infinity();
  int input_len = 32;
  int output_len = 64;
  bool ignore_eos = true;
  uint64_t seed = 0;
  int warmup = 0;
  double timeout_seconds = 600;
};

struct BenchRun {
  BenchReport report;
  // What was run, resolved (model, tokens per word, ...; "models" when there were several).
  nlohmann::ordered_json config;
};

// Throws std::runtime_error when the server cannot be used at all (no model to pick), and
// std::invalid_argument for a bad option (an empty name in the model list).
// Progress lines go to `log`.
BenchRun run_bench(BenchOptions options, const std::function<void(const std::string&)>& log);

}  // namespace slipway::app::loadgen
