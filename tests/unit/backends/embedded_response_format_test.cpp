// Response bodies, chunks, usage and logprobs in OpenAI's exact shapes.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "backends/embedded/chat_response.h"
#include "backends/embedded/completion_response.h"
#include "backends/embedded/logprobs_format.h"
#include "backends/embedded/token_text.h"
#include "backends/embedded/usage.h"

namespace slipway::backends {
namespace {

const ResponseMeta kMeta{"chatcmpl-1", 1700000000, "my-model", "fp"};

// Fake token texts: id 0x41 'A', id 7 a partial character.
TokenText fake_text(int32_t id) {
  if (id == 7) return {"<0xE2>", "\xE2"};
  return {std::string(1, static_cast<char>(id)), std::string(1, static_cast<char>(id))};
}

std::vector<std::string> keys(const Json& object) {
  std::vector<std::string> out;
  for (const auto& [k, v] : object.items()) out.push_back(k);
  return out;
}

using Keys = std::vector<std::string>;

TEST(EmbeddedResponseFormat, Usage) {
  EXPECT_EQ(usage_json(Usage{10, 5, 4}),
            Json::parse(R"({"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15,
                            "prompt_tokens_details": {"cached_tokens": 4}})"));
}

TEST(EmbeddedResponseFormat, ChatBody) {
  ChoiceOutput choice{0, "hello", "stop", nullptr};
  const Json body = chat_completion_body(kMeta, {choice}, Usage{3, 2, 0});
  EXPECT_EQ(keys(body),
            (Keys{"id", "object", "created", "model", "system_fingerprint", "choices", "usage"}));
  EXPECT_EQ(body["object"], "chat.completion");
  EXPECT_EQ(body["id"], "chatcmpl-1");
  EXPECT_EQ(body["created"], 1700000000);
  EXPECT_EQ(body["model"], "my-model");
  EXPECT_EQ(body["choices"][0],
            Json::parse(R"({"index": 0, "message": {"role": "assistant", "content": "hello"},
                            "logprobs": null, "finish_reason": "stop"})"));
  EXPECT_EQ(keys(body["choices"][0]), (Keys{"index", "message", "logprobs", "finish_reason"}));
  EXPECT_EQ(body["usage"]["total_tokens"], 5);
}

TEST(EmbeddedResponseFormat, ChatChunks) {
  Json role = chat_role_chunk(kMeta, 1, false);
  EXPECT_EQ(role["object"], "chat.completion.chunk");
  EXPECT_FALSE(role.contains("usage"));
  EXPECT_EQ(role["choices"][0], Json::parse(R"({"index": 1, "delta": {"role": "assistant",
      "content": ""}, "logprobs": null, "finish_reason": null})"));
  Json content = chat_content_chunk(kMeta, 0, "hi", nullptr, true);
  EXPECT_TRUE(content.contains("usage"));
  EXPECT_TRUE(content["usage"].is_null());
  EXPECT_EQ(content["choices"][0]["delta"], (Json{{"content", "hi"}}));
  Json finish = chat_finish_chunk(kMeta, 0, "length", true);
  EXPECT_EQ(finish["choices"][0]["delta"], Json::object());
  EXPECT_EQ(finish["choices"][0]["finish_reason"], "length");
  Json usage = usage_chunk(kMeta, kChatChunkObject, Usage{1, 2, 0});
  EXPECT_EQ(usage["choices"], Json::array());
  EXPECT_EQ(usage["usage"]["total_tokens"], 3);
}

TEST(EmbeddedResponseFormat, CompletionBodyAndChunk) {
  ChoiceOutput choice{2, "text", "length", nullptr};
  const Json body = completion_body(kMeta, {choice}, Usage{});
  EXPECT_EQ(body["object"], "text_completion");
  EXPECT_EQ(body["choices"][0], Json::parse(R"({"index": 2, "text": "text", "logprobs": null,
                                                "finish_reason": "length"})"));
  const Json chunk = completion_chunk(kMeta, 1, "t", nullptr, nullptr, false);
  EXPECT_EQ(chunk["object"], "text_completion");
  EXPECT_FALSE(chunk.contains("usage"));
  EXPECT_EQ(keys(chunk["choices"][0]), (Keys{"index", "text", "logprobs", "finish_reason"}));
}

engine::SampledToken sampled(int32_t id, float lp, std::vector<engine::TokenLogprob> top) {
  engine::SampledToken t;
  t.token = id;
  t.logprob = lp;
  t.top = std::move(top);
  return t;
}

TEST(EmbeddedResponseFormat, ChatLogprobEntry) {
  const Json entry =
      chat_logprob_entry(sampled('A', -0.5f, {{'A', -0.5f}, {7, -1.25f}}), fake_text);
  EXPECT_EQ(entry, Json::parse(R"({"token": "A", "logprob": -0.5, "bytes": [65],
      "top_logprobs": [{"token": "A", "logprob": -0.5, "bytes": [65]},
                       {"token": "<0xE2>", "logprob": -1.25, "bytes": [226]}]})"));
  const Json none = chat_logprob_entry(sampled('B', -1.0f, {}), fake_text);
  EXPECT_EQ(none["top_logprobs"], Json::array());
}

TEST(EmbeddedResponseFormat, CompletionLogprobs) {
  CompletionLogprobs logprobs;
  std::vector<engine::SampledToken> tokens = {sampled('A', -0.5f, {{'A', -0.5f}, {'B', -2.0f}}),
                                              sampled('C', -0.25f, {{'C', -0.25f}})};
  logprobs.append(tokens, fake_text);
  EXPECT_EQ(logprobs.to_json(), Json::parse(R"({"tokens": ["A", "C"],
      "token_logprobs": [-0.5, -0.25], "top_logprobs": [{"A": -0.5, "B": -2.0}, {"C": -0.25}],
      "text_offset": [0, 1]})"));
  // Streaming sends each step's part; offsets keep counting from the choice's start.
  logprobs.clear_entries();
  EXPECT_TRUE(logprobs.empty());
  std::vector<engine::SampledToken> more = {sampled('D', -1.0f, {})};
  logprobs.append(more, fake_text);
  EXPECT_EQ(logprobs.to_json()["text_offset"], Json::array({2}));
}

TEST(EmbeddedResponseFormat, NonFiniteLogprobsStayValidJson) {
  EXPECT_EQ(json_logprob(-std::numeric_limits<float>::infinity()), -9999.0);
  EXPECT_EQ(json_logprob(std::nanf("")), -9999.0);
  EXPECT_EQ(json_logprob(-1.5f), -1.5);
}

TEST(EmbeddedResponseFormat, PieceBytes) {
  EXPECT_EQ(piece_bytes("<0xE2>"), "\xE2");
  EXPECT_EQ(piece_bytes("<0x0A>"), "\n");
  // GPT-2 byte-level: "Ġ" is a space, "âĢ" the bytes E2 80.
  EXPECT_EQ(piece_bytes("\xC4\xA0hi"), " hi");
  EXPECT_EQ(piece_bytes("\xC3\xA2\xC4\xA2"), "\xE2\x80");
  // SentencePiece: "▁" is a space.
  EXPECT_EQ(piece_bytes("\xE2\x96\x81the"), " the");
}

}  // namespace
}  // namespace slipway::backends
