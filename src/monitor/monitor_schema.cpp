// The monitor's tables, for both dialects.
#include <string>

#include "monitor/traffic_windows.h"
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

}  // namespace

void migrate_monitor(store::Store& store) {
  store::Schema schema{"monitor",
                       {{1, "per-minute traffic windows per route, version, arm and replica",
                         windows_table("INTEGER"), windows_table("BIGINT")}}};
  store::migrate(store, schema);
}

}  // namespace slipway::monitor
