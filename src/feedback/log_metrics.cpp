#include "feedback/log_metrics.h"

#include <cstdio>

namespace slipway::feedback {

namespace {

class Exposition {
 public:
  Exposition& family(const char* name, const char* type, const char* help) {
    text_ += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
    return *this;
  }
  Exposition& sample(const std::string& name_and_labels, uint64_t value) {
    text_ += name_and_labels + " " + std::to_string(value) + "\n";
    return *this;
  }
  Exposition& sample(const std::string& name_and_labels, double value) {
    char number[64];
    std::snprintf(number, sizeof number, "%.6f", value);
    text_ += name_and_labels + " " + number + "\n";
    return *this;
  }
  std::string text() && { return std::move(text_); }

 private:
  std::string text_;
};

}  // namespace

std::string log_metrics_text(const LogCounters& c) {
  Exposition out;
  out.family("slipway_response_log_answers_total", "counter",
             "Answers written to the response log.")
      .sample("slipway_response_log_answers_total", c.answers_logged);
  out.family("slipway_response_log_dropped_total", "counter",
             "Answers not logged: the log is disabled or its queue is full.")
      .sample("slipway_response_log_dropped_total", c.answers_dropped);
  out.family("slipway_response_log_bodies_total", "counter",
             "Answers whose body was kept (sampled, within the size limit) or not.")
      .sample("slipway_response_log_bodies_total{kept=\"true\"}", c.bodies_kept)
      .sample("slipway_response_log_bodies_total{kept=\"false\"}", c.bodies_skipped);
  out.family("slipway_response_log_batches_total", "counter", "Batches committed (group commit).")
      .sample("slipway_response_log_batches_total", c.batches);
  out.family("slipway_response_log_write_failures_total", "counter",
             "Batches the store refused; their answers are lost.")
      .sample("slipway_response_log_write_failures_total", c.write_failures);
  out.family("slipway_response_log_commit_seconds_total", "counter",
             "Time spent in batch transactions.")
      .sample("slipway_response_log_commit_seconds_total", c.commit_seconds_sum);
  out.family("slipway_response_log_pending", "gauge",
             "Answers and ratings queued, not yet written.")
      .sample("slipway_response_log_pending", static_cast<uint64_t>(c.pending));
  out.family("slipway_feedback_ratings_total", "counter",
             "Feedback submissions written, or refused for an unknown answer or choice.")
      .sample("slipway_feedback_ratings_total{result=\"recorded\"}", c.ratings_recorded)
      .sample("slipway_feedback_ratings_total{result=\"unknown\"}", c.ratings_unknown);
  out.family("slipway_response_log_purged_rows_total", "counter",
             "Rows deleted by retention (age and body size cap).")
      .sample("slipway_response_log_purged_rows_total", c.rows_purged);
  return std::move(out).text();
}

}  // namespace slipway::feedback
