#pragma once
// What one benchmark run measured, computed from the per-request results, and its two forms:
// an aligned table for people and JSON for scripts (--json).
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app/loadgen/stats.h"

namespace slipway::app::loadgen {

// One request as the load generator saw it (times in seconds from sending it).
struct RequestResult {
  bool ok = false;
  std::string error;        // when not ok
  double ttft = 0;          // to the first chunk with output
  double e2e = 0;           // to the end of the stream
  std::vector<double> itl;  // gaps between chunks with output
  int64_t prompt_tokens = 0;
  int64_t output_tokens = 0;
};

// One model's share of a run over several models (bench --model a1,a2,...).
struct ModelFigures {
  std::string model;
  int64_t completed = 0;
  int64_t failed = 0;
  int64_t total_output_tokens = 0;
  double output_throughput = 0;  // its output tokens / s over the whole run's duration
};

struct BenchReport {
  int64_t completed = 0;
  int64_t failed = 0;
  std::vector<std::string> errors;  // the first few, for the reader
  double duration_s = 0;
  int64_t total_input_tokens = 0;
  int64_t total_output_tokens = 0;
  double request_throughput = 0;      // completed requests / s
  double output_throughput = 0;       // output tokens / s
  double total_token_throughput = 0;  // (input + output) tokens / s
  int max_concurrency = 0;            // most requests in flight at once
  Summary ttft_ms;
  Summary tpot_ms;  // per request: (e2e - ttft) / (output_tokens - 1)
  Summary itl_ms;   // every gap of every request
  Summary e2e_ms;
  // One entry per distinct model, in listing order, when the run asked for more than one;
  // their output throughputs add up to output_throughput.
  std::vector<ModelFigures> per_model;
};

constexpr std::size_t kMaxReportedErrors = 5;

// `models`: the round-robin list the requests went to (results[i] to model i mod n, see
// model_list.h); with more than one distinct name the report has per_model figures.
BenchReport build_report(const std::vector<RequestResult>& results, double duration_s,
                         int max_concurrency, const std::vector<std::string>& models = {});

// {"completed", "failed", "errors", "duration_s", ..., "ttft_ms": {"mean","p50","p95","p99"},
// ..., "per_model": [{"model", "completed", "failed", "total_output_tokens",
// "output_throughput"}] (only when several models were asked for)} plus "config" when given.
nlohmann::ordered_json report_json(const BenchReport& report,
                                   const nlohmann::ordered_json& config = {});
std::string report_table(const BenchReport& report);

}  // namespace slipway::app::loadgen
