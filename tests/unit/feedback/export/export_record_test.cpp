// Recorded exports: ids, content hashes, list/get/content round trips, empty exports.
#include <gtest/gtest.h>

#include <regex>

#include "feedback/dataset_export.h"
#include "feedback/prompt_key.h"
#include "feedback_rows.h"

namespace slipway::feedback::test {
namespace {

constexpr int64_t kTen = kDec1 + 10 * kHour;  // 2026-12-01T10:00:00Z

class ExportRecordTest : public FeedbackStoreTest {
 protected:
  void seed_pair() {
    chat("a1", "Hi?", "Hello!");
    chat("a2", "Hi?", "What.", kDec1 + 1);
    like("a1");
    dislike("a2");
  }
};

TEST_P(ExportRecordTest, CreateRecordsContentHashAndFilters) {
  seed_pair();
  ExportFilters filters;
  filters.route = "support";
  filters.since_ms = kDec1;
  std::string content;
  const ExportRecord record = create_export(*store_, filters, "cli:alice", kTen + 250, &content);

  EXPECT_EQ(record.sha256, sha256_hex(content));
  EXPECT_EQ(record.id,
            "dpo-20261201T100000Z-" +
                sha256_hex(record.sha256 + "\n" + filters_to_json(filters).dump()).substr(0, 12));
  EXPECT_TRUE(std::regex_match(record.sha256, std::regex("[0-9a-f]{64}")));
  EXPECT_EQ(record.bytes, static_cast<int64_t>(content.size()));
  EXPECT_EQ(record.summary.rows, 1);
  EXPECT_EQ(content, build_export(*store_, filters).content);

  const auto stored = get_export(*store_, record.id);
  ASSERT_TRUE(stored);
  EXPECT_EQ(record_to_json(*stored), record_to_json(record));
  EXPECT_EQ(stored->actor, "cli:alice");
  EXPECT_EQ(stored->created_ms, kTen + 250);
  EXPECT_EQ(stored->filters.route, "support");
  EXPECT_EQ(stored->filters.since_ms, kDec1);
  EXPECT_EQ(stored->summary.message, "1 pair over 1 prompt (user 1, judge 0)");
  EXPECT_EQ(export_content(*store_, record.id), content);

  const Json json = record_to_json(*stored);
  EXPECT_EQ(json["id"], record.id);
  EXPECT_EQ(json["format"], "dpo");
  EXPECT_EQ(json["rows"], 1);
  EXPECT_EQ(json["created"], "2026-12-01T10:00:00.250Z");
  EXPECT_EQ(json["filters"]["route"], "support");
  EXPECT_EQ(json["summary"]["rated_answers"], 2);
  EXPECT_FALSE(json.contains("content"));
}

TEST_P(ExportRecordTest, SameContentInTheSameSecondIsOneExport) {
  seed_pair();
  const ExportRecord first = create_export(*store_, {}, "cli:alice", kTen);
  const ExportRecord again = create_export(*store_, {}, "cli:bob", kTen + 900);
  EXPECT_EQ(again.id, first.id);
  EXPECT_EQ(again.actor, "cli:alice");  // the first record stands
  const ExportRecord later = create_export(*store_, {}, "cli:bob", kTen + 1000);
  EXPECT_NE(later.id, first.id);
  EXPECT_EQ(later.sha256, first.sha256);
  // Equal content under other filters, in the same second, is a record of its own.
  ExportFilters all_sources;
  all_sources.source = ExportSource::All;
  const ExportRecord other_filters = create_export(*store_, all_sources, "cli:carol", kTen + 1100);
  EXPECT_EQ(other_filters.sha256, later.sha256);
  EXPECT_NE(other_filters.id, later.id);
  EXPECT_EQ(other_filters.filters.source, ExportSource::All);

  ExportFilters kto;
  kto.format = ExportFormat::Kto;
  const ExportRecord kto_record = create_export(*store_, kto, "api", kTen + 5000);
  EXPECT_EQ(kto_record.id.rfind("kto-20261201T100005Z-", 0), 0u) << kto_record.id;

  const auto listed = list_exports(*store_);
  ASSERT_EQ(listed.size(), 4u);
  EXPECT_EQ(listed[0].id, kto_record.id);  // newest first
  EXPECT_EQ(listed[0].filters.format, ExportFormat::Kto);
  EXPECT_EQ(listed[1].id, other_filters.id);
  EXPECT_EQ(listed[2].id, later.id);
  EXPECT_EQ(listed[3].id, first.id);
  EXPECT_EQ(list_exports(*store_, 1).size(), 1u);
  EXPECT_THROW(list_exports(*store_, 0), std::invalid_argument);
}

TEST_P(ExportRecordTest, EmptyExportIsNotRecorded) {
  chat("a1", "Hi?", "Hello!");
  like("a1");
  std::string content = "stale";
  const ExportRecord record = create_export(*store_, {}, "cli:alice", kTen, &content);
  EXPECT_EQ(record.id, "");
  EXPECT_EQ(content, "");
  EXPECT_EQ(record.summary.rows, 0);
  EXPECT_EQ(record.summary.message,
            "No rows: 1 liked and 0 disliked chat answers match route=any, version=any, "
            "since=any: DPO needs a liked and a disliked answer with different outputs to the "
            "same prompt; try --format kto");
  EXPECT_TRUE(list_exports(*store_).empty());
}

TEST_P(ExportRecordTest, UnknownIdsAreAbsent) {
  EXPECT_FALSE(get_export(*store_, "dpo-20261201T100000Z-000000000000"));
  EXPECT_FALSE(export_content(*store_, "nope"));
}

TEST(ExportSummaryTest, JsonNamesEveryCount) {
  ExportSummary summary;
  summary.rows = 4;
  summary.duplicates = 1;
  summary.message = "m";
  EXPECT_EQ(summary_to_json(summary).dump(),
            R"({"rows":4,"prompts":0,"user_rows":0,"judge_rows":0,"desirable":0,)"
            R"("undesirable":0,"rated_answers":0,"skipped_no_body":0,"skipped_completions":0,)"
            R"("duplicates":1,"message":"m"})");
}

INSTANTIATE_TEST_SUITE_P(Backends, ExportRecordTest, slipway::test::kBothBackends, backend_name);

}  // namespace
}  // namespace slipway::feedback::test
