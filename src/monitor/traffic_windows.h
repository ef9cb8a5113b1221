#pragma once
// Per-minute windows per route, version and arm, written to the store by every replica: request
// and error counts, tokens, and latency / TTFT histogram buckets (buckets merge across
// replicas and minutes, percentiles would not). The rollout gates and the dashboard read them
// back summed over any range.
//
// Each replica owns its rows (a random replica id per recorder) and rewrites a minute's row
// whole from its in-memory totals at every flush, so a flush is idempotent and replicas never
// contend on a row.
#include <array>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "monitor/monitor_schema.h"
#include "store/clock.h"
#include "store/store.h"

namespace slipway::monitor {

// Upper bounds (seconds) of the latency and TTFT buckets; one more bucket holds the rest.
const std::vector<double>& window_latency_bounds();

// One answered request as the windows count it.
struct WindowSample {
  std::string route;           // the name the client asked for
  std::string version;         // what answered ("model/N" on routes, else the served name)
  std::string arm;             // "stable", "canary", "shadow"
  int status = 200;            // the HTTP status (499: client left)
  double latency_seconds = 0;  // request start to last byte
  std::optional<double> first_token_seconds;
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
};

// Errors are 5xx and 429 answers; latencies are of 200 answers only.
struct WindowTotals {
  int64_t requests = 0;
  int64_t errors = 0;
  int64_t successes = 0;  // status 200
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
  std::vector<int64_t> latency_buckets;  // window_latency_bounds().size() + 1 counts
  std::vector<int64_t> ttft_buckets;

  std::optional<double> error_rate() const;  // absent without requests
  // Interpolated within the bucket (Prometheus' histogram_quantile); absent without samples.
  std::optional<double> latency_quantile(double q) const;
  std::optional<double> ttft_quantile(double q) const;
  void add(const WindowTotals& other);
};

struct WindowRecorderOptions {
  int64_t flush_interval_ms = 5'000;
  int64_t retention_days = 14;  // rows older than this are deleted (by the recorder, hourly)
  std::string replica_id;       // empty: random
};

class WindowRecorder {
 public:
  // Runs the monitor's migrations and starts the flush thread.
  WindowRecorder(store::Store& store, WindowRecorderOptions options,
                 store::WallClock clock = store::system_now_ms);
  ~WindowRecorder();  // flushes what is recorded, then stops
  WindowRecorder(const WindowRecorder&) = delete;
  WindowRecorder& operator=(const WindowRecorder&) = delete;

  // Never blocks on the store (a map update under a short lock).
  void record(const WindowSample& sample);
  // Writes every changed minute now (one transaction); returns when committed. Throws
  // store::StoreError.
  void flush();
  const std::string& replica_id() const { return options_.replica_id; }

  struct Counters {
    uint64_t flushes = 0;
    uint64_t flush_failures = 0;
    uint64_t rows_written = 0;
  };
  Counters counters() const;

 private:
  using Key = std::tuple<std::string, std::string, std::string, int64_t>;  // route, version,
                                                                           // arm, minute_ms
  struct Minute {
    WindowTotals totals;
    bool dirty = false;
  };
  void run();

  store::Store& store_;
  WindowRecorderOptions options_;
  store::WallClock clock_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::map<Key, Minute> minutes_;
  Counters counters_;
  int64_t last_purge_ms_ = 0;
  std::mutex flush_mutex_;  // one flush at a time
  std::thread thread_;
};

struct WindowQuery {
  std::string route;    // "" all
  std::string version;  // "" all
  std::string arm;      // "" all
  int64_t since_ms = 0;
  int64_t until_ms = 0;  // exclusive; 0: no end
};

// Every replica's rows whose minute starts in [since, until), summed. A minute is counted
// whole when it starts in the range (windows are minute-aligned).
WindowTotals read_window_totals(store::Store& store, const WindowQuery& query);

struct WindowPoint {
  int64_t start_ms = 0;
  WindowTotals totals;
};
// The same, one point per `step_ms` (a multiple of a minute), for charts. Empty steps are
// absent.
std::vector<WindowPoint> read_window_series(store::Store& store, const WindowQuery& query,
                                            int64_t step_ms);

}  // namespace slipway::monitor
