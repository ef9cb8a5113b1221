// KTO exports: TRL's unpaired conversational rows, labels and the class-balance advice.
#include <gtest/gtest.h>

#include "feedback/dataset_export.h"
#include "feedback_rows.h"

namespace slipway::feedback::test {
namespace {

class KtoExportTest : public FeedbackStoreTest {
 protected:
  BuiltExport kto(const ExportFilters& filters = {}) {
    ExportFilters kto_filters = filters;
    kto_filters.format = ExportFormat::Kto;
    return build_export(*store_, kto_filters);
  }
  // `liked` answers rated up and `disliked` rated down, each to its own prompt.
  void rate_many(int liked, int disliked) {
    for (int i = 0; i < liked + disliked; ++i) {
      const std::string n = std::to_string(i);
      const std::string id = "r" + n;
      chat(id, "question " + n, "answer " + n, kDec1 + i);
      insert_rating(id, 0, "u1", i < liked ? 1 : -1);
    }
  }
};

TEST_P(KtoExportTest, RowsAreTrlUnpairedPreferenceWithLabels) {
  chat("a1", "Hi?", "Hello! How can I help?");
  chat("a2", "Hi?", "What.", kDec1 + 1);
  chat("b1", "Bye?", "Goodbye!");
  like("a1");
  dislike("a2");
  like("b1");

  const BuiltExport built = kto();
  const auto rows = jsonl_rows(built.content);
  ASSERT_EQ(rows.size(), 3u);
  for (const auto& row : rows) {
    EXPECT_EQ(row.size(), 3u);
    ASSERT_TRUE(row["prompt"].is_array());
    EXPECT_EQ(row["prompt"].back()["role"], "user");
    ASSERT_TRUE(row["completion"].is_array());
    ASSERT_EQ(row["completion"].size(), 1u);
    EXPECT_EQ(row["completion"][0].size(), 2u);
    EXPECT_EQ(row["completion"][0]["role"], "assistant");
    EXPECT_TRUE(row["label"].is_boolean());
  }
  // By prompt hash ("chat:Bye?" < "chat:Hi?"), then time.
  EXPECT_EQ(rows[0]["completion"][0]["content"], "Goodbye!");
  EXPECT_EQ(rows[0]["label"], true);
  EXPECT_EQ(rows[1]["completion"][0]["content"], "Hello! How can I help?");
  EXPECT_EQ(rows[1]["label"], true);
  EXPECT_EQ(rows[2]["completion"][0]["content"], "What.");
  EXPECT_EQ(rows[2]["label"], false);
  EXPECT_EQ(rows[2]["prompt"], user_messages("Hi?"));

  EXPECT_EQ(built.summary.desirable, 2);
  EXPECT_EQ(built.summary.undesirable, 1);
  EXPECT_EQ(built.summary.prompts, 2);
  EXPECT_EQ(built.summary.message,
            "3 rows over 2 prompts (user 3, judge 0): desirable 2 / undesirable 1 (2:1); TRL's "
            "KTO advice: keep desirable_weight*desirable : undesirable_weight*undesirable "
            "between 1:1 and 4:3; e.g. undesirable_weight=1.67");
}

TEST_P(KtoExportTest, BalanceAdviceComputesTheWeight) {
  rate_many(5, 2);  // 2.5:1 as 300:120 would be: 2.5 / 1.2 = 2.08
  EXPECT_TRUE(contains(kto().summary.message,
                       "desirable 5 / undesirable 2 (2.5:1); TRL's KTO advice: keep "
                       "desirable_weight*desirable : undesirable_weight*undesirable between "
                       "1:1 and 4:3; e.g. undesirable_weight=2.08"))
      << kto().summary.message;
}

TEST_P(KtoExportTest, BalancedDataKeepsDefaultWeights) {
  rate_many(2, 2);
  EXPECT_TRUE(contains(kto().summary.message, "(1:1)")) << kto().summary.message;
  EXPECT_TRUE(contains(kto().summary.message, "the default weights (1.0) fit"));
}

TEST_P(KtoExportTest, MostlyUndesirableRaisesTheDesirableWeight) {
  rate_many(1, 3);
  const std::string message = kto().summary.message;
  EXPECT_TRUE(contains(message, "desirable 1 / undesirable 3 (1:3)")) << message;
  EXPECT_TRUE(contains(message, "e.g. desirable_weight=3.6")) << message;
}

TEST_P(KtoExportTest, OneClassOnlySaysWhatIsMissing) {
  rate_many(3, 0);
  const BuiltExport built = kto();
  EXPECT_EQ(built.summary.rows, 3);
  EXPECT_TRUE(contains(built.summary.message,
                       "desirable 3 / undesirable 0; KTO learns from both labels: add disliked "
                       "answers"))
      << built.summary.message;
}

TEST_P(KtoExportTest, RepeatsDroppedAndJudgeLabels) {
  chat("a1", "Hi?", "Hello!");
  chat("a1b", "Hi?", "Hello!", kDec1 + 5);
  like("a1");
  like("a1b");
  chat("j1", "Hi?", "Hello there, friend.", kDec1 + 10);
  chat("j2", "Hi?", "Go away.", kDec1 + 20);
  insert_judgment("j1", "j2");

  ExportFilters filters;
  filters.source = ExportSource::All;
  filters.with_metadata = true;
  const BuiltExport built = kto(filters);
  const auto rows = jsonl_rows(built.content);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(built.summary.duplicates, 1);
  EXPECT_EQ(rows[0]["slipway"], (Json{{"source", "user"},
                                      {"id", "a1"},
                                      {"choice", 0},
                                      {"route", "support"},
                                      {"version", "v1"}}));
  EXPECT_EQ(rows[1]["slipway"]["source"], "judge");
  EXPECT_EQ(rows[1]["slipway"]["id"], "j1");
  EXPECT_EQ(rows[1]["label"], true);
  EXPECT_EQ(rows[2]["slipway"]["id"], "j2");
  EXPECT_EQ(rows[2]["label"], false);
  EXPECT_EQ(built.summary.user_rows, 1);
  EXPECT_EQ(built.summary.judge_rows, 2);
  EXPECT_EQ(built.summary.desirable, 2);
  EXPECT_EQ(built.summary.undesirable, 1);
}

TEST_P(KtoExportTest, NothingRatedIsAnEmptyExportWithAMessage) {
  chat("a1", "Hi?", "Hello!");
  const BuiltExport built = kto();
  EXPECT_EQ(built.content, "");
  EXPECT_EQ(built.summary.rows, 0);
  EXPECT_EQ(built.summary.message,
            "No rows: 0 rated chat answers match route=any, version=any, since=any");
}

INSTANTIATE_TEST_SUITE_P(Backends, KtoExportTest, slipway::test::kBothBackends, backend_name);

}  // namespace
}  // namespace slipway::feedback::test
