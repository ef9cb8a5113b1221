// What the monitor reads of a logged answer: the conversation and choice 0 as plain text.
#include "http/observed_answer.h"

#include <gtest/gtest.h>

namespace slipway::http {
namespace {

using feedback::Json;

feedback::LoggedAnswer chat(Json messages, Json output) {
  feedback::LoggedAnswer answer;
  answer.id = "chatcmpl-1";
  answer.kind = feedback::AnswerKind::Chat;
  answer.route = "support";
  answer.version = "support/2";
  answer.arm = "canary";
  answer.created_ms = 1234;
  answer.request = {{"messages", std::move(messages)}};
  feedback::LoggedChoice choice;
  choice.output = std::move(output);
  choice.finish_reason = "length";
  choice.completion_tokens = 7;
  answer.choices.push_back(choice);
  return answer;
}

TEST(ObservedAnswer, ASingleUserMessageIsThePromptAsItIs) {
  const auto observed = observed_answer(chat(Json::array({{{"role", "user"}, {"content", "Hi?"}}}),
                                             {{"role", "assistant"}, {"content", "Hello."}}));
  EXPECT_EQ(observed.id, "chatcmpl-1");
  EXPECT_EQ(observed.route, "support");
  EXPECT_EQ(observed.version, "support/2");
  EXPECT_EQ(observed.arm, "canary");
  EXPECT_EQ(observed.created_ms, 1234);
  EXPECT_EQ(observed.prompt, "Hi?");
  EXPECT_EQ(observed.response, "Hello.");
  EXPECT_EQ(observed.finish_reason, "length");
  EXPECT_EQ(observed.completion_tokens, 7);
}

TEST(ObservedAnswer, AConversationBecomesRoleLinesAndTextPartsAreJoined) {
  const Json messages =
      Json::array({{{"role", "system"}, {"content", "Be brief."}},
                   {{"role", "user"},
                    {"content", Json::array({{{"type", "text"}, {"text", "Look:"}},
                                             {{"type", "image_url"}, {"image_url", {{"url", "x"}}}},
                                             {{"type", "text"}, {"text", "what is it?"}}})}}});
  const auto observed =
      observed_answer(chat(messages, {{"role", "assistant"}, {"content", nullptr}}));
  EXPECT_EQ(observed.prompt, "system: Be brief.\nuser: Look:\nwhat is it?");
  EXPECT_EQ(observed.response, "");  // a tool call has no content
}

TEST(ObservedAnswer, CompletionsReadThePromptAndText) {
  feedback::LoggedAnswer answer;
  answer.kind = feedback::AnswerKind::Completion;
  answer.request = {{"prompt", "Once upon"}};
  feedback::LoggedChoice choice;
  choice.output = {{"text", " a time"}};
  choice.finish_reason = "stop";
  answer.choices.push_back(choice);
  EXPECT_EQ(observed_answer(answer).prompt, "Once upon");
  EXPECT_EQ(observed_answer(answer).response, " a time");
  answer.request = {{"prompt", Json::array({"first", "second"})}};
  EXPECT_EQ(observed_answer(answer).prompt, "first");
  answer.request = {{"prompt", Json::array({1, 2, 3})}};
  EXPECT_EQ(observed_answer(answer).prompt, "");  // token ids have no text to read
}

TEST(ObservedAnswer, MalformedPartsAreSkippedNotThrown) {
  const auto observed = observed_answer(
      chat(Json::array({"not a message", {{"role", "user"}, {"content", 42}}}), Json::object()));
  EXPECT_EQ(observed.prompt, "user: ");
  EXPECT_EQ(observed.response, "");
}

}  // namespace
}  // namespace slipway::http
