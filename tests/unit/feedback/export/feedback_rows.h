#pragma once
// Feedback export tests read tables the writer side fills; these helpers fill them with plain
// SQL (never FeedbackLog), on a fresh SQLite file or PostgreSQL database per test.
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "feedback/feedback_schema.h"
#include "feedback/json.h"
#include "feedback/judgments.h"
#include "postgres_test_db.h"
#include "store/store.h"
#include "store_backend_param.h"
#include "test_dir.h"

namespace slipway::feedback::test {

using slipway::test::Backend;
using slipway::test::backend_name;

// 2026-12-01T00:00:00Z
inline constexpr int64_t kDec1 = 1796083200000;
inline constexpr int64_t kHour = 3600 * 1000;
inline constexpr int64_t kDay = 24 * kHour;

// One metadata row (and, when prompt_json is set, the answer's body).
struct AnswerRow {
  std::string id;
  int choice = 0;
  std::string kind = "chat";
  std::string route = "support";
  std::string version = "v1";
  std::string arm = "stable";
  std::string user;
  std::string prompt_hash;
  int64_t created_ms = kDec1;
  std::optional<std::string> prompt_json;
  std::optional<std::string> outputs_json;
  std::string finish_reason = "stop";
  std::optional<int64_t> completion_tokens;
};

// The stored body formats (exchange_encoding.h).
inline Json user_messages(const std::string& question) {
  return Json::array({Json{{"role", "system"}, {"content", "Be brief."}},
                      Json{{"role", "user"}, {"content", question}}});
}
inline std::string chat_prompt_json(const std::string& question) {
  Json body = Json::object();
  body["kind"] = "chat";
  body["prompt"] = Json{{"messages", user_messages(question)}};
  body["params"] = Json{{"temperature", 0.7}, {"max_tokens", 64}};
  return body.dump();
}
inline Json assistant(const std::string& text) {
  return Json{{"role", "assistant"}, {"content", text}, {"refusal", nullptr}};
}
inline std::string chat_outputs_json(const std::vector<Json>& outputs) {
  return Json(outputs).dump();
}
inline std::string hash_of(const std::string& question) {
  return "chat:" + question;
}

// A judge's verdict on two logged answers, as a judging run records it.
inline Judgment verdict(const std::string& chosen, const std::string& rejected,
                        const std::string& detail = "A is more helpful") {
  Judgment judgment;
  judgment.chosen_id = chosen;
  judgment.rejected_id = rejected;
  judgment.judge = "judge-model";
  judgment.detail = detail;
  judgment.created_ms = kDec1;
  return judgment;
}

class FeedbackStoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    const auto dir = slipway::test::fresh_test_dir("feedback_export", "db");
    const std::string location = GetParam() == Backend::Postgres
                                     ? slipway::test::fresh_postgres_url("fbexport")
                                     : (dir / "feedback.db").string();
    store_ = store::Store::open(location);
    migrate_feedback(*store_);
  }

  void insert_answer(const AnswerRow& row) {
    store_->write([&](store::Transaction& tx) {
      tx.execute(
          "INSERT INTO feedback_responses (id, choice_index, kind, route, version, arm, user_id, "
          "prompt_hash, status, finish_reason, prompt_tokens, completion_tokens, ttft_ms, "
          "latency_ms, created_ms, has_body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 200, ?, 12, ?, "
          "25.0, 1500.0, ?, ?)",
          {row.id, static_cast<int64_t>(row.choice), row.kind, row.route, row.version, row.arm,
           row.user, row.prompt_hash, row.finish_reason,
           row.completion_tokens ? store::Value(*row.completion_tokens) : store::null_value(),
           row.created_ms, static_cast<int64_t>(row.prompt_json ? 1 : 0)});
      if (row.prompt_json) {
        tx.execute(
            "INSERT INTO feedback_bodies (id, prompt_json, outputs_json, bytes, created_ms) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
            {row.id, *row.prompt_json, row.outputs_json.value_or("[]"),
             static_cast<int64_t>(row.prompt_json->size()), row.created_ms});
      }
    });
  }

  // A one-choice chat answer with its body: `question` asked, `text` answered.
  AnswerRow chat(const std::string& id, const std::string& question, const std::string& text,
                 int64_t created_ms = kDec1, const std::string& version = "v1",
                 const std::string& route = "support") {
    AnswerRow row;
    row.id = id;
    row.route = route;
    row.version = version;
    row.prompt_hash = hash_of(question);
    row.created_ms = created_ms;
    row.prompt_json = chat_prompt_json(question);
    row.outputs_json = chat_outputs_json({assistant(text)});
    insert_answer(row);
    return row;
  }

  void insert_rating(const std::string& id, int choice, const std::string& user,
                     std::optional<int> rating, std::optional<bool> task_completed = std::nullopt,
                     int64_t created_ms = kDec1) {
    store_->write([&](store::Transaction& tx) {
      tx.execute(
          "INSERT INTO feedback_ratings (response_id, choice_index, user_id, rating, "
          "task_completed, comment, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, NULL, ?, ?)",
          {id, static_cast<int64_t>(choice), user,
           rating ? store::Value(static_cast<int64_t>(*rating)) : store::null_value(),
           task_completed ? store::Value(static_cast<int64_t>(*task_completed ? 1 : 0))
                          : store::null_value(),
           created_ms, created_ms});
    });
  }
  void like(const std::string& id, const std::string& user = "u1") {
    insert_rating(id, 0, user, 1);
  }
  void dislike(const std::string& id, const std::string& user = "u1") {
    insert_rating(id, 0, user, -1);
  }

  void insert_judgment(const std::string& chosen, const std::string& rejected,
                       const std::string& judge = "judge-model") {
    store_->write([&](store::Transaction& tx) {
      tx.execute(
          "INSERT INTO feedback_judgments (chosen_id, chosen_choice, rejected_id, "
          "rejected_choice, judge, detail, created_ms) VALUES (?, 0, ?, 0, ?, '', ?)",
          {chosen, rejected, judge, kDec1});
    });
  }

  std::unique_ptr<store::Store> store_;
};

// The JSONL content as parsed rows; every line must be one JSON object.
inline std::vector<Json> jsonl_rows(const std::string& content) {
  std::vector<Json> rows;
  std::istringstream in(content);
  std::string line;
  while (std::getline(in, line)) {
    rows.push_back(Json::parse(line));
    EXPECT_TRUE(rows.back().is_object()) << line;
  }
  if (!content.empty()) {
    EXPECT_EQ(content.back(), '\n');
  }
  return rows;
}

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace slipway::feedback::test
