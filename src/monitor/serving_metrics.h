#pragma once
// The serving metrics in Prometheus text format: requests by finish reason and status, TTFT,
// time per output token, inter-token latency, end-to-end latency and queue time histograms,
// token counters, and per-backend gauges (running, waiting, KV cache usage, preemptions) read
// at scrape time. Labels: route (the model name a client asked for) and version (the backend
// that answered). Thread-safe.
#include <memory>
#include <string>
#include <vector>

#include "backends/backend.h"

namespace slipway::monitor {

class ServingMetrics {
 public:
  ServingMetrics();
  ~ServingMetrics();
  ServingMetrics(const ServingMetrics&) = delete;
  ServingMetrics& operator=(const ServingMetrics&) = delete;

  // One finished request, whatever its status (an early 4xx has empty stats and the route it
  // asked for, or "" when it named none).
  void record_request(const std::string& route, const std::string& version, int http_status,
                      const backends::CompletionStats& stats);
  // Requests refused before reaching a backend (auth, parse, limits), by status.
  void record_rejection(int http_status);
  // A route's request answered by its fallback because `from` failed before any byte or was
  // out of rotation (reason "error" | "out_of_rotation").
  void record_failover(const std::string& route, const std::string& from, const std::string& to,
                       const std::string& reason);
  // A 429 for a key's limit ("requests_per_minute", "tokens_per_minute", "max_streams").
  void record_rate_limited(const std::string& limit);
  // The exposition text for GET /metrics (Content-Type text/plain; version=0.0.4).
  std::string render(const std::vector<std::shared_ptr<backends::Backend>>& backends);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace slipway::monitor
