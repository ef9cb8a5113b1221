#pragma once
// Window tests run against both dialects: a fresh SQLite file or a fresh PostgreSQL database
// per test, with a clock the test sets.
#include <string>

#include "monitor/traffic_windows.h"
#include "monitor_store_fixture.h"

namespace slipway::monitor::test {

// A 200 answer of `route` on "stable" taking `latency` seconds (TTFT a tenth of it).
inline WindowSample answer(const std::string& route = "support", double latency = 0.2,
                           int status = 200, const std::string& arm = "stable") {
  WindowSample sample;
  sample.route = route;
  sample.version = route + "/1";
  sample.arm = arm;
  sample.status = status;
  sample.latency_seconds = latency;
  sample.first_token_seconds = latency / 10;
  sample.prompt_tokens = 10;
  sample.completion_tokens = 5;
  return sample;
}

class WindowStoreTest : public MonitorStoreFixture {
 protected:
  void SetUp() override { open_store({"monitor_windows", "windows.db", "mwin"}, Tables::Empty); }

  // The flush thread stays asleep (an hour of real time): tests flush when they mean to.
  WindowRecorderOptions quiet(const std::string& replica = "replica-a") {
    WindowRecorderOptions options;
    options.flush_interval_ms = 3'600'000;
    options.replica_id = replica;
    return options;
  }

  WindowTotals totals(WindowQuery query = {}) { return read_window_totals(*store_, query); }
};

}  // namespace slipway::monitor::test
