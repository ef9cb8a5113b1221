// The monitor's tables, for both dialects.
#include "monitor/monitor_schema.h"

#include <string>

#include "store/migrations.h"

namespace slipway::monitor {

namespace {

// `integer` is the column type for counts and times. A row is one replica's totals of one
// minute; readers sum rows, so replicas never write the same row.
std::string windows_table(const std::string& integer) {
  return R"(
CREATE TABLE monitor_windows (
  replica TEXT NOT NULL,
  route TEXT NOT NULL,
  version TEXT NOT NULL,
  arm TEXT NOT NULL,
  minute_ms )" +
         integer + R"( NOT NULL,
  requests )" +
         integer + R"( NOT NULL DEFAULT 0,
  errors )" +
         integer + R"( NOT NULL DEFAULT 0,
  successes )" +
         integer + R"( NOT NULL DEFAULT 0,
  prompt_tokens )" +
         integer + R"( NOT NULL DEFAULT 0,
  completion_tokens )" +
         integer + R"( NOT NULL DEFAULT 0,
  latency_buckets TEXT NOT NULL DEFAULT '[]',
  ttft_buckets TEXT NOT NULL DEFAULT '[]',
  updated_ms )" +
         integer + R"( NOT NULL,
  PRIMARY KEY (replica, route, version, arm, minute_ms)
);
CREATE INDEX monitor_windows_reads ON monitor_windows (route, version, arm, minute_ms);
CREATE INDEX monitor_windows_minute ON monitor_windows (minute_ms);
)";
}

// Version 2: the judge's scores and pairwise verdicts, drift slots and alerts.
std::string quality_and_alert_tables(const std::string& integer, const std::string& real) {
  return R"(
CREATE TABLE monitor_judge_scores (
  response_id TEXT PRIMARY KEY,
  route TEXT NOT NULL,
  version TEXT NOT NULL,
  arm TEXT NOT NULL,
  judge TEXT NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('scored', 'unparsable', 'failed')),
  score )" +
         real + R"(,
  detail TEXT NOT NULL DEFAULT '',
  latency_ms )" +
         integer + R"( NOT NULL DEFAULT 0,
  answered_ms )" +
         integer + R"( NOT NULL,
  judged_ms )" +
         integer + R"( NOT NULL
);
CREATE INDEX monitor_judge_scores_reads ON monitor_judge_scores (route, version, answered_ms);
CREATE TABLE monitor_judge_pairs (
  primary_id TEXT NOT NULL,
  shadow_id TEXT NOT NULL,
  route TEXT NOT NULL,
  primary_version TEXT NOT NULL,
  shadow_version TEXT NOT NULL,
  judge TEXT NOT NULL,
  verdict TEXT NOT NULL CHECK (verdict IN ('primary', 'shadow', 'tie', 'unparsable', 'failed')),
  detail TEXT NOT NULL DEFAULT '',
  answered_ms )" +
         integer + R"( NOT NULL,
  judged_ms )" +
         integer + R"( NOT NULL,
  PRIMARY KEY (primary_id, shadow_id)
);
CREATE INDEX monitor_judge_pairs_reads ON monitor_judge_pairs (route, answered_ms);
CREATE TABLE monitor_drift_slots (
  replica TEXT NOT NULL,
  route TEXT NOT NULL,
  version TEXT NOT NULL,
  arm TEXT NOT NULL,
  slot_ms )" +
         integer + R"( NOT NULL,
  answers )" +
         integer + R"( NOT NULL DEFAULT 0,
  refusals )" +
         integer + R"( NOT NULL DEFAULT 0,
  uncertain )" +
         integer + R"( NOT NULL DEFAULT 0,
  length_counts TEXT NOT NULL DEFAULT '{}',
  finish_reasons TEXT NOT NULL DEFAULT '{}',
  prompt_terms TEXT NOT NULL DEFAULT '{}',
  response_terms TEXT NOT NULL DEFAULT '{}',
  updated_ms )" +
         integer + R"( NOT NULL,
  PRIMARY KEY (replica, route, version, arm, slot_ms)
);
CREATE INDEX monitor_drift_slots_reads ON monitor_drift_slots (route, version, arm, slot_ms);
CREATE INDEX monitor_drift_slots_slot ON monitor_drift_slots (slot_ms);
CREATE TABLE monitor_alerts (
  id TEXT PRIMARY KEY,
  rule TEXT NOT NULL,
  kind TEXT NOT NULL,
  severity TEXT NOT NULL CHECK (severity IN ('warning', 'critical')),
  route TEXT NOT NULL,
  version TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('active', 'resolved')),
  summary TEXT NOT NULL,
  evidence_json TEXT NOT NULL,
  action TEXT NOT NULL DEFAULT 'none',
  action_result TEXT NOT NULL DEFAULT '',
  fired_ms )" +
         integer + R"( NOT NULL,
  last_seen_ms )" +
         integer + R"( NOT NULL,
  resolved_ms )" +
         integer + R"(,
  resolution TEXT NOT NULL DEFAULT '',
  notified_fire )" +
         integer + R"( NOT NULL DEFAULT 0,
  notified_resolve )" +
         integer + R"( NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX monitor_alerts_one_active ON monitor_alerts (rule, route, version)
  WHERE state = 'active';
CREATE INDEX monitor_alerts_fired ON monitor_alerts (fired_ms);
)";
}

}  // namespace

void migrate_monitor(store::Store& store) {
  store::Schema schema{"monitor",
                       {{1, "per-minute traffic windows per route, version, arm and replica",
                         windows_table("INTEGER"), windows_table("BIGINT")},
                        {2, "judge scores and pairwise verdicts, drift slots, alerts",
                         quality_and_alert_tables("INTEGER", "REAL"),
                         quality_and_alert_tables("BIGINT", "DOUBLE PRECISION")}}};
  store::migrate(store, schema);
}

}  // namespace slipway::monitor
