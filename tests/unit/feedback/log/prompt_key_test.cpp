// The canonical prompt and its hash: what makes two answers answers to the same question.
#include "feedback/prompt_key.h"

#include <gtest/gtest.h>

namespace slipway::feedback {
namespace {

std::string chat_hash(const Json& request) {
  return prompt_hash(AnswerKind::Chat, canonical_prompt(AnswerKind::Chat, request));
}

const Json kRequest = Json::parse(R"({
  "model": "demo", "temperature": 0.2,
  "messages": [{"role": "system", "content": "Be brief."},
               {"role": "user", "content": "Hi", "name": "alice"}]})");

TEST(PromptKey, KeyOrderNullsAndSamplingDoNotChangeTheHash) {
  const Json reordered = Json::parse(R"({
    "messages": [{"content": "Be brief.", "role": "system", "name": null},
                 {"name": "alice", "content": "Hi", "role": "user", "tool_calls": null}],
    "temperature": 1.5, "top_p": 0.9, "model": "other", "user": "bob"})");
  EXPECT_EQ(chat_hash(kRequest), chat_hash(reordered));
  const std::string hash = chat_hash(kRequest);
  EXPECT_EQ(hash.rfind("chat:", 0), 0u) << hash;
  EXPECT_EQ(hash.size(), 5u + 64u);
}

TEST(PromptKey, DifferentMessagesDiffer) {
  Json other = kRequest;
  other["messages"][1]["content"] = "Hi!";
  EXPECT_NE(chat_hash(kRequest), chat_hash(other));
  other = kRequest;
  other["messages"][1]["role"] = "assistant";
  EXPECT_NE(chat_hash(kRequest), chat_hash(other));
  other = kRequest;
  other["messages"].erase(0);
  EXPECT_NE(chat_hash(kRequest), chat_hash(other));
}

TEST(PromptKey, TextPartsAreJoinedOtherPartsKept) {
  Json parts = kRequest;
  parts["messages"][1]["content"] =
      Json::parse(R"([{"type": "text", "text": "H"}, {"text": "i", "type": "text"}])");
  EXPECT_EQ(canonical_prompt(AnswerKind::Chat, parts)["messages"][1]["content"], "Hi");
  EXPECT_EQ(chat_hash(kRequest), chat_hash(parts));

  Json image = kRequest;
  image["messages"][1]["content"] = Json::parse(
      R"([{"type": "text", "text": "Hi"}, {"type": "image_url", "image_url": {"url": "x"}}])");
  const Json canonical = canonical_prompt(AnswerKind::Chat, image);
  ASSERT_TRUE(canonical["messages"][1]["content"].is_array());
  EXPECT_EQ(canonical["messages"][1]["content"].size(), 2u);
  EXPECT_NE(chat_hash(kRequest), chat_hash(image));
}

TEST(PromptKey, ToolsAreIncluded) {
  Json with_tools = kRequest;
  with_tools["tools"] =
      Json::parse(R"([{"type": "function", "function": {"name": "get_weather"}}])");
  EXPECT_NE(chat_hash(kRequest), chat_hash(with_tools));
  EXPECT_EQ(canonical_prompt(AnswerKind::Chat, with_tools)["tools"], with_tools["tools"]);
  Json other_tool = with_tools;
  other_tool["tools"][0]["function"]["name"] = "get_time";
  EXPECT_NE(chat_hash(with_tools), chat_hash(other_tool));
  Json empty_tools = kRequest;
  empty_tools["tools"] = Json::array();
  EXPECT_EQ(chat_hash(kRequest), chat_hash(empty_tools));
}

TEST(PromptKey, CompletionAndChatNeverPair) {
  const Json completion = {{"prompt", "Hi"}};
  const Json canonical = canonical_prompt(AnswerKind::Completion, completion);
  EXPECT_EQ(canonical, Json({{"prompt", "Hi"}}));
  // Even the same canonical JSON hashes differently under the two kinds.
  EXPECT_NE(prompt_hash(AnswerKind::Completion, canonical),
            prompt_hash(AnswerKind::Chat, canonical));
  EXPECT_EQ(prompt_hash(AnswerKind::Completion, canonical).rfind("completion:", 0), 0u);
}

TEST(PromptKey, MissingPromptIsRefused) {
  EXPECT_THROW(canonical_prompt(AnswerKind::Chat, Json{{"prompt", "x"}}), std::invalid_argument);
  EXPECT_THROW(canonical_prompt(AnswerKind::Completion, Json{{"messages", Json::array()}}),
               std::invalid_argument);
  EXPECT_THROW(canonical_prompt(AnswerKind::Chat, Json::array()), std::invalid_argument);
  EXPECT_THROW(canonical_prompt(AnswerKind::Chat, Json{{"messages", {1, 2}}}),
               std::invalid_argument);
}

TEST(PromptKey, InvalidUtf8StillHashes) {
  Json broken = kRequest;
  broken["messages"][1]["content"] = std::string("caf\xC3");
  EXPECT_NO_THROW(chat_hash(broken));
}

}  // namespace
}  // namespace slipway::feedback
