// `slipway feedback` in-process: its text forms, the atomic output file, usage errors, and the
// direct mode on a data folder written by a real FeedbackLog.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "app/commands.h"
#include "app/data_location.h"
#include "app/feedback/feedback_client.h"
#include "app/feedback/output_file.h"
#include "app/feedback/render.h"
#include "feedback/feedback_log.h"
#include "run_subcommand.h"
#include "test_dir.h"

namespace slipway::app::feedback {
namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void run_cli(const std::vector<std::string>& words) {
  run_subcommand(register_feedback_command, words);
}

TEST(FeedbackCliRender, ExportsTableShowsTheHashPrefixAndFilters) {
  const Json record = {{"id", "dpo-20261201T100000Z-0123456789ab"},
                       {"format", "dpo"},
                       {"filters",
                        {{"format", "dpo"},
                         {"source", "user"},
                         {"route", "support"},
                         {"version", ""},
                         {"since_ms", 1764583200000},
                         {"with_metadata", true}}},
                       {"sha256", std::string(64, 'a')},
                       {"rows", 12},
                       {"created", "2026-12-01T10:00:00Z"}};
  const std::string table = render_exports_table({record});
  EXPECT_EQ(table.substr(0, table.find('\n')),
            "ID                                 FORMAT  ROWS  SHA256        CREATED"
            "               FILTERS");
  EXPECT_NE(table.find("  dpo     12    aaaaaaaaaaaa  2026-12-01T10:00:00Z  source=user "
                       "route=support since=2025-12-01T10:00:00Z with_metadata\n"),
            std::string::npos)
      << table;
}

TEST(FeedbackCliRender, ReportOfAnEmptyExportSaysWhy) {
  const Json empty = {{"id", nullptr}, {"summary", {{"rows", 0}, {"message", "No rows: why"}}}};
  EXPECT_EQ(render_export_report(empty), "No rows: why; nothing recorded\n");
  const Json full = {{"id", "kto-x"},
                     {"rows", 3},
                     {"sha256", "ff"},
                     {"summary", {{"rows", 3}, {"message", "2 desirable, 1 undesirable"}}}};
  EXPECT_EQ(render_export_report(full),
            "export kto-x: 3 rows, sha256 ff\n2 desirable, 1 undesirable\n");
}

TEST(FeedbackCliRender, RatesWithoutSamplesShowADash) {
  const Json window = {{"route", "r"},
                       {"version", "r/1"},
                       {"arm", "stable"},
                       {"start", "2026-12-01T00:00:00Z"},
                       {"answers", 5},
                       {"thumbs_up", 2},
                       {"thumbs_down", 1},
                       {"thumbs_up_share", 2.0 / 3},
                       {"completion_reports", 0},
                       {"completed", 0},
                       {"completion_rate", nullptr}};
  const std::string table = render_rates_table({window});
  EXPECT_NE(
      table.find("r      r/1      stable  2026-12-01T00:00:00Z  5        2   1     66.7%     -\n"),
      std::string::npos)
      << table;
}

TEST(FeedbackCliOutputFile, WritesAtomicallyAndLeavesNoPartialFile) {
  const fs::path dir = test::fresh_test_dir("app", "feedback_out");
  const fs::path file = dir / "data.jsonl";
  write_file_atomically(file.string(), "{\"a\":1}\n");
  write_file_atomically(file.string(), "{\"b\":2}\n");
  EXPECT_EQ(read_file(file), "{\"b\":2}\n");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);
  EXPECT_THROW(write_file_atomically((dir / "missing" / "x.jsonl").string(), "x"),
               std::runtime_error);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);
}

TEST(FeedbackCliFlags, BadValuesAreUsageErrors) {
  EXPECT_THROW(run_cli({"feedback", "export"}), CLI::ParseError);  // no --format
  EXPECT_THROW(run_cli({"feedback", "export", "--format", "sft"}), CLI::ParseError);
  EXPECT_THROW(run_cli({"feedback", "export", "--format", "dpo", "--source", "bots"}),
               CLI::ParseError);
  EXPECT_THROW(run_cli({"feedback", "export", "--format", "dpo", "--since", "yesterday"}),
               CLI::ParseError);
  EXPECT_THROW(run_cli({"feedback", "rates", "--window", "0s"}), CLI::ParseError);
  EXPECT_THROW(run_cli({"feedback", "exports", "--out", "x.jsonl"}), CLI::ParseError);
  EXPECT_THROW(run_cli({"feedback", "show"}), CLI::ParseError);
}

TEST(FeedbackCliFlags, ServerAndDataDoNotMix) {
  EXPECT_THROW(run_cli({"feedback", "exports", "--server", "http://127.0.0.1:1", "--data", "x"}),
               std::invalid_argument);
}

// Direct mode on a SQLite data folder (unit_app runs without the PostgreSQL fixture; the
// feedback part's own suites run on both stores).
class FeedbackCliDirect : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::fresh_test_dir("app", "feedback_direct");
    location_.data_dir = (dir_ / "data").string();
    flags_ = {"--data", location_.data_dir};
  }

  void run_feedback(std::vector<std::string> words) {
    words.insert(words.begin(), "feedback");
    words.insert(words.end(), flags_.begin(), flags_.end());
    run_cli(words);
  }

  // Two answers to one prompt, one liked and one disliked by `user`.
  void log_pair(const std::string& user) {
    auto store = open_store(location_);
    ::slipway::feedback::FeedbackLog log(*store, {});
    const Json request = {{"model", "demo"},
                          {"messages", {{{"role", "user"}, {"content", "mail me: a@b.example"}}}}};
    for (const auto& [id, text] : {std::pair{"chatcmpl-good", "yes"}, {"chatcmpl-bad", "no"}}) {
      ::slipway::feedback::LoggedAnswer answer;
      answer.id = id;
      answer.route = "demo";
      answer.version = "demo/1";
      answer.user = user;
      answer.request = request;
      answer.choices.push_back({0, {{"role", "assistant"}, {"content", text}}, "stop", 1});
      answer.created_ms = 1'000;
      ASSERT_TRUE(log.log(answer));
    }
    for (const auto& [id, rating] : {std::pair{"chatcmpl-good", 1}, {"chatcmpl-bad", -1}}) {
      ::slipway::feedback::RatingSubmission submission;
      submission.response_id = id;
      submission.user = user;
      submission.rating = ::slipway::feedback::Patch<int>::set(rating);
      ASSERT_EQ(log.submit_and_wait(submission).status,
                ::slipway::feedback::SubmitResult::Status::Recorded);
    }
  }

  fs::path dir_;
  DataLocation location_;
  std::vector<std::string> flags_;
};

TEST_F(FeedbackCliDirect, ExportsAPairToAFileAndRecordsIt) {
  log_pair("alice");
  const fs::path out = dir_ / "pairs.jsonl";
  run_feedback({"export", "--format", "dpo", "--out", out.string()});
  const std::string content = read_file(out);
  ASSERT_FALSE(content.empty());
  const Json row = Json::parse(content.substr(0, content.find('\n')));
  EXPECT_EQ(row["prompt"], Json::parse(R"([{"role":"user","content":"mail me: [EMAIL]"}])"));
  EXPECT_EQ(row["chosen"], Json::parse(R"([{"role":"assistant","content":"yes"}])"));
  EXPECT_EQ(row["rejected"], Json::parse(R"([{"role":"assistant","content":"no"}])"));

  auto client = make_direct_feedback_client(location_);
  const auto records = client->list_exports(10);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["rows"], 1);
  EXPECT_EQ(client->export_content(records[0]["id"].get<std::string>()), content);
}

TEST_F(FeedbackCliDirect, AnExportMatchingNothingWritesAnEmptyFile) {
  log_pair("alice");
  const fs::path out = dir_ / "none.jsonl";
  run_feedback({"export", "--format", "kto", "--route", "other", "--out", out.string()});
  ASSERT_TRUE(fs::exists(out));
  EXPECT_EQ(fs::file_size(out), 0u);
  EXPECT_TRUE(make_direct_feedback_client(location_)->list_exports(10).empty());
}

TEST_F(FeedbackCliDirect, ForgetUserRemovesTheirAnswers) {
  log_pair("bob");
  auto client = make_direct_feedback_client(location_);
  const Json counts = client->forget_user("bob");
  EXPECT_EQ(counts["responses"], 2);
  EXPECT_EQ(counts["ratings"], 2);
  EXPECT_THROW(client->get_response("chatcmpl-good"), std::runtime_error);
}

}  // namespace
}  // namespace slipway::app::feedback
