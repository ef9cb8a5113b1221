// The recorder: counts answers per minute in memory and a background thread upserts the
// changed minutes, so serving never waits on the store.
#include "monitor/traffic_windows.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "monitor/recorder_support.h"
#include "monitor/window_buckets.h"

namespace slipway::monitor {

namespace {

constexpr int64_t kHourMs = 3'600'000;
constexpr int64_t kDayMs = 24 * kHourMs;
// Minutes older than this are complete: once written they leave memory.
constexpr int64_t kKeepMinutesMs = 3 * kMinuteMs;

const char* const kUpsert =
    "INSERT INTO monitor_windows (replica, route, version, arm, minute_ms, requests, errors, "
    "successes, prompt_tokens, completion_tokens, latency_buckets, ttft_buckets, updated_ms) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (replica, route, version, arm, minute_ms) DO UPDATE SET "
    "requests = excluded.requests, errors = excluded.errors, successes = excluded.successes, "
    "prompt_tokens = excluded.prompt_tokens, completion_tokens = excluded.completion_tokens, "
    "latency_buckets = excluded.latency_buckets, ttft_buckets = excluded.ttft_buckets, "
    "updated_ms = excluded.updated_ms";

void check_options(const WindowRecorderOptions& options) {
  if (options.flush_interval_ms < 1) {
    throw std::invalid_argument("the traffic windows' flush interval must be at least 1 ms, got " +
                                std::to_string(options.flush_interval_ms));
  }
  if (options.retention_days < 1) {
    throw std::invalid_argument("the traffic windows' retention must be at least 1 day, got " +
                                std::to_string(options.retention_days));
  }
}

void count_in(std::vector<int64_t>& buckets, double seconds) {
  const int index = bucket_index(seconds);
  if (index >= 0) ++buckets[static_cast<std::size_t>(index)];
}

}  // namespace

WindowRecorder::WindowRecorder(store::Store& store, WindowRecorderOptions options,
                               store::WallClock clock)
    : store_(store), options_(std::move(options)), clock_(std::move(clock)) {
  check_options(options_);
  if (!clock_) throw std::invalid_argument("the traffic windows need a clock");
  if (options_.replica_id.empty()) options_.replica_id = random_replica_id();
  migrate_monitor(store_);
  thread_ = std::thread([this] { run(); });
}

WindowRecorder::~WindowRecorder() {
  stop_flush_loop(
      mutex_, wake_, stop_, thread_, [this] { flush(); }, "traffic windows", store_.describe());
}

void WindowRecorder::record(const WindowSample& sample) {
  const int64_t minute_ms = align_down(clock_(), kMinuteMs);
  Key key{sample.route, sample.version, sample.arm, minute_ms};
  const bool success = sample.status == 200;
  const bool error = sample.status >= 500 || sample.status == 429;

  std::lock_guard lock(mutex_);
  Minute& minute = minutes_[std::move(key)];
  WindowTotals& totals = minute.totals;
  if (totals.latency_buckets.empty()) {
    totals.latency_buckets.assign(window_latency_bounds().size() + 1, 0);
    totals.ttft_buckets.assign(window_latency_bounds().size() + 1, 0);
  }
  ++totals.requests;
  if (error) ++totals.errors;
  if (success) {
    ++totals.successes;
    count_in(totals.latency_buckets, sample.latency_seconds);
    if (sample.first_token_seconds) count_in(totals.ttft_buckets, *sample.first_token_seconds);
  }
  totals.prompt_tokens += std::max<int64_t>(sample.prompt_tokens, 0);
  totals.completion_tokens += std::max<int64_t>(sample.completion_tokens, 0);
  minute.dirty = true;
}

void WindowRecorder::flush() {
  std::lock_guard flushing(flush_mutex_);
  const int64_t now_ms = clock_();
  // Copied and marked clean under the lock: a sample recorded while the copy is written marks
  // its minute dirty again for the next flush.
  std::vector<std::pair<Key, WindowTotals>> changed;
  {
    std::lock_guard lock(mutex_);
    for (auto& [key, minute] : minutes_) {
      if (!minute.dirty) continue;
      changed.emplace_back(key, minute.totals);
      minute.dirty = false;
    }
  }
  const bool purge_due = last_purge_ms_ == 0 || now_ms - last_purge_ms_ >= kHourMs;
  if (changed.empty() && !purge_due) return;

  try {
    store_.write([&](store::Transaction& tx) {
      for (const auto& [key, totals] : changed) {
        const auto& [route, version, arm, minute_ms] = key;
        tx.execute(kUpsert, {options_.replica_id, route, version, arm, minute_ms, totals.requests,
                             totals.errors, totals.successes, totals.prompt_tokens,
                             totals.completion_tokens, buckets_to_json(totals.latency_buckets),
                             buckets_to_json(totals.ttft_buckets), now_ms});
      }
      if (purge_due) {
        tx.execute("DELETE FROM monitor_windows WHERE minute_ms < ?",
                   {now_ms - options_.retention_days * kDayMs});
      }
    });
  } catch (...) {
    std::lock_guard lock(mutex_);
    // Only this function forgets minutes, so every copied key is still there.
    for (const auto& entry : changed) minutes_[entry.first].dirty = true;
    ++counters_.flush_failures;
    throw;
  }

  if (purge_due) last_purge_ms_ = now_ms;
  std::lock_guard lock(mutex_);
  ++counters_.flushes;
  counters_.rows_written += changed.size();
  const int64_t keep_from_ms = align_down(now_ms, kMinuteMs) - kKeepMinutesMs;
  std::erase_if(minutes_, [&](const auto& entry) {
    return !entry.second.dirty && std::get<3>(entry.first) < keep_from_ms;
  });
}

WindowRecorder::Counters WindowRecorder::counters() const {
  std::lock_guard lock(mutex_);
  return counters_;
}

void WindowRecorder::run() {
  run_flush_loop(
      mutex_, wake_, stop_, options_.flush_interval_ms, [this] { flush(); }, "traffic windows",
      store_.describe());
}

}  // namespace slipway::monitor
