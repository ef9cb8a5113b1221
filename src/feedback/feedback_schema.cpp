#include "feedback/feedback_schema.h"

#include <string>

#include "store/migrations.h"

namespace slipway::feedback {

namespace {

// `integer` is the column type for counts and times, `real` for measured latencies.
std::string tables(const std::string& integer, const std::string& real) {
  return R"(
CREATE TABLE feedback_responses (
  id TEXT NOT NULL,
  choice_index )" +
         integer + R"( NOT NULL CHECK (choice_index >= 0),
  kind TEXT NOT NULL CHECK (kind IN ('chat', 'completion')),
  route TEXT NOT NULL,
  version TEXT NOT NULL,
  arm TEXT NOT NULL,
  primary_id TEXT NOT NULL DEFAULT '',
  user_id TEXT NOT NULL DEFAULT '',
  prompt_hash TEXT NOT NULL,
  status )" +
         integer + R"( NOT NULL,
  finish_reason TEXT NOT NULL DEFAULT '',
  prompt_tokens )" +
         integer + R"( NOT NULL DEFAULT 0,
  completion_tokens )" +
         integer + R"(,
  ttft_ms )" +
         real + R"(,
  latency_ms )" +
         real + R"( NOT NULL DEFAULT 0,
  created_ms )" +
         integer + R"( NOT NULL,
  has_body )" +
         integer + R"( NOT NULL DEFAULT 0,
  PRIMARY KEY (id, choice_index)
);
CREATE INDEX feedback_responses_created ON feedback_responses (created_ms);
CREATE INDEX feedback_responses_route ON feedback_responses (route, version, created_ms);
CREATE INDEX feedback_responses_user ON feedback_responses (user_id);
CREATE INDEX feedback_responses_prompt ON feedback_responses (prompt_hash);
CREATE INDEX feedback_responses_primary ON feedback_responses (primary_id);
CREATE TABLE feedback_bodies (
  id TEXT PRIMARY KEY,
  prompt_json TEXT NOT NULL,
  outputs_json TEXT NOT NULL,
  bytes )" +
         integer + R"( NOT NULL,
  created_ms )" +
         integer + R"( NOT NULL
);
CREATE INDEX feedback_bodies_created ON feedback_bodies (created_ms);
CREATE TABLE feedback_ratings (
  response_id TEXT NOT NULL,
  choice_index )" +
         integer + R"( NOT NULL,
  user_id TEXT NOT NULL,
  rating )" +
         integer + R"( CHECK (rating IN (-1, 1)),
  task_completed )" +
         integer + R"( CHECK (task_completed IN (0, 1)),
  comment TEXT,
  created_ms )" +
         integer + R"( NOT NULL,
  updated_ms )" +
         integer + R"( NOT NULL,
  PRIMARY KEY (response_id, choice_index, user_id)
);
CREATE INDEX feedback_ratings_user ON feedback_ratings (user_id);
CREATE TABLE feedback_judgments (
  chosen_id TEXT NOT NULL,
  chosen_choice )" +
         integer + R"( NOT NULL,
  rejected_id TEXT NOT NULL,
  rejected_choice )" +
         integer + R"( NOT NULL,
  judge TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT '',
  created_ms )" +
         integer + R"( NOT NULL,
  PRIMARY KEY (chosen_id, chosen_choice, rejected_id, rejected_choice)
);
CREATE INDEX feedback_judgments_rejected ON feedback_judgments (rejected_id);
CREATE TABLE feedback_exports (
  id TEXT PRIMARY KEY,
  format TEXT NOT NULL CHECK (format IN ('dpo', 'kto')),
  filters_json TEXT NOT NULL,
  summary_json TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  rows_count )" +
         integer + R"( NOT NULL,
  bytes )" +
         integer + R"( NOT NULL,
  actor TEXT NOT NULL DEFAULT '',
  created_ms )" +
         integer + R"( NOT NULL,
  content TEXT NOT NULL
);
CREATE INDEX feedback_exports_created ON feedback_exports (created_ms);
)";
}

}  // namespace

void migrate_feedback(store::Store& store) {
  store::Schema schema{"feedback",
                       {{1, "response log, ratings, judgments and dataset exports",
                         tables("INTEGER", "REAL"), tables("BIGINT", "DOUBLE PRECISION")}}};
  store::migrate(store, schema);
}

}  // namespace slipway::feedback
