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
  // A family whose one sample has no labels.
  template <class Value>
  Exposition& single(const char* name, const char* type, const char* help, Value value) {
    return family(name, type, help).sample(name, value);
  }
  std::string text() && { return std::move(text_); }

 private:
  std::string text_;
};

}  // namespace

std::string log_metrics_text(const LogCounters& c) {
  Exposition out;
  out.single("slipway_response_log_answers_total", "counter",
             "Answers written to the response log.", c.answers_logged);
  out.single("slipway_response_log_dropped_total", "counter",
             "Answers not logged: the log is disabled or its queue is full.", c.answers_dropped);
  out.family("slipway_response_log_bodies_total", "counter",
             "Answers whose body was kept (sampled, within the size limit) or not.")
      .sample("slipway_response_log_bodies_total{kept=\"true\"}", c.bodies_kept)
      .sample("slipway_response_log_bodies_total{kept=\"false\"}", c.bodies_skipped);
  out.single("slipway_response_log_batches_total", "counter", "Batches committed (group commit).",
             c.batches);
  out.single("slipway_response_log_write_failures_total", "counter",
             "Batches the store refused; their answers are lost.", c.write_failures);
  out.single("slipway_response_log_commit_seconds_total", "counter",
             "Time spent in batch transactions.", c.commit_seconds_sum);
  out.single("slipway_response_log_pending", "gauge",
             "Answers and ratings queued, not yet written.", static_cast<uint64_t>(c.pending));
  out.family("slipway_feedback_ratings_total", "counter",
             "Feedback submissions written, or refused for an unknown answer or choice.")
      .sample("slipway_feedback_ratings_total{result=\"recorded\"}", c.ratings_recorded)
      .sample("slipway_feedback_ratings_total{result=\"unknown\"}", c.ratings_unknown);
  out.single("slipway_response_log_purged_rows_total", "counter",
             "Rows deleted by retention (age and body size cap).", c.rows_purged);
  return std::move(out).text();
}

}  // namespace slipway::feedback
