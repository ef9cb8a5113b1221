#include "traffic/traffic_schema.h"

#include <string>

#include "store/migrations.h"

namespace slipway::traffic {

namespace {

// `integer` is the column type for counts and times, `id` the auto-numbered key.
std::string tables(const std::string& integer, const std::string& id) {
  return R"(
CREATE TABLE traffic_routes (
  name TEXT PRIMARY KEY,
  stable TEXT NOT NULL,
  canary TEXT NOT NULL DEFAULT '',
  canary_weight_bp )" +
         integer + R"( NOT NULL DEFAULT 0 CHECK (canary_weight_bp BETWEEN 0 AND 10000),
  salt TEXT NOT NULL DEFAULT '',
  shadows TEXT NOT NULL DEFAULT '[]',
  fallback TEXT NOT NULL DEFAULT '',
  generation )" +
         integer + R"( NOT NULL CHECK (generation >= 1),
  created_ms )" +
         integer + R"( NOT NULL,
  updated_ms )" +
         integer + R"( NOT NULL
);
CREATE TABLE traffic_stable_history (
  route TEXT NOT NULL,
  seq )" +
         integer +
         R"( NOT NULL CHECK (seq >= 1),
  version TEXT NOT NULL,
  previous TEXT NOT NULL DEFAULT '',
  actor TEXT NOT NULL DEFAULT '',
  reason TEXT NOT NULL DEFAULT '',
  at_ms )" +
         integer +
         R"( NOT NULL,
  PRIMARY KEY (route, seq)
);
CREATE TABLE traffic_rollouts (
  id )" + id +
         R"(,
  route TEXT NOT NULL,
  stable TEXT NOT NULL,
  canary TEXT NOT NULL,
  plan TEXT NOT NULL,
  salt TEXT NOT NULL,
  state TEXT NOT NULL
    CHECK (state IN ('running', 'paused', 'completed', 'aborted', 'rolled_back')),
  step )" +
         integer +
         R"( NOT NULL CHECK (step >= 0),
  step_started_ms )" +
         integer + R"( NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  actor TEXT NOT NULL DEFAULT '',
  created_ms )" +
         integer + R"( NOT NULL,
  updated_ms )" +
         integer + R"( NOT NULL
);
CREATE INDEX traffic_rollouts_route ON traffic_rollouts (route, id);
CREATE UNIQUE INDEX traffic_rollouts_one_active ON traffic_rollouts (route)
  WHERE state IN ('running', 'paused');
CREATE TABLE traffic_events (
  id )" + id +
         R"(,
  route TEXT NOT NULL,
  rollout_id )" +
         integer + R"( NOT NULL DEFAULT 0,
  kind TEXT NOT NULL,
  actor TEXT NOT NULL DEFAULT '',
  reason TEXT NOT NULL DEFAULT '',
  detail TEXT NOT NULL DEFAULT '{}',
  at_ms )" +
         integer +
         R"( NOT NULL
);
CREATE INDEX traffic_events_route ON traffic_events (route, id);
)";
}

}  // namespace

void migrate_traffic(store::Store& store) {
  static const store::Schema schema{
      "traffic",
      {{1, "traffic: routes, stable history, rollouts (one active per route), events",
        tables("INTEGER", "INTEGER PRIMARY KEY AUTOINCREMENT"),
        tables("BIGINT", "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY")}}};
  store::migrate(store, schema);
}

}  // namespace slipway::traffic
