// Retention by age and body size, and forgetting one user, with a clock the test sets.
#include "feedback/retention.h"

#include <gtest/gtest.h>

#include "feedback/feedback_log.h"
#include "log_test_support.h"

namespace slipway::feedback::test {
namespace {

using Status = SubmitResult::Status;

class RetentionTest : public StoreTest {
 protected:
  static LogSettings retention_settings() {
    LogSettings settings = quiet_settings();
    settings.retention.body_retention_ms = 30 * kDayMs;
    settings.retention.response_retention_ms = 90 * kDayMs;
    return settings;
  }

  void log_at(FeedbackLog& log, const std::string& id, int64_t created_ms,
              const std::string& user = "alice") {
    LoggedAnswer answer = chat_answer(id, user);
    answer.created_ms = created_ms;
    ASSERT_TRUE(log.log(answer));
  }

  int64_t rows(const std::string& table) { return count("SELECT COUNT(*) FROM " + table); }

  void add_judgment(const std::string& chosen, const std::string& rejected) {
    store_->write([&](store::Transaction& tx) {
      tx.execute(
          "INSERT INTO feedback_judgments (chosen_id, chosen_choice, rejected_id, "
          "rejected_choice, judge, created_ms) VALUES (?, 0, ?, 0, 'judge', ?)",
          {chosen, rejected, kDec1});
    });
  }
};

TEST_P(RetentionTest, BodiesExpireBeforeResponsesAndResponsesTakeTheirRatings) {
  FeedbackLog log(*store_, retention_settings(), clock());
  log_at(log, "very-old", kDec1 - 100 * kDayMs);
  log_at(log, "old", kDec1 - 40 * kDayMs);
  log_at(log, "new", kDec1 - kDayMs);
  for (const char* id : {"very-old", "old", "new"}) {
    ASSERT_EQ(log.submit_and_wait(thumbs(id, 1, "alice")).status, Status::Recorded);
    ASSERT_EQ(log.submit_and_wait(thumbs(id, -1, "bob")).status, Status::Recorded);
  }
  add_judgment("new", "very-old");

  const PurgeCounts counts = log.purge_now();
  EXPECT_EQ(counts.bodies_expired, 2);  // old's by age, very-old's (older still) as well
  EXPECT_EQ(counts.responses_expired, 1);
  EXPECT_EQ(counts.ratings_expired, 2);
  EXPECT_EQ(counts.bodies_over_cap, 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM feedback_responses WHERE id = 'very-old'"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM feedback_ratings WHERE response_id = 'very-old'"), 0);
  EXPECT_EQ(rows("feedback_judgments"), 0);
  EXPECT_EQ(count("SELECT has_body FROM feedback_responses WHERE id = 'old'"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM feedback_ratings WHERE response_id = 'old'"), 2);
  EXPECT_EQ(count("SELECT has_body FROM feedback_responses WHERE id = 'new'"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM feedback_bodies WHERE id = 'new'"), 1);
  EXPECT_EQ(rows("feedback_bodies"), 1);
  EXPECT_EQ(log.counters().rows_purged, 5u);

  // Feedback on a purged answer is refused like any unknown id.
  EXPECT_EQ(log.submit_and_wait(thumbs("very-old", 1)).status, Status::UnknownId);
  EXPECT_EQ(log.purge_now().responses_expired, 0);  // nothing left to purge
}

TEST_P(RetentionTest, TheSizeCapDeletesTheOldestBodiesFirst) {
  {
    FeedbackLog log(*store_, retention_settings(), clock());
    for (int i = 0; i < 5; ++i) log_at(log, numbered("a", i), kDec1 - (5 - i) * 1000);
  }
  const int64_t each = count("SELECT MAX(bytes) FROM feedback_bodies");
  ASSERT_EQ(count("SELECT MIN(bytes) FROM feedback_bodies"), each);
  RetentionSettings settings = retention_settings().retention;
  settings.max_total_body_bytes = 3 * each;
  const PurgeCounts counts = purge_expired(*store_, settings, kDec1, 1000);
  EXPECT_EQ(counts.bodies_over_cap, 2);
  EXPECT_EQ(counts.bodies_expired, 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM feedback_bodies WHERE id IN ('a0', 'a1')"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM feedback_bodies WHERE id IN ('a2', 'a3', 'a4')"), 3);
  EXPECT_EQ(count("SELECT SUM(has_body) FROM feedback_responses"), 3);
  EXPECT_EQ(rows("feedback_responses"), 5);  // metadata stays
  settings.max_total_body_bytes = 0;         // small chunks reach an empty table
  EXPECT_EQ(purge_expired(*store_, settings, kDec1, 2).bodies_over_cap, 3);
  EXPECT_EQ(rows("feedback_bodies"), 0);
}

TEST_P(RetentionTest, PurgesRunInChunks) {
  {
    FeedbackLog log(*store_, retention_settings(), clock());
    for (int i = 0; i < 10; ++i) {
      log_at(log, numbered("x", i), kDec1 - 100 * kDayMs - i);
      ASSERT_EQ(log.submit_and_wait(thumbs(numbered("x", i), 1, "bob")).status, Status::Recorded);
    }
    log_at(log, "keep", kDec1);
  }
  const PurgeCounts counts = purge_expired(*store_, retention_settings().retention, kDec1, 3);
  EXPECT_EQ(counts.bodies_expired, 10);
  EXPECT_EQ(counts.responses_expired, 10);
  EXPECT_EQ(counts.ratings_expired, 10);
  EXPECT_EQ(rows("feedback_responses"), 1);
  EXPECT_EQ(rows("feedback_ratings"), 0);
  EXPECT_EQ(rows("feedback_bodies"), 1);
}

TEST_P(RetentionTest, TheWriterPurgesOnItsOwnByTheClock) {
  LogSettings settings = retention_settings();
  settings.purge_interval_ms = 3'600'000;
  FeedbackLog log(*store_, settings, clock());
  log_at(log, "stale", kDec1 - 100 * kDayMs);
  log.flush();
  EXPECT_EQ(rows("feedback_responses"), 1);  // the interval has not passed
  now_ms_ += 3'600'000;
  log_at(log, "fresh", now_ms_);
  log.flush();  // the writer purges before its next batch once the interval has passed
  EXPECT_EQ(count("SELECT COUNT(*) FROM feedback_responses WHERE id = 'stale'"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM feedback_responses WHERE id = 'fresh'"), 1);
  EXPECT_EQ(log.counters().rows_purged, 2u);  // its body and its row
}

TEST_P(RetentionTest, ForgetUserRemovesExactlyThatUsersRows) {
  FeedbackLog log(*store_, retention_settings(), clock());
  for (int i = 0; i < 4; ++i) log_at(log, numbered("alice-", i), kDec1, "alice");
  log_at(log, "bob-0", kDec1, "bob");
  log_at(log, "anon-0", kDec1, "");
  ASSERT_EQ(log.submit_and_wait(thumbs("alice-0", 1, "bob")).status, Status::Recorded);
  ASSERT_EQ(log.submit_and_wait(thumbs("bob-0", -1, "alice")).status, Status::Recorded);
  ASSERT_EQ(log.submit_and_wait(thumbs("bob-0", 1, "bob")).status, Status::Recorded);
  ASSERT_EQ(log.submit_and_wait(thumbs("anon-0", 1, "")).status, Status::Recorded);
  add_judgment("alice-1", "bob-0");
  add_judgment("bob-0", "anon-0");

  const ForgetCounts counts = log.forget_user("alice");
  EXPECT_EQ(counts.responses, 4);
  EXPECT_EQ(counts.bodies, 4);
  EXPECT_EQ(counts.ratings, 2);  // bob's on her answer, hers on bob's
  EXPECT_EQ(counts.judgments, 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM feedback_responses WHERE user_id = 'alice'"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM feedback_ratings WHERE user_id = 'alice'"), 0);
  EXPECT_EQ(rows("feedback_responses"), 2);
  EXPECT_EQ(rows("feedback_bodies"), 2);
  EXPECT_EQ(rows("feedback_ratings"), 2);  // bob's own, the anonymous one
  EXPECT_EQ(rows("feedback_judgments"), 1);
  EXPECT_EQ(log.forget_user("alice").responses, 0);
}

TEST_P(RetentionTest, ForgetUserFlushesAndRunsInChunks) {
  LogSettings settings = retention_settings();
  settings.purge_chunk_rows = 3;
  FeedbackLog log(*store_, settings, clock());
  for (int i = 0; i < 10; ++i) log_at(log, numbered("c-", i), kDec1, "carol");
  log_at(log, "dave-0", kDec1, "dave");
  for (int i = 0; i < 7; ++i) {
    log.submit(thumbs("dave-0", 1, "carol", 0), nullptr);
    log.submit(thumbs(numbered("c-", i), 1, "dave"), nullptr);
  }
  const ForgetCounts counts = log.forget_user("carol");  // nothing of hers stays queued
  EXPECT_EQ(counts.responses, 10);
  EXPECT_EQ(counts.ratings, 8);  // dave's seven, her one (re-submitted)
  EXPECT_EQ(rows("feedback_responses"), 1);
  EXPECT_EQ(rows("feedback_ratings"), 0);
}

TEST_P(RetentionTest, TheEmptyUserIsRefused) {
  FeedbackLog log(*store_, retention_settings(), clock());
  log_at(log, "anon", kDec1, "");
  EXPECT_THROW(log.forget_user(""), std::invalid_argument);
  EXPECT_THROW(forget_user_rows(*store_, ""), std::invalid_argument);
  log.flush();
  EXPECT_EQ(rows("feedback_responses"), 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, RetentionTest, slipway::test::kBothBackends, backend_name);

}  // namespace
}  // namespace slipway::feedback::test
