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
};

constexpr std::size_t kMaxReportedErrors = 5;

BenchReport build_report(const std::vector<RequestResult>& results, double duration_s,
                         int max_concurrency);

// {"completed", "failed", "errors", "duration_s", ..., "ttft_ms": {"mean","p50","p95","p99"},
// ...} plus "config" when given.
nlohmann::ordered_json report_json(const BenchReport& report,
                                   const nlohmann::ordered_json& config = {});
std::string report_table(const BenchReport& report);

}  // namespace slipway::app::loadgen
