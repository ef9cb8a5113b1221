// AnswerCapture on legacy completions (text concatenated over chunks), and garbage of every
// shape ignored without throwing.
#include <gtest/gtest.h>

#include "feedback/answer_capture.h"

namespace slipway::feedback {
namespace {

Json text_chunk(const std::string& text, int index = 0, Json finish = nullptr) {
  return Json{
      {"id", "cmpl-1"},
      {"object", "text_completion"},
      {"choices",
       Json::array({{{"index", index}, {"text", text}, {"finish_reason", std::move(finish)}}})}};
}

TEST(CompletionCapture, TextIsConcatenatedOverChunks) {
  AnswerCapture capture(AnswerKind::Completion);
  capture.add_chunk(text_chunk("Once"));
  capture.add_chunk(text_chunk(" upon"));
  capture.add_chunk(text_chunk(" a time", 0, "length"));
  capture.add_chunk(Json{{"choices", Json::array()}, {"usage", {{"completion_tokens", 3}}}});
  const auto choices = capture.choices();
  ASSERT_EQ(choices.size(), 1u);
  EXPECT_EQ(choices[0].output, Json({{"text", "Once upon a time"}}));
  EXPECT_EQ(choices[0].finish_reason, "length");
  EXPECT_EQ(choices[0].completion_tokens, 3);
}

TEST(CompletionCapture, WholeResponseEqualsTheStream) {
  AnswerCapture whole(AnswerKind::Completion);
  whole.set_response(
      Json{{"choices", Json::array({{{"index", 0}, {"text", "ab"}, {"finish_reason", "stop"}},
                                    {{"index", 1}, {"text", "cd"}, {"finish_reason", "stop"}}})}});
  AnswerCapture stream(AnswerKind::Completion);
  stream.add_chunk(text_chunk("c", 1));
  stream.add_chunk(text_chunk("a", 0));
  stream.add_chunk(text_chunk("b", 0, "stop"));
  stream.add_chunk(text_chunk("d", 1, "stop"));
  const auto a = whole.choices();
  const auto b = stream.choices();
  ASSERT_EQ(a.size(), 2u);
  ASSERT_EQ(b.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(a[i].index, b[i].index);
    EXPECT_EQ(a[i].output, b[i].output);
    EXPECT_EQ(a[i].finish_reason, b[i].finish_reason);
  }
  EXPECT_EQ(b[1].output, Json({{"text", "cd"}}));
}

TEST(CompletionCapture, ChatDeltasAreNotText) {
  AnswerCapture capture(AnswerKind::Completion);
  capture.add_chunk(
      Json{{"choices", Json::array({{{"index", 0}, {"delta", {{"content", "x"}}}}})}});
  EXPECT_EQ(capture.choices().at(0).output, Json({{"text", ""}}));
}

TEST(GarbageCapture, WrongShapesAreIgnoredWithoutThrowing) {
  const std::vector<Json> garbage{
      nullptr,
      42,
      "data",
      Json::array({1, 2}),
      Json::object(),
      Json{{"choices", "nope"}},
      Json{{"choices", Json::array({1, "x", nullptr, Json::array()})}},
      Json{{"choices", Json::array({{{"index", "0"}, {"delta", {{"content", "bad index"}}}}})}},
      Json{{"choices", Json::array({{{"index", -1}, {"delta", {{"content", "negative"}}}}})}},
      Json{{"choices", Json::array({{{"index", 1e9}, {"delta", {{"content", "huge"}}}}})}},
      Json{{"choices", Json::array({{{"index", 1000000}, {"delta", {{"content", "far"}}}}})}},
      Json{{"choices", Json::array({{{"index", 0.5}, {"text", "fraction"}}})}},
      Json{{"usage", "lots"}},
      Json{{"usage", {{"completion_tokens", "7"}}}},
  };
  for (const auto kind : {AnswerKind::Chat, AnswerKind::Completion}) {
    AnswerCapture capture(kind);
    for (const Json& value : garbage) {
      EXPECT_NO_THROW(capture.add_chunk(value)) << value.dump();
      EXPECT_NO_THROW(capture.set_response(value)) << value.dump();
    }
    EXPECT_TRUE(capture.empty());
    EXPECT_TRUE(capture.choices().empty());
  }
}

TEST(GarbageCapture, BadFieldsOfARealChoiceAreSkipped) {
  AnswerCapture capture(AnswerKind::Chat);
  capture.add_chunk(Json{
      {"choices",
       Json::array(
           {{{"index", 0},
             {"delta", {{"role", 7}, {"content", 12}, {"refusal", false}, {"tool_calls", "x"}}},
             {"finish_reason", 3}}})}});
  capture.add_chunk(Json{
      {"choices",
       Json::array({{{"index", 0},
                     {"delta",
                      {{"content", "ok"},
                       {"tool_calls",
                        Json::array({"junk", {{"index", "1"}}, {{"index", 0}, {"function", 5}}})}}},
                     {"finish_reason", "stop"}}})}});
  capture.add_chunk(Json{{"choices", Json::array({{{"index", 0}, {"delta", "text"}}})}});
  capture.set_response(Json{{"choices", Json::array({{{"index", 0}, {"message", "flat"}}})}});
  const auto choices = capture.choices();
  ASSERT_EQ(choices.size(), 1u);
  const Json expected{
      {"role", "assistant"},
      {"content", "ok"},
      {"tool_calls",
       Json::array(
           {{{"id", ""}, {"type", "function"}, {"function", {{"name", ""}, {"arguments", ""}}}}})}};
  EXPECT_EQ(choices[0].output, expected);
  EXPECT_EQ(choices[0].finish_reason, "stop");
}

}  // namespace
}  // namespace slipway::feedback
