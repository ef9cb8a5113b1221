// The writer thread: group commit, rows per choice, ratings ordered after their answers.
#include "feedback/feedback_log.h"

#include <gtest/gtest.h>

#include "log_test_support.h"

namespace slipway::feedback::test {
namespace {

using Status = SubmitResult::Status;

class FeedbackLogTest : public StoreTest {};

TEST_P(FeedbackLogTest, AnswersAreWrittenInFullBatches) {
  LogSettings settings = quiet_settings();
  settings.max_batch = 10;
  FeedbackLog log(*store_, settings, clock());
  for (int i = 0; i < 35; ++i) ASSERT_TRUE(log.log(chat_answer("chatcmpl-" + std::to_string(i))));
  log.flush();
  EXPECT_EQ(count("SELECT COUNT(*) FROM feedback_responses"), 35);
  const LogCounters counters = log.counters();
  EXPECT_EQ(counters.batches, 4u);  // 10 + 10 + 10 + the 5 the flush asked for
  EXPECT_EQ(counters.answers_logged, 35u);
  EXPECT_EQ(counters.pending, 0u);
}

TEST_P(FeedbackLogTest, AFlushWritesEverythingInOneBatch) {
  FeedbackLog log(*store_, quiet_settings(), clock());
  for (int i = 0; i < 35; ++i) log.log(chat_answer("chatcmpl-" + std::to_string(i)));
  EXPECT_EQ(count("SELECT COUNT(*) FROM feedback_responses"), 0);  // still queued
  log.flush();
  EXPECT_EQ(count("SELECT COUNT(*) FROM feedback_responses"), 35);
  EXPECT_EQ(log.counters().batches, 1u);
  log.flush();  // nothing queued: no empty batch
  EXPECT_EQ(log.counters().batches, 1u);
}

TEST_P(FeedbackLogTest, TheFlushIntervalIsReadFromTheClock) {
  LogSettings settings = quiet_settings();
  settings.flush_interval_ms = 200;
  FeedbackLog log(*store_, settings, clock());
  log.log(chat_answer("chatcmpl-1"));
  EXPECT_EQ(log.counters().batches, 0u);  // the fake clock has not moved
  now_ms_ += 200;
  // The writer notices within its idle wait; a rating would force it, so poll the counter.
  for (int i = 0; i < 400 && log.counters().batches == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(log.counters().batches, 1u);
}

TEST_P(FeedbackLogTest, OneRowPerChoiceWithMetadataAndBody) {
  FeedbackLog log(*store_, quiet_settings(), clock());
  LoggedAnswer answer = chat_answer("chatcmpl-n2", "carol", 2);
  answer.arm = "canary";
  answer.created_ms = kDec1 - 5000;
  answer.choices[1].finish_reason = "length";
  answer.choices[1].completion_tokens.reset();
  log.log(answer);
  log.flush();
  const auto rows = store_->read([](store::Transaction& tx) {
    return tx.query(
        "SELECT choice_index, kind, route, version, arm, user_id, finish_reason, prompt_tokens, "
        "completion_tokens, ttft_ms, latency_ms, created_ms, has_body, prompt_hash, status "
        "FROM feedback_responses WHERE id = 'chatcmpl-n2' ORDER BY choice_index");
  });
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].integer(0), 0);
  EXPECT_EQ(rows[1].integer(0), 1);
  for (const auto& row : rows) {
    EXPECT_EQ(row.text(1), "chat");
    EXPECT_EQ(row.text(2), "demo");
    EXPECT_EQ(row.text(3), "demo/1");
    EXPECT_EQ(row.text(4), "canary");
    EXPECT_EQ(row.text(5), "carol");
    EXPECT_EQ(row.integer(7), 12);
    EXPECT_DOUBLE_EQ(row.real(9), 50.0);
    EXPECT_DOUBLE_EQ(row.real(10), 250.0);
    EXPECT_EQ(row.integer(11), kDec1 - 5000);
    EXPECT_EQ(row.integer(12), 1);
    EXPECT_EQ(row.text(13).rfind("chat:", 0), 0u);
    EXPECT_EQ(row.integer(14), 200);
  }
  EXPECT_EQ(rows[0].text(6), "stop");
  EXPECT_EQ(rows[1].text(6), "length");
  EXPECT_EQ(rows[0].optional_integer(8), 3);
  EXPECT_FALSE(rows[1].optional_integer(8).has_value());
  EXPECT_EQ(count("SELECT COUNT(*) FROM feedback_bodies WHERE id = 'chatcmpl-n2'"), 1);
  const LogCounters counters = log.counters();
  EXPECT_EQ(counters.bodies_kept, 1u);
  EXPECT_EQ(counters.bodies_skipped, 0u);
}

TEST_P(FeedbackLogTest, UnsampledAnswersHaveNoBodyAndCreatedDefaultsToTheClock) {
  LogSettings settings = quiet_settings();
  settings.bodies.sample_rate = 0;
  FeedbackLog log(*store_, settings, clock());
  log.log(chat_answer("chatcmpl-1"));
  log.flush();
  EXPECT_EQ(count("SELECT has_body FROM feedback_responses WHERE id = 'chatcmpl-1'"), 0);
  EXPECT_EQ(count("SELECT created_ms FROM feedback_responses WHERE id = 'chatcmpl-1'"), kDec1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM feedback_bodies"), 0);
  EXPECT_EQ(log.counters().bodies_skipped, 1u);
}

TEST_P(FeedbackLogTest, ARatingRightAfterLogIsRecorded) {
  FeedbackLog log(*store_, quiet_settings(), clock());
  log.log(chat_answer("chatcmpl-1"));
  now_ms_ += 1000;
  const SubmitResult result = log.submit_and_wait(thumbs("chatcmpl-1", 1, "alice"));
  ASSERT_EQ(result.status, Status::Recorded) << result.error;
  EXPECT_EQ(result.stored.rating, 1);
  EXPECT_EQ(result.stored.user, "alice");
  EXPECT_EQ(result.stored.created_ms, kDec1 + 1000);
  EXPECT_EQ(count("SELECT rating FROM feedback_ratings WHERE response_id = 'chatcmpl-1'"), 1);
  EXPECT_EQ(log.counters().ratings_recorded, 1u);
}

TEST_P(FeedbackLogTest, RatingsWaitForAnswersQueuedBeforeThemAcrossBatches) {
  LogSettings settings = quiet_settings();
  settings.max_batch = 3;
  FeedbackLog log(*store_, settings, clock());
  for (int i = 0; i < 10; ++i) log.log(chat_answer("chatcmpl-" + std::to_string(i)));
  EXPECT_EQ(log.submit_and_wait(thumbs("chatcmpl-9", -1)).status, Status::Recorded);
}

TEST_P(FeedbackLogTest, UnknownIdAndUnknownChoice) {
  FeedbackLog log(*store_, quiet_settings(), clock());
  log.log(chat_answer("chatcmpl-1"));
  SubmitResult result = log.submit_and_wait(thumbs("chatcmpl-never", 1));
  EXPECT_EQ(result.status, Status::UnknownId);
  EXPECT_NE(result.error.find("chatcmpl-never"), std::string::npos) << result.error;
  result = log.submit_and_wait(thumbs("chatcmpl-1", 1, "", 3));
  EXPECT_EQ(result.status, Status::UnknownChoice);
  EXPECT_EQ(log.submit_and_wait(thumbs("chatcmpl-1", 1, "", -1)).status, Status::UnknownChoice);
  EXPECT_EQ(count("SELECT COUNT(*) FROM feedback_ratings"), 0);
  EXPECT_EQ(log.counters().ratings_unknown, 3u);
}

TEST_P(FeedbackLogTest, AnInvalidRatingIsRefusedWithoutFailingTheBatch) {
  FeedbackLog log(*store_, quiet_settings(), clock());
  log.log(chat_answer("chatcmpl-1"));
  const SubmitResult result = log.submit_and_wait(thumbs("chatcmpl-1", 5));
  EXPECT_EQ(result.status, Status::Unavailable);
  EXPECT_NE(result.error.find("1 or -1"), std::string::npos) << result.error;
  log.flush();
  EXPECT_EQ(count("SELECT COUNT(*) FROM feedback_responses"), 1);
  EXPECT_EQ(log.counters().write_failures, 0u);
}

TEST_P(FeedbackLogTest, FieldsMergeLastWriteWinsNullClears) {
  FeedbackLog log(*store_, quiet_settings(), clock());
  log.log(chat_answer("chatcmpl-1"));
  ASSERT_EQ(log.submit_and_wait(thumbs("chatcmpl-1", 1, "alice")).status, Status::Recorded);

  now_ms_ += 1000;
  RatingSubmission outcome;
  outcome.response_id = "chatcmpl-1";
  outcome.user = "alice";
  outcome.task_completed = Patch<bool>::set(true);
  outcome.comment = Patch<std::string>::set("mail me: alice@example.com");
  SubmitResult result = log.submit_and_wait(outcome);
  ASSERT_EQ(result.status, Status::Recorded);
  EXPECT_EQ(result.stored.rating, 1);  // absent: kept
  EXPECT_EQ(result.stored.task_completed, true);
  EXPECT_EQ(result.stored.comment, "mail me: [EMAIL]");  // redacted like bodies
  EXPECT_EQ(result.stored.created_ms, kDec1);
  EXPECT_EQ(result.stored.updated_ms, kDec1 + 1000);

  now_ms_ += 1000;
  result = log.submit_and_wait(thumbs("chatcmpl-1", -1, "alice"));  // last write wins
  EXPECT_EQ(result.stored.rating, -1);
  EXPECT_EQ(result.stored.task_completed, true);

  now_ms_ += 1000;
  RatingSubmission clear;
  clear.response_id = "chatcmpl-1";
  clear.user = "alice";
  clear.rating = Patch<int>::clear();
  clear.comment = Patch<std::string>::clear();
  result = log.submit_and_wait(clear);
  ASSERT_EQ(result.status, Status::Recorded);
  EXPECT_FALSE(result.stored.rating.has_value());
  EXPECT_FALSE(result.stored.comment.has_value());
  EXPECT_EQ(result.stored.task_completed, true);

  const auto row = store_->read([](store::Transaction& tx) {
    return tx.query(
        "SELECT rating, task_completed, comment, created_ms, updated_ms FROM feedback_ratings");
  });
  ASSERT_EQ(row.size(), 1u);
  EXPECT_TRUE(row[0].is_null(0));
  EXPECT_EQ(row[0].integer(1), 1);
  EXPECT_TRUE(row[0].is_null(2));
  EXPECT_EQ(row[0].integer(3), kDec1);
  EXPECT_EQ(row[0].integer(4), kDec1 + 3000);
}

TEST_P(FeedbackLogTest, DistinctUsersAndChoicesAreDistinctRows) {
  FeedbackLog log(*store_, quiet_settings(), clock());
  log.log(chat_answer("chatcmpl-1", "alice", 2));
  EXPECT_EQ(log.submit_and_wait(thumbs("chatcmpl-1", 1, "alice")).status, Status::Recorded);
  EXPECT_EQ(log.submit_and_wait(thumbs("chatcmpl-1", -1, "bob")).status, Status::Recorded);
  EXPECT_EQ(log.submit_and_wait(thumbs("chatcmpl-1", -1, "")).status, Status::Recorded);
  EXPECT_EQ(log.submit_and_wait(thumbs("chatcmpl-1", 1, "bob", 1)).status, Status::Recorded);
  EXPECT_EQ(log.submit_and_wait(thumbs("chatcmpl-1", 1, "bob")).status, Status::Recorded);
  EXPECT_EQ(count("SELECT COUNT(*) FROM feedback_ratings"), 4);
  EXPECT_EQ(count("SELECT SUM(rating) FROM feedback_ratings WHERE choice_index = 0"), 1);
}

TEST_P(FeedbackLogTest, ALoggedIdTwiceKeepsTheFirstRows) {
  FeedbackLog log(*store_, quiet_settings(), clock());
  log.log(chat_answer("chatcmpl-1", "alice"));
  log.log(chat_answer("chatcmpl-1", "mallory"));
  log.flush();
  EXPECT_EQ(count("SELECT COUNT(*) FROM feedback_responses"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM feedback_responses WHERE user_id = 'alice'"), 1);
  EXPECT_EQ(log.counters().write_failures, 0u);
}

TEST_P(FeedbackLogTest, HostileTextIsStoredCleanly) {
  FeedbackLog log(*store_, quiet_settings(), clock());
  LoggedAnswer answer = chat_answer("chatcmpl-1", std::string("us\xFF"
                                                              "er\0x",
                                                              8));
  answer.route = std::string("ro\xC3ute");
  answer.latency_seconds = std::numeric_limits<double>::quiet_NaN();
  answer.ttft_seconds = std::numeric_limits<double>::infinity();
  answer.request["messages"][0]["content"] = std::string("caf\xC3 \0 end", 10);
  answer.choices.push_back(LoggedChoice{-2, Json::object(), "", std::nullopt});
  log.log(answer);
  log.flush();
  EXPECT_EQ(log.counters().write_failures, 0u);
  EXPECT_EQ(count("SELECT COUNT(*) FROM feedback_responses"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM feedback_bodies"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM feedback_responses WHERE ttft_ms IS NULL"), 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, FeedbackLogTest, slipway::test::kBothBackends, backend_name);

}  // namespace
}  // namespace slipway::feedback::test
