// AnswerCapture on chat completions: a stream split into chunks rebuilds the message of the
// whole response; tool-call deltas merge by index; n = 2 interleaved; a stream cut short.
#include <gtest/gtest.h>

#include "feedback/answer_capture.h"

namespace slipway::feedback {
namespace {

Json chunk(Json delta, int index = 0, Json finish = nullptr) {
  return Json{{"id", "chatcmpl-1"},
              {"object", "chat.completion.chunk"},
              {"choices", Json::array({{{"index", index},
                                        {"delta", std::move(delta)},
                                        {"finish_reason", std::move(finish)}}})}};
}

Json whole(Json message, const char* finish, int64_t completion_tokens) {
  return Json{
      {"id", "chatcmpl-1"},
      {"object", "chat.completion"},
      {"choices",
       Json::array({{{"index", 0}, {"message", std::move(message)}, {"finish_reason", finish}}})},
      {"usage", {{"prompt_tokens", 5}, {"completion_tokens", completion_tokens}}}};
}

TEST(ChatCapture, StreamInChunksEqualsTheWholeResponse) {
  const Json message{{"role", "assistant"}, {"content", "Hello there, friend."}};
  AnswerCapture from_whole(AnswerKind::Chat);
  from_whole.set_response(whole(message, "stop", 4));

  AnswerCapture from_stream(AnswerKind::Chat);
  from_stream.add_chunk(chunk({{"role", "assistant"}, {"content", ""}}));
  from_stream.add_chunk(chunk({{"content", "Hello"}}));
  from_stream.add_chunk(chunk({{"content", " there,"}}));
  from_stream.add_chunk(chunk({{"content", " friend."}}));
  from_stream.add_chunk(chunk(Json::object(), 0, "stop"));
  Json usage_only{{"choices", Json::array()}, {"usage", {{"completion_tokens", 4}}}};
  from_stream.add_chunk(usage_only);

  const auto a = from_whole.choices();
  const auto b = from_stream.choices();
  ASSERT_EQ(a.size(), 1u);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(a[0].output, message);
  EXPECT_EQ(b[0].output, message);
  EXPECT_EQ(b[0].finish_reason, "stop");
  EXPECT_EQ(a[0].finish_reason, "stop");
  EXPECT_EQ(a[0].completion_tokens, 4);
  EXPECT_EQ(b[0].completion_tokens, 4);
}

TEST(ChatCapture, ToolCallDeltasMergeByIndex) {
  AnswerCapture capture(AnswerKind::Chat);
  capture.add_chunk(chunk({{"role", "assistant"}, {"content", nullptr}}));
  capture.add_chunk(
      chunk({{"tool_calls",
              Json::array({{{"index", 0},
                            {"id", "call_a"},
                            {"type", "function"},
                            {"function", {{"name", "get_weather"}, {"arguments", ""}}}}})}}));
  capture.add_chunk(chunk(
      {{"tool_calls", Json::array({{{"index", 0}, {"function", {{"arguments", "{\"ci"}}}}})}}));
  capture.add_chunk(chunk({{"tool_calls", Json::array({{{"index", 1},
                                                        {"id", "call_b"},
                                                        {"type", "function"},
                                                        {"function", {{"name", "get_time"}}}}})}}));
  capture.add_chunk(
      chunk({{"tool_calls",
              Json::array({{{"index", 0},
                            {"id", "ignored"},
                            {"function", {{"name", "ignored"}, {"arguments", "ty\":1}"}}}}})}}));
  capture.add_chunk(chunk(Json::object(), 0, "tool_calls"));

  const auto choices = capture.choices();
  ASSERT_EQ(choices.size(), 1u);
  const Json expected{
      {"role", "assistant"},
      {"content", nullptr},
      {"tool_calls",
       Json::array({{{"id", "call_a"},
                     {"type", "function"},
                     {"function", {{"name", "get_weather"}, {"arguments", "{\"city\":1}"}}}},
                    {{"id", "call_b"},
                     {"type", "function"},
                     {"function", {{"name", "get_time"}, {"arguments", ""}}}}})}};
  EXPECT_EQ(choices[0].output, expected);
  EXPECT_EQ(choices[0].finish_reason, "tool_calls");
}

TEST(ChatCapture, RefusalIsKept) {
  AnswerCapture capture(AnswerKind::Chat);
  capture.add_chunk(chunk({{"role", "assistant"}, {"refusal", "I can't"}}));
  capture.add_chunk(chunk({{"refusal", " help."}}, 0, "stop"));
  const Json expected{{"role", "assistant"}, {"content", nullptr}, {"refusal", "I can't help."}};
  EXPECT_EQ(capture.choices().at(0).output, expected);
}

TEST(ChatCapture, TwoChoicesInterleaved) {
  AnswerCapture capture(AnswerKind::Chat);
  capture.add_chunk(chunk({{"role", "assistant"}, {"content", "A"}}, 1));
  capture.add_chunk(chunk({{"role", "assistant"}, {"content", "x"}}, 0));
  capture.add_chunk(chunk({{"content", "B"}}, 1, "length"));
  capture.add_chunk(chunk({{"content", "y"}}, 0, "stop"));
  capture.add_chunk(Json{{"choices", Json::array()}, {"usage", {{"completion_tokens", 4}}}});

  const auto choices = capture.choices();
  ASSERT_EQ(choices.size(), 2u);
  EXPECT_EQ(choices[0].index, 0);
  EXPECT_EQ(choices[0].output["content"], "xy");
  EXPECT_EQ(choices[0].finish_reason, "stop");
  EXPECT_EQ(choices[1].index, 1);
  EXPECT_EQ(choices[1].output["content"], "AB");
  EXPECT_EQ(choices[1].finish_reason, "length");
  // usage covers both choices: neither gets it as its own count.
  EXPECT_FALSE(choices[0].completion_tokens);
  EXPECT_FALSE(choices[1].completion_tokens);
}

TEST(ChatCapture, AStreamCutShortYieldsWhatArrived) {
  AnswerCapture capture(AnswerKind::Chat);
  EXPECT_TRUE(capture.empty());
  EXPECT_TRUE(capture.choices().empty());
  capture.add_chunk(chunk({{"role", "assistant"}, {"content", "Half a"}}));
  EXPECT_FALSE(capture.empty());
  const auto choices = capture.choices();
  ASSERT_EQ(choices.size(), 1u);
  EXPECT_EQ(choices[0].output, Json({{"role", "assistant"}, {"content", "Half a"}}));
  EXPECT_EQ(choices[0].finish_reason, "");
  EXPECT_FALSE(choices[0].completion_tokens);
}

TEST(ChatCapture, WholeResponseWithTwoChoicesKeepsEachMessage) {
  const Json first{{"role", "assistant"}, {"content", "one"}};
  const Json second{{"role", "assistant"}, {"content", nullptr}, {"tool_calls", Json::array()}};
  AnswerCapture capture(AnswerKind::Chat);
  capture.set_response(Json{
      {"choices", Json::array({{{"index", 1}, {"message", second}, {"finish_reason", "stop"}},
                               {{"index", 0}, {"message", first}, {"finish_reason", "length"}}})},
      {"usage", {{"completion_tokens", 9}}}});
  const auto choices = capture.choices();
  ASSERT_EQ(choices.size(), 2u);
  EXPECT_EQ(choices[0].output, first);
  EXPECT_EQ(choices[0].finish_reason, "length");
  EXPECT_EQ(choices[1].output, second);
  EXPECT_FALSE(choices[0].completion_tokens);
}

}  // namespace
}  // namespace slipway::feedback
