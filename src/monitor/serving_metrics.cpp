#include "monitor/serving_metrics.h"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <mutex>

namespace slipway::monitor {
namespace {

using prometheus::Histogram;
using Labels = std::map<std::string, std::string>;

// Buckets as vLLM uses them, so dashboards built for it read ours alike.
const Histogram::BucketBoundaries kTtftBuckets{0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08,
                                               0.1,   0.25,  0.5,  0.75, 1.0,  2.5,  5.0,
                                               7.5,   10.0,  20.0, 40.0, 80.0, 160.0};
const Histogram::BucketBoundaries kTokenGapBuckets{0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2,
                                                   0.3,  0.4,   0.5,  0.75,  1.0, 2.5,  5.0,
                                                   7.5,  10.0,  20.0, 40.0,  80.0};
const Histogram::BucketBoundaries kRequestBuckets{0.3,  0.5,  0.8,  1.0,  1.5,   2.0,  2.5,
                                                  5.0,  10.0, 15.0, 20.0, 30.0,  40.0, 50.0,
                                                  60.0, 120., 240., 480., 960.0, 1920.};

Labels route_labels(const std::string& route, const std::string& version) {
  return {{"route", route}, {"version", version}};
}

}  // namespace

struct ServingMetrics::Impl {
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  std::mutex gauge_mutex;  // render() sets gauges from a consistent snapshot

  prometheus::Family<prometheus::Counter>& requests =
      prometheus::BuildCounter()
          .Name("slipway_requests_total")
          .Help("Finished requests by route, version, finish reason and HTTP status")
          .Register(*registry);
  prometheus::Family<prometheus::Counter>& rejections =
      prometheus::BuildCounter()
          .Name("slipway_rejected_requests_total")
          .Help("Requests refused before reaching a model (auth, parsing, limits), by status")
          .Register(*registry);
  prometheus::Family<prometheus::Counter>& failovers =
      prometheus::BuildCounter()
          .Name("slipway_failovers_total")
          .Help("Route requests answered by the route's fallback, by the version that failed")
          .Register(*registry);
  prometheus::Family<prometheus::Counter>& rate_limited =
      prometheus::BuildCounter()
          .Name("slipway_rate_limited_total")
          .Help("Requests refused with 429 for an API key's limit, by limit")
          .Register(*registry);
  prometheus::Family<prometheus::Counter>& prompt_tokens = prometheus::BuildCounter()
                                                               .Name("slipway_prompt_tokens_total")
                                                               .Help("Prompt tokens processed")
                                                               .Register(*registry);
  prometheus::Family<prometheus::Counter>& generation_tokens =
      prometheus::BuildCounter()
          .Name("slipway_generation_tokens_total")
          .Help("Tokens generated")
          .Register(*registry);
  prometheus::Family<Histogram>& ttft =
      prometheus::BuildHistogram()
          .Name("slipway_time_to_first_token_seconds")
          .Help("Time from request start to the first generated token")
          .Register(*registry);
  prometheus::Family<Histogram>& tpot =
      prometheus::BuildHistogram()
          .Name("slipway_time_per_output_token_seconds")
          .Help("Mean time per output token after the first, per request")
          .Register(*registry);
  prometheus::Family<Histogram>& itl = prometheus::BuildHistogram()
                                           .Name("slipway_inter_token_latency_seconds")
                                           .Help("Gaps between consecutive streamed tokens")
                                           .Register(*registry);
  prometheus::Family<Histogram>& e2e = prometheus::BuildHistogram()
                                           .Name("slipway_e2e_request_latency_seconds")
                                           .Help("Time from request start to its last byte")
                                           .Register(*registry);
  prometheus::Family<Histogram>& queue =
      prometheus::BuildHistogram()
          .Name("slipway_request_queue_time_seconds")
          .Help("Time a request waited before the engine first scheduled it")
          .Register(*registry);
  prometheus::Family<prometheus::Gauge>& running = prometheus::BuildGauge()
                                                       .Name("slipway_num_requests_running")
                                                       .Help("Sequences in the running batch")
                                                       .Register(*registry);
  prometheus::Family<prometheus::Gauge>& waiting = prometheus::BuildGauge()
                                                       .Name("slipway_num_requests_waiting")
                                                       .Help("Sequences waiting to be scheduled")
                                                       .Register(*registry);
  prometheus::Family<prometheus::Gauge>& kv_usage =
      prometheus::BuildGauge()
          .Name("slipway_kv_cache_usage_ratio")
          .Help("Share of KV cache blocks held by sequences")
          .Register(*registry);
  prometheus::Family<prometheus::Gauge>& kv_used = prometheus::BuildGauge()
                                                       .Name("slipway_kv_cache_blocks_used")
                                                       .Help("KV cache blocks held by sequences")
                                                       .Register(*registry);
  prometheus::Family<prometheus::Gauge>& kv_total = prometheus::BuildGauge()
                                                        .Name("slipway_kv_cache_blocks_total")
                                                        .Help("KV cache blocks in the pool")
                                                        .Register(*registry);
  prometheus::Family<prometheus::Gauge>& step_seconds =
      prometheus::BuildGauge()
          .Name("slipway_scheduler_last_step_seconds")
          .Help("Duration of the engine's last scheduler step")
          .Register(*registry);
  // Engine-side totals are read from the backends, so they are gauges holding a counter's
  // value; their _total names follow what they count.
  prometheus::Family<prometheus::Gauge>& preemptions =
      prometheus::BuildGauge()
          .Name("slipway_preemptions_total")
          .Help("Sequences preempted (and later recomputed) because KV blocks ran out")
          .Register(*registry);
  prometheus::Family<prometheus::Gauge>& prefix_queries =
      prometheus::BuildGauge()
          .Name("slipway_prefix_cache_queries_total")
          .Help("Prompt tokens looked up in the prefix cache")
          .Register(*registry);
  prometheus::Family<prometheus::Gauge>& prefix_hits =
      prometheus::BuildGauge()
          .Name("slipway_prefix_cache_hits_total")
          .Help("Prompt tokens found in the prefix cache")
          .Register(*registry);
  prometheus::Family<prometheus::Gauge>& circuit_state =
      prometheus::BuildGauge()
          .Name("slipway_backend_circuit_state")
          .Help("A backend's circuit: 0 closed, 1 open (out of rotation), 2 half-open")
          .Register(*registry);
  prometheus::Family<prometheus::Gauge>& circuit_opened =
      prometheus::BuildGauge()
          .Name("slipway_backend_circuit_opened_total")
          .Help("Times a backend's circuit opened (failures or failed health checks)")
          .Register(*registry);
};

ServingMetrics::ServingMetrics() : impl_(std::make_unique<Impl>()) {}
ServingMetrics::~ServingMetrics() = default;

void ServingMetrics::record_request(const std::string& route, const std::string& version,
                                    int http_status, const backends::CompletionStats& stats) {
  Impl& m = *impl_;
  const Labels labels = route_labels(route, version);
  Labels outcome = labels;
  outcome["finish_reason"] = stats.finish_reason.empty() ? "error" : stats.finish_reason;
  outcome["status"] = std::to_string(http_status);
  m.requests.Add(outcome).Increment();
  if (stats.prompt_tokens > 0)
    m.prompt_tokens.Add(labels).Increment(static_cast<double>(stats.prompt_tokens));
  if (stats.completion_tokens > 0)
    m.generation_tokens.Add(labels).Increment(static_cast<double>(stats.completion_tokens));
  if (http_status >= 400) return;  // latency histograms describe answers, not refusals
  m.e2e.Add(labels, kRequestBuckets).Observe(stats.total_seconds);
  if (stats.queue_seconds) m.queue.Add(labels, kRequestBuckets).Observe(*stats.queue_seconds);
  if (stats.first_token_seconds) {
    m.ttft.Add(labels, kTtftBuckets).Observe(*stats.first_token_seconds);
    if (stats.completion_tokens > 1) {
      const double per_token = (stats.total_seconds - *stats.first_token_seconds) /
                               static_cast<double>(stats.completion_tokens - 1);
      m.tpot.Add(labels, kTokenGapBuckets).Observe(per_token);
    }
  }
  if (!stats.inter_token_seconds.empty()) {
    auto& histogram = m.itl.Add(labels, kTokenGapBuckets);
    for (double gap : stats.inter_token_seconds) histogram.Observe(gap);
  }
}

void ServingMetrics::record_rejection(int http_status) {
  impl_->rejections.Add({{"status", std::to_string(http_status)}}).Increment();
}

void ServingMetrics::record_failover(const std::string& route, const std::string& from,
                                     const std::string& to, const std::string& reason) {
  impl_->failovers.Add({{"route", route}, {"from", from}, {"to", to}, {"reason", reason}})
      .Increment();
}

void ServingMetrics::record_rate_limited(const std::string& limit) {
  impl_->rate_limited.Add({{"limit", limit}}).Increment();
}

std::string ServingMetrics::render(
    const std::vector<std::shared_ptr<backends::Backend>>& backends) {
  Impl& m = *impl_;
  {
    std::lock_guard lock(m.gauge_mutex);
    for (const auto& backend : backends) {
      const backends::BackendStats s = backend->stats();
      const Labels labels = route_labels(backend->name(), backend->name());
      m.running.Add(labels).Set(static_cast<double>(s.running));
      m.waiting.Add(labels).Set(static_cast<double>(s.waiting));
      m.kv_usage.Add(labels).Set(s.kv_cache_usage);
      m.kv_used.Add(labels).Set(static_cast<double>(s.kv_blocks_used));
      m.kv_total.Add(labels).Set(static_cast<double>(s.kv_blocks_total));
      m.step_seconds.Add(labels).Set(s.last_step_seconds);
      m.preemptions.Add(labels).Set(static_cast<double>(s.preemptions_total));
      m.prefix_queries.Add(labels).Set(static_cast<double>(s.prefix_cache_queries_total));
      m.prefix_hits.Add(labels).Set(static_cast<double>(s.prefix_cache_hits_total));
      m.circuit_state.Add(labels).Set(s.circuit_state);
      m.circuit_opened.Add(labels).Set(static_cast<double>(s.circuit_opened_total));
    }
  }
  return prometheus::TextSerializer().Serialize(m.registry->Collect());
}

}  // namespace slipway::monitor
