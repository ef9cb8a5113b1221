#include "feedback/log_metrics.h"

#include "metrics/prometheus_text.h"

namespace slipway::feedback {

namespace {

// A family whose one sample has no labels.
template <class Value>
void single(metrics::PrometheusText& out, const char* name, const char* type, const char* help,
            Value value) {
  out.family(name, type, help).sample(name, {}, value);
}

}  // namespace

std::string log_metrics_text(const LogCounters& c) {
  metrics::PrometheusText out;
  single(out, "slipway_response_log_answers_total", "counter",
         "Answers written to the response log.", c.answers_logged);
  single(out, "slipway_response_log_dropped_total", "counter",
         "Answers not logged: the log is disabled or its queue is full.", c.answers_dropped);
  out.family("slipway_response_log_bodies_total", "counter",
             "Answers whose body was kept (sampled, within the size limit) or not.")
      .sample("slipway_response_log_bodies_total", {{"kept", "true"}}, c.bodies_kept)
      .sample("slipway_response_log_bodies_total", {{"kept", "false"}}, c.bodies_skipped);
  single(out, "slipway_response_log_batches_total", "counter", "Batches committed (group commit).",
         c.batches);
  single(out, "slipway_response_log_write_failures_total", "counter",
         "Batches the store refused; their answers are lost.", c.write_failures);
  single(out, "slipway_response_log_commit_seconds_total", "counter",
         "Time spent in batch transactions.", c.commit_seconds_sum);
  single(out, "slipway_response_log_pending", "gauge",
         "Answers and ratings queued, not yet written.", static_cast<uint64_t>(c.pending));
  out.family("slipway_feedback_ratings_total", "counter",
             "Feedback submissions written, or refused for an unknown answer or choice.")
      .sample("slipway_feedback_ratings_total", {{"result", "recorded"}}, c.ratings_recorded)
      .sample("slipway_feedback_ratings_total", {{"result", "unknown"}}, c.ratings_unknown);
  single(out, "slipway_response_log_purged_rows_total", "counter",
         "Rows deleted by retention (age and body size cap).", c.rows_purged);
  return std::move(out).text();
}

}  // namespace slipway::feedback
