// One logged answer as the admin API shows it.
#include "feedback/response_view.h"

#include <gtest/gtest.h>

#include "feedback_rows.h"

namespace slipway::feedback::test {
namespace {

class ResponseViewTest : public FeedbackStoreTest {};

TEST_P(ResponseViewTest, ShowsMetadataChoicesBodyAndRatings) {
  AnswerRow row;
  row.id = "chatcmpl-1";
  row.user = "alice";
  row.prompt_hash = hash_of("Hi?");
  row.prompt_json = chat_prompt_json("Hi?");
  row.outputs_json = chat_outputs_json({assistant("Hello!"), assistant("Hey.")});
  row.completion_tokens = 3;
  insert_answer(row);
  row.choice = 1;
  row.finish_reason = "length";
  row.completion_tokens.reset();
  insert_answer(row);
  insert_rating("chatcmpl-1", 1, "bob", -1, false, kDec1 + 5000);
  insert_rating("chatcmpl-1", 0, "alice", 1, std::nullopt, kDec1 + 1000);

  const auto view = get_response(*store_, "chatcmpl-1");
  ASSERT_TRUE(view);
  const Json& json = *view;
  EXPECT_EQ(json["id"], "chatcmpl-1");
  EXPECT_EQ(json["kind"], "chat");
  EXPECT_EQ(json["route"], "support");
  EXPECT_EQ(json["version"], "v1");
  EXPECT_EQ(json["arm"], "stable");
  EXPECT_EQ(json["primary_id"], "");
  EXPECT_EQ(json["user"], "alice");
  EXPECT_EQ(json["created"], "2026-12-01T00:00:00Z");
  EXPECT_EQ(json["status"], 200);
  EXPECT_EQ(json["prompt_tokens"], 12);
  EXPECT_EQ(json["latency_seconds"], 1.5);
  EXPECT_EQ(json["ttft_seconds"], 0.025);
  EXPECT_EQ(json["prompt_hash"], "chat:Hi?");
  ASSERT_EQ(json["choices"].size(), 2u);
  EXPECT_EQ(json["choices"][0], (Json{{"index", 0},
                                      {"finish_reason", "stop"},
                                      {"completion_tokens", 3},
                                      {"output", assistant("Hello!")}}));
  EXPECT_EQ(json["choices"][1]["finish_reason"], "length");
  EXPECT_TRUE(json["choices"][1]["completion_tokens"].is_null());
  EXPECT_EQ(json["prompt"]["messages"], user_messages("Hi?"));
  EXPECT_EQ(json["params"]["max_tokens"], 64);
  ASSERT_EQ(json["ratings"].size(), 2u);
  EXPECT_EQ(json["ratings"][0], (Json{{"id", "chatcmpl-1"},
                                      {"choice_index", 0},
                                      {"user", "alice"},
                                      {"rating", 1},
                                      {"task_completed", nullptr},
                                      {"comment", nullptr},
                                      {"created", "2026-12-01T00:00:01Z"},
                                      {"updated", "2026-12-01T00:00:01Z"}}));
  EXPECT_EQ(json["ratings"][1]["task_completed"], false);
  EXPECT_EQ(json["ratings"][1]["rating"], -1);
}

TEST_P(ResponseViewTest, WithoutBodyAndUnknownIds) {
  AnswerRow row;
  row.id = "cmpl-2";
  row.kind = "completion";
  row.prompt_hash = "completion:x";
  insert_answer(row);
  const auto view = get_response(*store_, "cmpl-2");
  ASSERT_TRUE(view);
  EXPECT_EQ((*view)["kind"], "completion");
  EXPECT_FALSE(view->contains("prompt"));
  EXPECT_FALSE(view->contains("params"));
  EXPECT_FALSE((*view)["choices"][0].contains("output"));
  EXPECT_TRUE((*view)["ratings"].empty());
  EXPECT_FALSE(get_response(*store_, "never-served"));
}

INSTANTIATE_TEST_SUITE_P(Backends, ResponseViewTest, slipway::test::kBothBackends, backend_name);

}  // namespace
}  // namespace slipway::feedback::test
