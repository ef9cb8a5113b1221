#pragma once
// Drift signals per route, version, arm and time slot, written to the store by every replica
// (like the traffic windows: each replica owns its rows and rewrites a slot whole at each
// flush, so flushes are idempotent and replicas never contend). Detectors read any window back
// summed over slots and replicas.
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "monitor/drift/drift_sample.h"
#include "monitor/drift/text_signals.h"
#include "monitor/observed_answer.h"
#include "store/clock.h"
#include "store/store.h"

namespace slipway::monitor {

struct DriftRecorderOptions {
  int64_t slot_ms = 60'000;  // slot length; windows are whole slots
  int64_t flush_interval_ms = 5'000;
  int64_t retention_days = 14;       // older slots are deleted (hourly)
  std::size_t terms_per_slot = 200;  // each term map is trimmed to this many on write
  std::string replica_id;            // empty: random
};

class DriftRecorder {
 public:
  // Runs the monitor's migrations and starts the flush thread. Throws std::invalid_argument
  // for options out of range (slot_ms < 1000, flush_interval_ms < 1, retention_days outside
  // 1..36500, terms_per_slot < 1) and for a missing phrase matcher or clock.
  DriftRecorder(store::Store& store, std::shared_ptr<const PhraseMatcher> phrases,
                DriftRecorderOptions options, store::WallClock clock = store::system_now_ms);
  ~DriftRecorder();  // flushes what is recorded, then stops
  DriftRecorder(const DriftRecorder&) = delete;
  DriftRecorder& operator=(const DriftRecorder&) = delete;

  // Reads the answer's signals (phrases, terms; bounded work) and counts them in the slot of
  // answer.created_ms. Never touches the store. Answers without a route are ignored.
  void record(const ObservedAnswer& answer);
  // Writes every changed slot now (one transaction); returns when committed. Throws
  // store::StoreError.
  void flush();
  const DriftRecorderOptions& options() const { return options_; }

  struct Counters {
    uint64_t recorded = 0;
    uint64_t flushes = 0;
    uint64_t flush_failures = 0;
    uint64_t late = 0;  // answers whose slot had closed (ended 15 minutes ago): dropped
  };
  Counters counters() const;

 private:
  using Key = std::tuple<std::string, std::string, std::string, int64_t>;  // route, version,
                                                                           // arm, slot_ms
  struct Slot {
    DriftSample sample;
    bool dirty = false;
  };
  void run();

  store::Store& store_;
  std::shared_ptr<const PhraseMatcher> phrases_;
  DriftRecorderOptions options_;
  store::WallClock clock_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::map<Key, Slot> slots_;
  Counters counters_;
  int64_t last_purge_ms_ = 0;
  std::mutex flush_mutex_;
  std::thread thread_;
};

struct DriftQuery {
  std::string route;    // required
  std::string version;  // "" all
  std::string arm;      // "" all
  int64_t since_ms = 0;
  int64_t until_ms = 0;  // exclusive; 0: no end
};

// Every replica's slots starting in [since, until), summed.
DriftSample read_drift_sample(store::Store& store, const DriftQuery& query);

// The (route, version, arm) triples with at least one slot in [since, until), sorted.
struct DriftSeries {
  std::string route, version, arm;
};
std::vector<DriftSeries> list_drift_series(store::Store& store, int64_t since_ms, int64_t until_ms);

}  // namespace slipway::monitor
