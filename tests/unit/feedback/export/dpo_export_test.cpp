// DPO exports: TRL's conversational preference rows, pairing rules, filters, judge pairs.
#include <gtest/gtest.h>

#include "feedback/dataset_export.h"
#include "feedback_rows.h"

namespace slipway::feedback::test {
namespace {

constexpr const char* kReset = "How do I reset my password?";
constexpr const char* kRefund = "Can I get a refund?";

class DpoExportTest : public FeedbackStoreTest {
 protected:
  BuiltExport dpo(const ExportFilters& filters = {}) {
    ExportFilters dpo_filters = filters;
    dpo_filters.format = ExportFormat::Dpo;
    return build_export(*store_, dpo_filters);
  }
};

// The (chosen, rejected) contents of each row, in file order.
std::vector<std::pair<std::string, std::string>> pair_texts(const std::string& content) {
  std::vector<std::pair<std::string, std::string>> texts;
  for (const auto& row : jsonl_rows(content)) {
    texts.emplace_back(row["chosen"][0]["content"].get<std::string>(),
                       row["rejected"][0]["content"].get<std::string>());
  }
  return texts;
}

TEST_P(DpoExportTest, RowIsTrlConversationalPreference) {
  chat("a1", kReset, "Open Settings, then Security.");
  chat("a2", kReset, "I cannot help with that.", kDec1 + 1000);
  like("a1");
  dislike("a2");

  const BuiltExport built = dpo();
  EXPECT_EQ(built.content,
            R"({"prompt":[{"role":"system","content":"Be brief."},)"
            R"({"role":"user","content":"How do I reset my password?"}],)"
            R"("chosen":[{"role":"assistant","content":"Open Settings, then Security."}],)"
            R"("rejected":[{"role":"assistant","content":"I cannot help with that."}]})"
            "\n");
  // Field by field, as TRL documents it: prompt a list of {role, content}; chosen and rejected
  // lists holding one assistant message each; nothing else.
  const auto rows = jsonl_rows(built.content);
  ASSERT_EQ(rows.size(), 1u);
  const Json& row = rows[0];
  EXPECT_EQ(row.size(), 3u);
  ASSERT_TRUE(row["prompt"].is_array());
  for (const auto& message : row["prompt"]) {
    EXPECT_TRUE(message["role"].is_string());
    EXPECT_TRUE(message["content"].is_string());
  }
  for (const char* side : {"chosen", "rejected"}) {
    ASSERT_TRUE(row[side].is_array());
    ASSERT_EQ(row[side].size(), 1u);
    EXPECT_EQ(row[side][0]["role"], "assistant");
    EXPECT_TRUE(row[side][0]["content"].is_string());
    EXPECT_FALSE(row[side][0].contains("refusal"));
  }
  EXPECT_EQ(built.summary.rows, 1);
  EXPECT_EQ(built.summary.prompts, 1);
  EXPECT_EQ(built.summary.user_rows, 1);
  EXPECT_EQ(built.summary.judge_rows, 0);
  EXPECT_EQ(built.summary.rated_answers, 2);
  EXPECT_EQ(built.summary.message, "1 pair over 1 prompt (user 1, judge 0)");
}

TEST_P(DpoExportTest, PairsLikedWithDislikedAnswersOfTheSamePromptOnly) {
  // Inserted out of time order: rows still come by prompt, then time.
  chat("a3", kReset, "Use the reset link we e-mailed you.", kDec1 + 2000);
  chat("a1", kReset, "Open Settings, then Security.", kDec1);
  chat("a2", kReset, "I cannot help with that.", kDec1 + 1000);
  chat("a4", kReset, "Call us.", kDec1 + 3000);                       // net 0
  chat("a5", kReset, "Open Settings, then Security.", kDec1 + 4000);  // same as a1, disliked
  chat("a6", kReset, "Reinstall the app.", kDec1 + 5000);             // rated without a thumb
  chat("b1", kRefund, "Yes, within 30 days.");                        // liked, no disliked peer
  like("a1");
  dislike("a2");
  like("a3", "u1");
  like("a3", "u2");
  dislike("a3", "u3");  // net +1: still liked
  like("a4", "u1");
  dislike("a4", "u2");
  dislike("a5");
  insert_rating("a6", 0, "u1", std::nullopt, true);
  like("b1");

  const BuiltExport built = dpo();
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"Open Settings, then Security.", "I cannot help with that."},
      {"Use the reset link we e-mailed you.", "I cannot help with that."},
      {"Use the reset link we e-mailed you.", "Open Settings, then Security."},
  };
  EXPECT_EQ(pair_texts(built.content), expected);
  EXPECT_EQ(built.summary.rows, 3);
  EXPECT_EQ(built.summary.prompts, 1);
  EXPECT_EQ(built.summary.rated_answers, 5);  // a1, a2, a3, a5, b1 (a4 nets 0, a6 no thumb)
  EXPECT_EQ(built.summary.duplicates, 0);
}

TEST_P(DpoExportTest, ExactRepeatsAreDroppedAndCounted) {
  chat("a1", kReset, "Open Settings, then Security.");
  chat("a1b", kReset, "Open Settings, then Security.", kDec1 + 10);
  chat("a2", kReset, "I cannot help with that.", kDec1 + 20);
  like("a1");
  like("a1b");
  dislike("a2");

  const BuiltExport built = dpo();
  EXPECT_EQ(built.summary.rows, 1);
  EXPECT_EQ(built.summary.duplicates, 1);
  EXPECT_EQ(built.summary.message,
            "1 pair over 1 prompt (user 1, judge 0); 1 exact repeat dropped");
}

TEST_P(DpoExportTest, ChoicesOfOneAnswerPairAndToolCallsAreKept) {
  AnswerRow multi;
  multi.id = "multi";
  multi.prompt_hash = hash_of(kReset);
  multi.prompt_json = chat_prompt_json(kReset);
  const Json tool_call = Json{{"id", "call_1"},
                              {"type", "function"},
                              {"function", {{"name", "reset"}, {"arguments", "{}"}}}};
  multi.outputs_json = chat_outputs_json(
      {assistant("Sure."),
       Json{{"role", "assistant"}, {"content", nullptr}, {"tool_calls", {tool_call}}}});
  insert_answer(multi);
  multi.choice = 1;
  insert_answer(multi);
  insert_rating("multi", 1, "u1", 1);
  insert_rating("multi", 0, "u1", -1);

  const auto rows = jsonl_rows(dpo().content);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["chosen"][0],
            (Json{{"role", "assistant"}, {"content", ""}, {"tool_calls", {tool_call}}}));
  EXPECT_EQ(rows[0]["rejected"][0]["content"], "Sure.");
}

TEST_P(DpoExportTest, CompletionsAndAnswersWithoutBodyAreCountedNotWritten) {
  AnswerRow completion;
  completion.kind = "completion";
  completion.prompt_hash = "completion:once upon";
  completion.prompt_json = R"({"kind":"completion","prompt":{"prompt":"once upon"},"params":{}})";
  completion.outputs_json = R"([{"text":" a time"}])";
  completion.id = "c1";
  insert_answer(completion);
  completion.id = "c2";
  insert_answer(completion);
  like("c1");
  dislike("c2");
  AnswerRow bodiless;
  bodiless.id = "n1";
  bodiless.prompt_hash = hash_of(kReset);
  insert_answer(bodiless);
  like("n1");
  chat("e1", kReset, "unused");
  store_->write([](store::Transaction& tx) {
    tx.execute(
        R"(UPDATE feedback_bodies SET outputs_json = '[{"role":"assistant","content":null}]')");
  });
  dislike("e1");

  const BuiltExport built = dpo();
  EXPECT_EQ(built.content, "");
  EXPECT_EQ(built.summary.rated_answers, 4);
  EXPECT_EQ(built.summary.skipped_completions, 2);
  EXPECT_EQ(built.summary.skipped_no_body, 1);
  EXPECT_EQ(built.summary.message,
            "No rows: 4 rated answers match route=any, version=any, since=any but none is a "
            "chat answer with a kept, non-empty output (1 had no kept body, 2 were legacy "
            "completions)");
}

TEST_P(DpoExportTest, FiltersApplyToBothAnswers) {
  chat("a1", kReset, "Open Settings, then Security.", kDec1, "v1");
  chat("a2", kReset, "I cannot help with that.", kDec1 + kHour, "v2");
  chat("s1", kRefund, "Yes.", kDec1, "v1", "sales");
  chat("s2", kRefund, "No.", kDec1, "v1", "sales");
  like("a1");
  dislike("a2");
  like("s1");
  dislike("s2");

  EXPECT_EQ(dpo().summary.rows, 2);
  ExportFilters filters;
  filters.route = "support";
  EXPECT_EQ(pair_texts(dpo(filters).content),
            (std::vector<std::pair<std::string, std::string>>{
                {"Open Settings, then Security.", "I cannot help with that."}}));
  filters.version = "v1";  // a2 is v2: the pair needs both
  EXPECT_EQ(dpo(filters).summary.rows, 0);
  filters.version = "";
  filters.since_ms = kDec1;  // inclusive
  EXPECT_EQ(dpo(filters).summary.rows, 1);
  filters.since_ms = kDec1 + 1;  // a1 is older
  const BuiltExport late = dpo(filters);
  EXPECT_EQ(late.summary.rows, 0);
  EXPECT_EQ(late.summary.message,
            "No rows: 0 liked and 1 disliked chat answers match route=support, version=any, "
            "since=2026-12-01T00:00:00.001Z: DPO needs a liked and a disliked answer with "
            "different outputs to the same prompt; try --format kto");
}

TEST_P(DpoExportTest, EmptyLogSaysWhatWasSearched) {
  ExportFilters filters{.route = "support", .version = "v9", .since_ms = kDec1};
  EXPECT_EQ(dpo(filters).summary.message,
            "No rows: 0 rated chat answers match route=support, version=v9, "
            "since=2026-12-01T00:00:00Z");
  filters.source = ExportSource::All;
  EXPECT_EQ(dpo(filters).summary.message,
            "No rows: 0 rated chat answers match route=support, version=v9, "
            "since=2026-12-01T00:00:00Z; 0 judge verdicts match the same filters");
}

TEST_P(DpoExportTest, JudgePairsAreKeptApartBySource) {
  chat("a1", kReset, "Open Settings, then Security.");
  chat("a2", kReset, "I cannot help with that.", kDec1 + 1);
  like("a1");
  dislike("a2");
  chat("j1", kRefund, "Yes, within 30 days.", kDec1, "v2");
  chat("j2", kRefund, "Refunds are not possible.", kDec1, "v1");
  insert_judgment("j1", "j2");
  AnswerRow bodiless;  // a verdict naming an answer without body is skipped
  bodiless.id = "j3";
  bodiless.prompt_hash = hash_of(kRefund);
  insert_answer(bodiless);
  insert_judgment("j1", "j3");

  ExportFilters filters;
  filters.with_metadata = true;
  filters.source = ExportSource::User;
  const auto user = jsonl_rows(dpo(filters).content);
  ASSERT_EQ(user.size(), 1u);
  EXPECT_EQ(user[0]["slipway"]["source"], "user");

  filters.source = ExportSource::Judge;
  const BuiltExport judge = dpo(filters);
  const auto judge_rows = jsonl_rows(judge.content);
  ASSERT_EQ(judge_rows.size(), 1u);
  EXPECT_EQ(judge_rows[0]["slipway"], (Json{{"source", "judge"},
                                            {"chosen_id", "j1"},
                                            {"chosen_choice", 0},
                                            {"rejected_id", "j2"},
                                            {"rejected_choice", 0},
                                            {"route", "support"},
                                            {"chosen_version", "v2"},
                                            {"rejected_version", "v1"}}));
  EXPECT_EQ(judge_rows[0]["chosen"][0]["content"], "Yes, within 30 days.");
  EXPECT_EQ(judge.summary.judge_rows, 1);
  EXPECT_EQ(judge.summary.user_rows, 0);
  EXPECT_EQ(judge.summary.skipped_no_body, 1);
  EXPECT_EQ(judge.summary.rated_answers, 0);

  filters.source = ExportSource::All;
  const BuiltExport all = dpo(filters);
  const auto all_rows = jsonl_rows(all.content);
  ASSERT_EQ(all_rows.size(), 2u);
  EXPECT_EQ(all_rows[0]["slipway"]["source"], "user");
  EXPECT_EQ(all_rows[1]["slipway"]["source"], "judge");
  EXPECT_EQ(all.summary.message,
            "2 pairs over 2 prompts (user 1, judge 1); 1 rated answer had no kept body");

  filters.version = "v2";  // j2 is v1: the verdict's answers must both match
  filters.source = ExportSource::Judge;
  EXPECT_EQ(dpo(filters).summary.rows, 0);
}

TEST_P(DpoExportTest, EqualDataGivesIdenticalContent) {
  for (int i = 0; i < 4; ++i) {
    const std::string n = std::to_string(i);
    chat("l" + n, "question " + n, "good " + n, kDec1 + 7 * i);
    chat("d" + n, "question " + n, "bad " + n, kDec1 + 3 * i);
    like("l" + n);
    dislike("d" + n);
  }
  const BuiltExport first = dpo();
  const BuiltExport second = dpo();
  EXPECT_EQ(first.summary.rows, 4);
  EXPECT_EQ(first.content, second.content);
}

TEST_P(DpoExportTest, UnicodeIsWrittenAsUtf8) {
  chat("a1", "Ça va ?", "Très bien 👍");
  chat("a2", "Ça va ?", "Non.", kDec1 + 1);
  like("a1");
  dislike("a2");
  const std::string content = dpo().content;
  EXPECT_TRUE(contains(content, "Très bien 👍")) << content;
  EXPECT_FALSE(contains(content, "\\u")) << content;
}

INSTANTIATE_TEST_SUITE_P(Backends, DpoExportTest, slipway::test::kBothBackends, backend_name);

}  // namespace
}  // namespace slipway::feedback::test
