#pragma once
// The response log and feedback writer: one thread that owns every write of the feedback part
// while a server runs. Answers are queued by log() (never blocks) and written in batches with
// one commit each (group commit); ratings are queued by submit() and written in the next batch,
// after the answers queued before them, so feedback for an answer whose row is still queued
// succeeds. Retention runs on the same thread between batches, in small transactions, so
// purging never stalls serving. Thread-safe.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_set>

#include "feedback/log_settings.h"
#include "feedback/logged_answer.h"
#include "feedback/rating.h"
#include "feedback/retention.h"
#include "store/clock.h"
#include "store/store.h"

namespace slipway::feedback {

// Counters for /metrics (slipway_response_log_*, slipway_feedback_*).
struct LogCounters {
  uint64_t answers_logged = 0;   // metadata rows' answers written
  uint64_t answers_dropped = 0;  // queue full or disabled
  uint64_t bodies_kept = 0;
  uint64_t bodies_skipped = 0;  // not sampled, too large or no prompt
  uint64_t batches = 0;         // commits
  uint64_t write_failures = 0;  // batches the store refused (their answers are lost)
  double commit_seconds_sum = 0;
  uint64_t ratings_recorded = 0;
  uint64_t ratings_unknown = 0;  // UnknownId / UnknownChoice
  uint64_t rows_purged = 0;
  std::size_t pending = 0;  // queued now
};

class FeedbackLog {
 public:
  // Migrates the feedback tables (throws StoreError) and starts the writer thread. `store`
  // must outlive the log. Throws std::invalid_argument for a bad redaction pattern.
  FeedbackLog(store::Store& store, LogSettings settings,
              store::WallClock clock = store::system_now_ms);
  // Writes what is queued, then stops the thread.
  ~FeedbackLog();
  FeedbackLog(const FeedbackLog&) = delete;
  FeedbackLog& operator=(const FeedbackLog&) = delete;

  // Queues an answer; false when it was dropped (log disabled or max_pending reached).
  bool log(LoggedAnswer answer);
  // Queues a rating; `done` runs once, on the writer thread, when it is durable or failed (at
  // once on the caller's thread when the log is disabled or stopping, or the rating is not
  // 1/-1). `done` must not block or call back into the log.
  void submit(RatingSubmission submission, std::function<void(SubmitResult)> done);
  SubmitResult submit_and_wait(RatingSubmission submission);
  // Returns when everything queued before the call is durable (or failed).
  void flush();
  // Retention now (after a flush): bodies and answers past their age, bodies beyond the size
  // cap. Runs on the caller's thread in chunks.
  PurgeCounts purge_now();
  // Everything of one user: their answers (metadata, bodies, the ratings on them) and the
  // ratings they gave. Flushes first, so nothing of theirs that was queued survives.
  ForgetCounts forget_user(const std::string& user);

  // How long feedback on an unknown id should wait before a second look and a 404: on a
  // shared PostgreSQL store another replica may still hold that answer in its queue (it writes
  // within its flush interval); 0 on SQLite, where this process is the only writer.
  int64_t unknown_id_grace_ms() const;

  LogCounters counters() const;
  // Prometheus exposition text of the counters (appended to GET /metrics).
  std::string metrics_text() const;
  store::Store& store() { return store_; }
  const LogSettings& settings() const { return settings_; }
  int64_t now_ms() const { return clock_(); }

 private:
  struct PendingRating {
    RatingSubmission submission;
    std::function<void(SubmitResult)> done;
    uint64_t answers_before = 0;  // answers queued before it: it is written with the last of them
  };

  void run();
  void write_batch(std::deque<LoggedAnswer>& answers, std::deque<PendingRating>& ratings);
  // With mutex_ held:
  bool batch_ready(int64_t now_ms);
  void take_batch(std::deque<LoggedAnswer>& answers, std::deque<PendingRating>& ratings);
  int64_t idle_wait_ms(int64_t now_ms) const;
  // Without it: retention between batches; errors are reported, never thrown.
  void purge_between_batches();

  store::Store& store_;
  const LogSettings settings_;
  const store::WallClock clock_;
  Redactor redactor_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable written_;
  std::deque<LoggedAnswer> answers_;
  std::deque<PendingRating> ratings_;
  int64_t oldest_queued_ms_ = 0;
  uint64_t enqueued_seq_ = 0;    // items ever queued
  uint64_t written_seq_ = 0;     // items written (or failed)
  uint64_t answers_queued_ = 0;  // answers ever queued
  uint64_t answers_taken_ = 0;   // answers ever taken into a batch
  bool urgent_ = false;          // a rating or flush waits: write now
  bool stopping_ = false;
  int64_t next_purge_ms_ = 0;
  LogCounters counters_;
  std::thread thread_;
};

}  // namespace slipway::feedback
