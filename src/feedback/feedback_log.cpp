#include "feedback/feedback_log.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <future>
#include <optional>
#include <stdexcept>
#include <vector>

#include "feedback/answer_rows.h"
#include "feedback/exchange_encoding.h"
#include "feedback/feedback_schema.h"
#include "feedback/log_metrics.h"
#include "feedback/rating_upsert.h"
#include "feedback/store_text.h"

namespace slipway::feedback {

namespace {

// Even with no deadline the writer looks at the (injectable) clock this often, so a clock that
// jumps forward (tests, NTP) starts a due purge or flush without waiting for a wake-up.
constexpr int64_t kMaxIdleWaitMs = 1000;

SubmitResult unavailable(std::string why) {
  SubmitResult result;
  result.status = SubmitResult::Status::Unavailable;
  result.error = std::move(why);
  return result;
}

// The HTTP layer refuses bad ratings first (422); a value the schema's CHECK refuses would
// otherwise fail the whole batch it is written in.
std::optional<std::string> invalid_submission(const RatingSubmission& submission) {
  const auto& rating = submission.rating;
  if (rating.given && rating.value && *rating.value != 1 && *rating.value != -1) {
    return "rating must be 1 or -1, not " + std::to_string(*rating.value);
  }
  return std::nullopt;
}

void run_callback(const std::function<void(SubmitResult)>& done, SubmitResult result) {
  if (!done) return;
  try {
    done(std::move(result));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "slipway: feedback callback failed: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "slipway: feedback callback failed\n");
  }
}

}  // namespace

FeedbackLog::FeedbackLog(store::Store& store, LogSettings settings, store::WallClock clock)
    : store_(store),
      settings_(std::move(settings)),
      clock_(clock ? std::move(clock) : store::WallClock(store::system_now_ms)),
      redactor_(settings_.redaction) {
  migrate_feedback(store_);
  if (settings_.purge_interval_ms > 0) next_purge_ms_ = clock_() + settings_.purge_interval_ms;
  thread_ = std::thread([this] { run(); });
}

FeedbackLog::~FeedbackLog() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

bool FeedbackLog::log(LoggedAnswer answer) {
  const int64_t now = clock_();
  if (answer.created_ms == 0) answer.created_ms = now;
  std::lock_guard lock(mutex_);
  if (!settings_.enabled || stopping_ || answers_.size() >= settings_.max_pending) {
    ++counters_.answers_dropped;
    return false;
  }
  if (answers_.empty()) oldest_queued_ms_ = now;
  answers_.push_back(std::move(answer));
  ++answers_queued_;
  ++enqueued_seq_;
  // The first answer starts the flush timer; a full batch is written at once.
  if (answers_.size() == 1 || answers_.size() >= settings_.max_batch) wake_.notify_one();
  return true;
}

void FeedbackLog::submit(RatingSubmission submission, std::function<void(SubmitResult)> done) {
  std::optional<std::string> refusal;
  if (!settings_.enabled) {
    refusal = "the response log is disabled";
  } else {
    refusal = invalid_submission(submission);
  }
  if (!refusal) {
    std::lock_guard lock(mutex_);
    if (stopping_) {
      refusal = "the response log is shutting down";
    } else {
      ratings_.push_back(PendingRating{std::move(submission), std::move(done), answers_queued_});
      ++enqueued_seq_;
      urgent_ = true;
      wake_.notify_one();
      return;
    }
  }
  run_callback(done, unavailable(*refusal));
}

SubmitResult FeedbackLog::submit_and_wait(RatingSubmission submission) {
  std::promise<SubmitResult> promise;
  std::future<SubmitResult> result = promise.get_future();
  submit(std::move(submission), [&promise](SubmitResult r) { promise.set_value(std::move(r)); });
  return result.get();
}

void FeedbackLog::flush() {
  std::unique_lock lock(mutex_);
  const uint64_t target = enqueued_seq_;
  if (written_seq_ >= target) return;
  urgent_ = true;
  wake_.notify_one();
  written_.wait(lock, [&] { return written_seq_ >= target; });
}

PurgeCounts FeedbackLog::purge_now() {
  flush();
  const PurgeCounts counts =
      purge_expired(store_, settings_.retention, clock_(), settings_.purge_chunk_rows);
  std::lock_guard lock(mutex_);
  counters_.rows_purged += static_cast<uint64_t>(counts.bodies_expired + counts.bodies_over_cap +
                                                 counts.responses_expired + counts.ratings_expired);
  return counts;
}

ForgetCounts FeedbackLog::forget_user(const std::string& user) {
  if (user.empty()) return forget_user_rows(store_, user);  // refuses: nothing to flush for
  flush();
  return forget_user_rows(store_, user, settings_.purge_chunk_rows);
}

int64_t FeedbackLog::unknown_id_grace_ms() const {
  // Replicas are configured alike; the slack covers a commit that is under way.
  constexpr int64_t kCommitSlackMs = 1000;
  if (store_.dialect() != store::Dialect::Postgres) return 0;
  return settings_.flush_interval_ms + kCommitSlackMs;
}

LogCounters FeedbackLog::counters() const {
  std::lock_guard lock(mutex_);
  LogCounters copy = counters_;
  copy.pending = answers_.size() + ratings_.size();
  return copy;
}

std::string FeedbackLog::metrics_text() const {
  return log_metrics_text(counters());
}

void FeedbackLog::run() {
  std::unique_lock lock(mutex_);
  while (true) {
    const int64_t now = clock_();
    if (!stopping_ && settings_.purge_interval_ms > 0 && now >= next_purge_ms_) {
      next_purge_ms_ = now + settings_.purge_interval_ms;
      lock.unlock();
      purge_between_batches();
      lock.lock();
      continue;
    }
    if (batch_ready(now)) {
      std::deque<LoggedAnswer> answers;
      std::deque<PendingRating> ratings;
      take_batch(answers, ratings);
      lock.unlock();
      write_batch(answers, ratings);
      lock.lock();
      continue;
    }
    if (stopping_) return;  // batch_ready is true while anything is queued and we stop
    wake_.wait_for(lock, std::chrono::milliseconds(idle_wait_ms(now)));
  }
}

bool FeedbackLog::batch_ready(int64_t now_ms) {
  if (answers_.empty() && ratings_.empty()) {
    urgent_ = false;
    return false;
  }
  return stopping_ || urgent_ || !ratings_.empty() || answers_.size() >= settings_.max_batch ||
         now_ms - oldest_queued_ms_ >= settings_.flush_interval_ms;
}

void FeedbackLog::take_batch(std::deque<LoggedAnswer>& answers,
                             std::deque<PendingRating>& ratings) {
  const std::size_t limit = std::max<std::size_t>(settings_.max_batch, 1);
  while (!answers_.empty() && answers.size() < limit) {
    answers.push_back(std::move(answers_.front()));
    answers_.pop_front();
    ++answers_taken_;
  }
  // A rating goes with the batch holding the last answer queued before it, so feedback on an
  // answer still in the queue finds its row.
  while (!ratings_.empty() && ratings_.front().answers_before <= answers_taken_) {
    ratings.push_back(std::move(ratings_.front()));
    ratings_.pop_front();
  }
  // Leftover answers keep the oldest timestamp: they were queued after it, so they are
  // written no later than the flush interval promises.
  if (answers_.empty() && ratings_.empty()) urgent_ = false;
}

int64_t FeedbackLog::idle_wait_ms(int64_t now_ms) const {
  int64_t wait = kMaxIdleWaitMs;
  if (!answers_.empty()) {
    wait = std::min(wait, oldest_queued_ms_ + settings_.flush_interval_ms - now_ms);
  }
  if (settings_.purge_interval_ms > 0) wait = std::min(wait, next_purge_ms_ - now_ms);
  return std::max<int64_t>(wait, 1);
}

void FeedbackLog::purge_between_batches() {
  try {
    const PurgeCounts counts =
        purge_expired(store_, settings_.retention, clock_(), settings_.purge_chunk_rows);
    std::lock_guard lock(mutex_);
    counters_.rows_purged +=
        static_cast<uint64_t>(counts.bodies_expired + counts.bodies_over_cap +
                              counts.responses_expired + counts.ratings_expired);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "slipway: response log retention failed (retried later): %s\n", e.what());
  }
}

void FeedbackLog::write_batch(std::deque<LoggedAnswer>& answers,
                              std::deque<PendingRating>& ratings) {
  // Encoding and redaction run here, before the transaction, so the write lock is held for
  // SQL only and the threads serving requests never pay for them.
  std::vector<EncodedExchange> encoded;
  encoded.reserve(answers.size());
  for (const LoggedAnswer& answer : answers) {
    encoded.push_back(encode_exchange(answer, redactor_, settings_.bodies));
  }
  for (PendingRating& pending : ratings) {
    RatingSubmission& submission = pending.submission;
    submission.response_id = store_text(submission.response_id);
    submission.user = store_text(submission.user);
    if (submission.comment.value) {
      submission.comment.value = store_text(redactor_.apply(*submission.comment.value));
    }
  }

  const int64_t now = clock_();
  std::vector<SubmitResult> results;
  std::optional<std::string> failure;
  const auto started = std::chrono::steady_clock::now();
  try {
    store_.write([&](store::Transaction& tx) {
      results.clear();  // the body runs again after a conflict
      for (std::size_t i = 0; i < answers.size(); ++i) {
        insert_answer_rows(tx, answers[i], encoded[i]);
      }
      for (const PendingRating& pending : ratings) {
        results.push_back(apply_rating(tx, pending.submission, now));
      }
    });
  } catch (const std::exception& e) {
    failure = e.what();
  } catch (...) {
    failure = "unknown error";
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  if (failure) {
    std::fprintf(stderr,
                 "slipway: response log: a batch of %zu answers and %zu ratings was not written "
                 "(the answers are lost): %s\n",
                 answers.size(), ratings.size(), failure->c_str());
    results.assign(ratings.size(), unavailable("the feedback store failed: " + *failure));
  }
  {
    std::lock_guard lock(mutex_);
    if (failure) {
      ++counters_.write_failures;
    } else {
      ++counters_.batches;
      counters_.commit_seconds_sum += seconds;
      counters_.answers_logged += answers.size();
      for (const EncodedExchange& exchange : encoded) {
        ++(exchange.prompt_json ? counters_.bodies_kept : counters_.bodies_skipped);
      }
      for (const SubmitResult& result : results) {
        if (result.status == SubmitResult::Status::Recorded) ++counters_.ratings_recorded;
        if (result.status == SubmitResult::Status::UnknownId ||
            result.status == SubmitResult::Status::UnknownChoice) {
          ++counters_.ratings_unknown;
        }
      }
    }
  }
  // Callbacks first, so a flush() that returns has seen them run.
  for (std::size_t i = 0; i < ratings.size(); ++i) {
    run_callback(ratings[i].done, std::move(results[i]));
  }
  {
    std::lock_guard lock(mutex_);
    written_seq_ += answers.size() + ratings.size();
  }
  written_.notify_all();
}

}  // namespace slipway::feedback
