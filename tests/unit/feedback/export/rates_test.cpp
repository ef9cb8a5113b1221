// Thumbs-up share and task completion per route, version, arm and window, hand-computed.
#include "feedback/rates.h"

#include <gtest/gtest.h>

#include "feedback_rows.h"

namespace slipway::feedback::test {
namespace {

constexpr int64_t kTen = kDec1 + 10 * kHour;
constexpr int64_t kEleven = kDec1 + 11 * kHour;

class RatesTest : public FeedbackStoreTest {
 protected:
  void answer(const std::string& id, int64_t created_ms, const std::string& version,
              const std::string& arm = "stable", const std::string& route = "support",
              int choices = 1) {
    AnswerRow row;
    row.id = id;
    row.version = version;
    row.arm = arm;
    row.route = route;
    row.prompt_hash = "chat:q";
    row.created_ms = created_ms;
    for (int choice = 0; choice < choices; ++choice) {
      row.choice = choice;
      insert_answer(row);
    }
  }

  // v1 stable: 10:00 window A (n=2), B, C; 11:00 window D. v2 stable: E at 10:00;
  // v2 canary: G at 10:30. Another route: F.
  void seed() {
    answer("A", kTen + 60'000, "v1", "stable", "support", 2);
    answer("B", kTen + 120'000, "v1");
    answer("C", kTen + 59 * 60'000, "v1");
    answer("D", kEleven, "v1");
    answer("E", kTen, "v2");
    answer("G", kTen + 30 * 60'000, "v2", "canary");
    answer("F", kTen, "v1", "stable", "sales");
    insert_rating("A", 0, "u1", 1);
    insert_rating("A", 0, "u2", -1);
    insert_rating("A", 1, "u3", 1);
    insert_rating("B", 0, "u1", 1, true);
    insert_rating("C", 0, "u1", std::nullopt, false);
    insert_rating("E", 0, "u1", -1, true);
    insert_rating("F", 0, "u1", 1, true);
  }

  RateQuery hourly() {
    RateQuery query;
    query.route = "support";
    query.since_ms = kDec1;
    query.window_ms = kHour;
    return query;
  }
};

TEST_P(RatesTest, HourlyWindowsPerVersionAndArm) {
  seed();
  const auto windows = feedback_rates(*store_, hourly());
  ASSERT_EQ(windows.size(), 4u);

  const RateWindow& v1_ten = windows[0];
  EXPECT_EQ(v1_ten.version, "v1");
  EXPECT_EQ(v1_ten.arm, "stable");
  EXPECT_EQ(v1_ten.start_ms, kTen);
  EXPECT_EQ(v1_ten.answers, 3);  // A counts once for its two choices
  EXPECT_EQ(v1_ten.thumbs_up, 3);
  EXPECT_EQ(v1_ten.thumbs_down, 1);
  EXPECT_EQ(v1_ten.thumbs_up_share(), 0.75);
  EXPECT_EQ(v1_ten.completion_reports, 2);
  EXPECT_EQ(v1_ten.completed, 1);
  EXPECT_EQ(v1_ten.completion_rate(), 0.5);

  const RateWindow& v1_eleven = windows[1];
  EXPECT_EQ(v1_eleven.start_ms, kEleven);
  EXPECT_EQ(v1_eleven.answers, 1);
  EXPECT_FALSE(v1_eleven.thumbs_up_share());  // no sample, not 0
  EXPECT_FALSE(v1_eleven.completion_rate());

  EXPECT_EQ(windows[2].version, "v2");
  EXPECT_EQ(windows[2].arm, "canary");
  EXPECT_EQ(windows[2].answers, 1);

  const RateWindow& v2 = windows[3];
  EXPECT_EQ(v2.arm, "stable");
  EXPECT_EQ(v2.thumbs_up_share(), 0.0);
  EXPECT_EQ(v2.completion_rate(), 1.0);

  EXPECT_EQ(rate_window_to_json(v1_ten).dump(),
            R"({"route":"support","version":"v1","arm":"stable","start":"2026-12-01T10:00:00Z",)"
            R"("window_seconds":3600,"answers":3,"thumbs_up":3,"thumbs_down":1,)"
            R"("thumbs_up_share":0.75,"completion_reports":2,"completed":1,)"
            R"("completion_rate":0.5})");
  const Json empty = rate_window_to_json(v1_eleven);
  EXPECT_TRUE(empty["thumbs_up_share"].is_null());
  EXPECT_TRUE(empty["completion_rate"].is_null());
}

TEST_P(RatesTest, OneWindowOverTheRangeAndFilters) {
  seed();
  RateQuery query = hourly();
  query.window_ms = 0;
  query.version = "v1";
  const auto whole = feedback_rates(*store_, query);
  ASSERT_EQ(whole.size(), 1u);
  EXPECT_EQ(whole[0].start_ms, kDec1);
  EXPECT_EQ(whole[0].answers, 4);
  EXPECT_EQ(whole[0].thumbs_up, 3);
  EXPECT_EQ(whole[0].thumbs_down, 1);
  EXPECT_EQ(whole[0].completion_reports, 2);

  query.until_ms = kEleven;  // exclusive: D is out
  EXPECT_EQ(feedback_rates(*store_, query)[0].answers, 3);

  query = hourly();
  query.route = "";
  query.arm = "stable";
  query.window_ms = 0;
  const auto stable = feedback_rates(*store_, query);
  ASSERT_EQ(stable.size(), 3u);  // sales/v1, support/v1, support/v2
  EXPECT_EQ(stable[0].route, "sales");
  EXPECT_EQ(stable[0].completion_rate(), 1.0);

  query.since_ms = kEleven + 1;
  query.route = "support";
  EXPECT_TRUE(feedback_rates(*store_, query).empty());
}

TEST_P(RatesTest, BadQueriesAreRefused) {
  RateQuery query;
  query.window_ms = -1;
  EXPECT_THROW(feedback_rates(*store_, query), std::invalid_argument);
  query.window_ms = 0;
  query.since_ms = kTen;
  query.until_ms = kTen;
  EXPECT_THROW(feedback_rates(*store_, query), std::invalid_argument);
}

INSTANTIATE_TEST_SUITE_P(Backends, RatesTest, slipway::test::kBothBackends, backend_name);

}  // namespace
}  // namespace slipway::feedback::test
