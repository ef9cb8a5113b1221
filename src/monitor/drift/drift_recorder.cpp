// The drift recorder: reads each answer's signals, counts them per slot in memory, and a
// background thread upserts the changed slots, so serving never waits on the store.
#include "monitor/drift/drift_recorder.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "monitor/drift/drift_slot_columns.h"
#include "monitor/monitor_schema.h"
#include "monitor/recorder_support.h"
#include "monitor/window_buckets.h"

namespace slipway::monitor {

namespace {

constexpr int64_t kHourMs = 3'600'000;
constexpr int64_t kDayMs = 24 * kHourMs;
constexpr int64_t kMaxRetentionDays = 36'500;  // keeps the purge's cutoff from overflowing
// An answer is recorded when it is complete but counted in the slot of its request's arrival,
// so a slot stays open this long after it ends (long generations, shadow copies). Once closed
// and written it leaves memory; answers that still arrive for it are dropped and counted as
// late, since rewriting its row from a fresh slot would lose what was written.
constexpr int64_t kLateAnswerMs = 15 * 60'000;
// A slot's in-memory term maps are cut back to half of this many times terms_per_slot when
// they outgrow it: memory stays bounded and the heavy terms the stored rows keep survive.
constexpr std::size_t kMemoryTermsFactor = 8;

const char* const kUpsert =
    "INSERT INTO monitor_drift_slots (replica, route, version, arm, slot_ms, answers, refusals, "
    "uncertain, length_counts, finish_reasons, prompt_terms, response_terms, updated_ms) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (replica, route, version, arm, slot_ms) DO UPDATE SET "
    "answers = excluded.answers, refusals = excluded.refusals, uncertain = excluded.uncertain, "
    "length_counts = excluded.length_counts, finish_reasons = excluded.finish_reasons, "
    "prompt_terms = excluded.prompt_terms, response_terms = excluded.response_terms, "
    "updated_ms = excluded.updated_ms";

void check_options(const DriftRecorderOptions& options) {
  const auto refuse = [](const std::string& what, int64_t got) {
    throw std::invalid_argument("the drift recorder's " + what + ", got " + std::to_string(got));
  };
  if (options.slot_ms < 1'000) refuse("slot must be at least 1000 ms", options.slot_ms);
  if (options.flush_interval_ms < 1) {
    refuse("flush interval must be at least 1 ms", options.flush_interval_ms);
  }
  if (options.retention_days < 1 || options.retention_days > kMaxRetentionDays) {
    refuse("retention must be between 1 and 36500 days", options.retention_days);
  }
  if (options.terms_per_slot < 1) refuse("terms per slot must be at least 1", 0);
}

// One answer's signals as a sample of one, read before taking the recorder's lock.
DriftSample signals_of(const PhraseMatcher& phrases, const ObservedAnswer& answer) {
  DriftSample sample;
  sample.answers = 1;
  sample.refusals = phrases.refuses(answer.response) ? 1 : 0;
  sample.uncertain = phrases.uncertain(answer.response) ? 1 : 0;
  sample.lengths[std::max<int64_t>(answer.completion_tokens, 0)] = 1;
  sample.finish_reasons[answer.finish_reason.empty() ? "unknown" : answer.finish_reason] = 1;
  // Map keys: a term used twice in one answer still counts once.
  for (std::string& term : phrases.terms(answer.prompt)) sample.prompt_terms[std::move(term)] = 1;
  for (std::string& term : phrases.terms(answer.response)) {
    sample.response_terms[std::move(term)] = 1;
  }
  return sample;
}

}  // namespace

DriftRecorder::DriftRecorder(store::Store& store, std::shared_ptr<const PhraseMatcher> phrases,
                             DriftRecorderOptions options, store::WallClock clock)
    : store_(store),
      phrases_(std::move(phrases)),
      options_(std::move(options)),
      clock_(std::move(clock)) {
  check_options(options_);
  if (!phrases_) throw std::invalid_argument("the drift recorder needs a phrase matcher");
  if (!clock_) throw std::invalid_argument("the drift recorder needs a clock");
  if (options_.replica_id.empty()) options_.replica_id = random_replica_id();
  migrate_monitor(store_);
  thread_ = std::thread([this] { run(); });
}

DriftRecorder::~DriftRecorder() {
  stop_flush_loop(
      mutex_, wake_, stop_, thread_, [this] { flush(); }, "drift recorder", store_.describe());
}

void DriftRecorder::record(const ObservedAnswer& answer) {
  if (answer.route.empty()) return;
  const int64_t now_ms = clock_();
  // An answer without an arrival time counts now rather than in 1970.
  const int64_t created_ms = answer.created_ms > 0 ? answer.created_ms : now_ms;
  const int64_t slot_ms = align_down(created_ms, options_.slot_ms);
  if (slot_ms + options_.slot_ms + kLateAnswerMs <= now_ms) {
    std::lock_guard lock(mutex_);
    ++counters_.late;
    return;
  }
  DriftSample signals = signals_of(*phrases_, answer);
  Key key{answer.route, answer.version, answer.arm, slot_ms};

  std::lock_guard lock(mutex_);
  Slot& slot = slots_[std::move(key)];
  slot.sample.add(signals);
  const std::size_t memory_limit = kMemoryTermsFactor * options_.terms_per_slot;
  if (slot.sample.prompt_terms.size() > memory_limit ||
      slot.sample.response_terms.size() > memory_limit) {
    slot.sample.trim_terms(memory_limit / 2);
  }
  slot.dirty = true;
  ++counters_.recorded;
}

void DriftRecorder::flush() {
  std::lock_guard flushing(flush_mutex_);
  const int64_t now_ms = clock_();
  // Copied and marked clean under the lock: an answer recorded while the copy is written
  // marks its slot dirty again for the next flush.
  std::vector<Key> changed;
  std::vector<DriftSample> samples;
  {
    std::lock_guard lock(mutex_);
    for (auto& [key, slot] : slots_) {
      if (!slot.dirty) continue;
      changed.push_back(key);
      samples.push_back(slot.sample);
      slot.dirty = false;
    }
  }
  const bool purge_due = last_purge_ms_ == 0 || now_ms - last_purge_ms_ >= kHourMs;
  if (changed.empty() && !purge_due) return;

  // Built before the transaction, whose body may run again on a conflict.
  std::vector<store::Params> rows;
  rows.reserve(changed.size());
  for (std::size_t i = 0; i < changed.size(); ++i) {
    DriftSample& sample = samples[i];
    sample.trim_terms(options_.terms_per_slot);
    const auto& [route, version, arm, slot_ms] = changed[i];
    rows.push_back({options_.replica_id, route, version, arm, slot_ms, sample.answers,
                    sample.refusals, sample.uncertain, counts_to_json(sample.lengths),
                    counts_to_json(sample.finish_reasons), counts_to_json(sample.prompt_terms),
                    counts_to_json(sample.response_terms), now_ms});
  }
  try {
    store_.write([&](store::Transaction& tx) {
      for (const store::Params& row : rows) tx.execute(kUpsert, row);
      if (purge_due) {
        tx.execute("DELETE FROM monitor_drift_slots WHERE slot_ms < ?",
                   {now_ms - options_.retention_days * kDayMs});
      }
    });
  } catch (...) {
    std::lock_guard lock(mutex_);
    // Only this function forgets slots, so every copied key is still there.
    for (const Key& key : changed) slots_[key].dirty = true;
    ++counters_.flush_failures;
    throw;
  }

  if (purge_due) last_purge_ms_ = now_ms;
  std::lock_guard lock(mutex_);
  ++counters_.flushes;
  std::erase_if(slots_, [&](const auto& entry) {
    const int64_t slot_ms = std::get<3>(entry.first);
    return !entry.second.dirty && slot_ms + options_.slot_ms + kLateAnswerMs <= now_ms;
  });
}

DriftRecorder::Counters DriftRecorder::counters() const {
  std::lock_guard lock(mutex_);
  return counters_;
}

void DriftRecorder::run() {
  run_flush_loop(
      mutex_, wake_, stop_, options_.flush_interval_ms, [this] { flush(); }, "drift recorder",
      store_.describe());
}

}  // namespace slipway::monitor
