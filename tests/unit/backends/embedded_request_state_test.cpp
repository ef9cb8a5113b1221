// RequestState with made-up sequence outputs: chunk order and shape, n choices, usage,
// logprobs, errors, cancel and the single on_done().
#include <gtest/gtest.h>

#include "backends/embedded/request_state.h"
#include "embedded_test_util.h"

namespace slipway::backends {
namespace {

using engine::FinishReason;
using engine::SequenceOutput;
using test::RecordingSink;

const TimePoint kStart{};

TimePoint at_ms(int ms) {
  return kStart + std::chrono::milliseconds(ms);
}

// "t<id>"; appended rather than prefixed, which trips GCC 12's -Wrestrict false positive.
std::string tagged(char tag, int64_t value) {
  std::string out(1, tag);
  out += std::to_string(value);
  return out;
}

TokenText fake_text(int32_t id) {
  return {tagged('t', id), tagged('t', id)};
}

RequestPlan plan(ResponseKind kind, bool stream, int64_t n, std::vector<int64_t> prompts) {
  RequestPlan p;
  p.kind = kind;
  p.meta = ResponseMeta{"id-1", 7, "route", "fp"};
  p.stream = stream;
  p.n = n;
  p.prompt_tokens = std::move(prompts);
  p.served_by = "v1";
  p.start = kStart;
  return p;
}

SequenceOutput step(std::vector<int32_t> ids, std::string text) {
  SequenceOutput out;
  for (int32_t id : ids) {
    engine::SampledToken t;
    t.token = id;
    t.logprob = -1.0f;
    t.top = {{id, -1.0f}};
    out.tokens.push_back(t);
  }
  out.text = std::move(text);
  return out;
}

SequenceOutput final_step(std::vector<int32_t> ids, std::string text, FinishReason reason,
                          int64_t cached = 0) {
  SequenceOutput out = step(std::move(ids), std::move(text));
  out.finished = true;
  out.finish_reason = reason;
  out.stats.cached_prompt_tokens = cached;
  out.stats.queue_seconds = 0.25;
  out.stats.first_token_seconds = 0.5;
  return out;
}

std::string delta_content(const Json& chunk) {
  const Json& delta = chunk["choices"][0]["delta"];
  return delta.contains("content") ? delta["content"].get<std::string>() : "";
}

TEST(EmbeddedRequestState, ChatStreamTwoChoicesWithUsage) {
  auto sink = std::make_shared<RecordingSink>();
  auto p = plan(ResponseKind::Chat, true, 2, {5});
  p.include_usage = true;
  RequestState state(p, fake_text, sink);
  state.submitted(2, std::nullopt, at_ms(0));
  state.on_output(0, step({10}, "Hel"), at_ms(10));
  state.on_output(1, step({11}, "Wor"), at_ms(11));
  state.on_output(0, final_step({12}, "lo", FinishReason::Stop, 3), at_ms(30));
  state.on_output(1, final_step({13, 14}, "ld", FinishReason::Length, 3), at_ms(31));

  EXPECT_EQ(sink->order(), "chunk,chunk,chunk,chunk,chunk,chunk,chunk,chunk,chunk,done");
  const auto& c = sink->chunks;
  ASSERT_EQ(c.size(), 9u);
  // Both choices open with their role before any content.
  EXPECT_EQ(c[0]["choices"][0]["index"], 0);
  EXPECT_EQ(c[0]["choices"][0]["delta"], Json::parse(R"({"role": "assistant", "content": ""})"));
  EXPECT_EQ(c[1]["choices"][0]["index"], 1);
  EXPECT_EQ(c[1]["choices"][0]["delta"]["role"], "assistant");
  EXPECT_EQ(delta_content(c[2]), "Hel");
  EXPECT_EQ(delta_content(c[3]), "Wor");
  EXPECT_EQ(c[3]["choices"][0]["index"], 1);
  EXPECT_EQ(delta_content(c[4]), "lo");
  EXPECT_EQ(c[5]["choices"][0]["delta"], Json::object());
  EXPECT_EQ(c[5]["choices"][0]["finish_reason"], "stop");
  EXPECT_EQ(delta_content(c[6]), "ld");
  EXPECT_EQ(c[7]["choices"][0]["finish_reason"], "length");
  EXPECT_EQ(c[7]["choices"][0]["index"], 1);
  for (std::size_t i = 0; i < 8; ++i) {
    EXPECT_EQ(c[i]["object"], "chat.completion.chunk");
    EXPECT_EQ(c[i]["id"], "id-1");
    EXPECT_EQ(c[i]["model"], "route");
    ASSERT_TRUE(c[i].contains("usage"));
    EXPECT_TRUE(c[i]["usage"].is_null());
    EXPECT_TRUE(c[i]["choices"][0]["logprobs"].is_null());
  }
  EXPECT_EQ(c[8]["choices"], Json::array());
  // The prompt counts once, completions add up over choices.
  EXPECT_EQ(c[8]["usage"], Json::parse(R"({"prompt_tokens": 5, "completion_tokens": 5,
      "total_tokens": 10, "prompt_tokens_details": {"cached_tokens": 3}})"));

  const CompletionStats& s = *sink->stats;
  EXPECT_EQ(s.prompt_tokens, 5);
  EXPECT_EQ(s.completion_tokens, 5);
  EXPECT_EQ(s.cached_prompt_tokens, 3);
  EXPECT_EQ(s.finish_reason, "stop");
  EXPECT_EQ(s.queue_seconds, 0.25);
  EXPECT_EQ(s.first_token_seconds, 0.5);
  ASSERT_EQ(s.inter_token_seconds.size(), 1u);
  EXPECT_NEAR(s.inter_token_seconds[0], 0.020, 1e-9);
  EXPECT_NEAR(s.total_seconds, 0.031, 1e-9);
  EXPECT_EQ(s.served_by, "v1");
}

TEST(EmbeddedRequestState, ChatStreamWithoutUsageHasNoUsageKey) {
  auto sink = std::make_shared<RecordingSink>();
  RequestState state(plan(ResponseKind::Chat, true, 1, {2}), fake_text, sink);
  state.submitted(1, std::nullopt, at_ms(0));
  state.on_output(0, final_step({1}, "x", FinishReason::Stop), at_ms(1));
  ASSERT_EQ(sink->chunks.size(), 3u);  // role, content, finish
  for (const auto& chunk : sink->chunks) EXPECT_FALSE(chunk.contains("usage"));
  EXPECT_EQ(sink->done_calls, 1);
}

TEST(EmbeddedRequestState, ChatStreamLogprobsPerStep) {
  auto sink = std::make_shared<RecordingSink>();
  auto p = plan(ResponseKind::Chat, true, 1, {2});
  p.logprobs = true;
  RequestState state(p, fake_text, sink);
  state.submitted(1, std::nullopt, at_ms(0));
  state.on_output(0, step({4}, ""), at_ms(1));  // a token whose text is held back
  state.on_output(0, final_step({5}, "ab", FinishReason::Stop), at_ms(2));
  ASSERT_EQ(sink->chunks.size(), 4u);
  EXPECT_EQ(delta_content(sink->chunks[1]), "");
  EXPECT_EQ(sink->chunks[1]["choices"][0]["logprobs"]["content"][0]["token"], "t4");
  EXPECT_EQ(sink->chunks[2]["choices"][0]["logprobs"]["content"][0]["token"], "t5");
  EXPECT_EQ(sink->chunks[2]["choices"][0]["logprobs"]["content"].size(), 1u);
}

TEST(EmbeddedRequestState, ChatNonStream) {
  auto sink = std::make_shared<RecordingSink>();
  auto p = plan(ResponseKind::Chat, false, 2, {4});
  p.logprobs = true;
  RequestState state(p, fake_text, sink);
  state.submitted(2, std::nullopt, at_ms(0));
  state.on_output(1, final_step({7}, "B", FinishReason::Length), at_ms(1));
  state.on_output(0, step({5}, "A"), at_ms(1));
  EXPECT_FALSE(sink->stats);
  state.on_output(0, final_step({6}, "a", FinishReason::Stop), at_ms(2));
  EXPECT_EQ(sink->order(), "response,done");
  const Json& body = *sink->response;
  EXPECT_EQ(body["object"], "chat.completion");
  ASSERT_EQ(body["choices"].size(), 2u);
  EXPECT_EQ(body["choices"][0]["message"]["content"], "Aa");
  EXPECT_EQ(body["choices"][0]["finish_reason"], "stop");
  EXPECT_EQ(body["choices"][1]["index"], 1);
  EXPECT_EQ(body["choices"][1]["message"]["content"], "B");
  EXPECT_EQ(body["choices"][1]["finish_reason"], "length");
  const Json& lp = body["choices"][0]["logprobs"]["content"];
  ASSERT_EQ(lp.size(), 2u);
  EXPECT_EQ(lp[1]["token"], "t6");
  EXPECT_EQ(lp[1]["bytes"], Json::array({116, 54}));
  EXPECT_EQ(body["usage"]["completion_tokens"], 3);
  EXPECT_EQ(body["usage"]["prompt_tokens"], 4);
}

TEST(EmbeddedRequestState, CompletionsTwoPromptsTwoChoices) {
  auto sink = std::make_shared<RecordingSink>();
  auto p = plan(ResponseKind::Completion, false, 2, {3, 6});
  p.logprobs = true;
  RequestState state(p, fake_text, sink);
  state.submitted(4, std::nullopt, at_ms(0));
  for (int i = 0; i < 4; ++i) {
    state.on_output(i, final_step({i}, tagged('c', i), FinishReason::Stop, i), at_ms(1));
  }
  const Json& body = *sink->response;
  EXPECT_EQ(body["object"], "text_completion");
  ASSERT_EQ(body["choices"].size(), 4u);
  EXPECT_EQ(body["choices"][2]["text"], "c2");  // prompt 1, choice 0
  EXPECT_EQ(body["choices"][2]["logprobs"]["tokens"], Json::array({"t2"}));
  EXPECT_EQ(body["choices"][2]["logprobs"]["text_offset"], Json::array({0}));
  EXPECT_EQ(body["usage"]["prompt_tokens"], 9);
  EXPECT_EQ(body["usage"]["completion_tokens"], 4);
  // Cached tokens of each prompt's first choice (0 and 2).
  EXPECT_EQ(body["usage"]["prompt_tokens_details"]["cached_tokens"], 2);
}

TEST(EmbeddedRequestState, CompletionsStream) {
  auto sink = std::make_shared<RecordingSink>();
  auto p = plan(ResponseKind::Completion, true, 1, {3});
  p.include_usage = true;
  p.logprobs = true;
  RequestState state(p, fake_text, sink);
  state.submitted(1, std::nullopt, at_ms(0));
  state.on_output(0, step({1}, "ab"), at_ms(1));
  state.on_output(0, final_step({2}, "c", FinishReason::Length), at_ms(2));
  ASSERT_EQ(sink->chunks.size(), 4u);  // text, text, finish, usage
  EXPECT_EQ(sink->chunks[0]["choices"][0]["text"], "ab");
  EXPECT_TRUE(sink->chunks[0]["choices"][0]["finish_reason"].is_null());
  EXPECT_EQ(sink->chunks[1]["choices"][0]["logprobs"]["text_offset"], Json::array({2}));
  EXPECT_EQ(sink->chunks[2]["choices"][0]["text"], "");
  EXPECT_EQ(sink->chunks[2]["choices"][0]["finish_reason"], "length");
  EXPECT_EQ(sink->chunks[3]["object"], "text_completion");
  EXPECT_EQ(sink->chunks[3]["usage"]["completion_tokens"], 2);
}

TEST(EmbeddedRequestState, TimeoutAfterChunksIsAnError) {
  auto sink = std::make_shared<RecordingSink>();
  RequestState state(plan(ResponseKind::Chat, true, 1, {3}), fake_text, sink);
  state.submitted(1, std::nullopt, at_ms(0));
  state.on_output(0, step({1}, "a"), at_ms(1));
  state.on_output(0, final_step({}, "", FinishReason::Timeout), at_ms(1500));
  EXPECT_EQ(sink->order(), "chunk,chunk,error,done");
  EXPECT_EQ(sink->error->status, 504);
  EXPECT_EQ(sink->error->message, "request timed out after 1.5 s");
  EXPECT_EQ(sink->stats->finish_reason, "timeout");
}

TEST(EmbeddedRequestState, TimeoutBeforeAnyTokenSendsNoChunk) {
  auto sink = std::make_shared<RecordingSink>();
  RequestState state(plan(ResponseKind::Chat, true, 1, {3}), fake_text, sink);
  state.submitted(1, std::nullopt, at_ms(0));
  state.on_output(0, final_step({}, "", FinishReason::Timeout), at_ms(5));
  EXPECT_EQ(sink->order(), "error,done");
  EXPECT_EQ(sink->error->status, 504);
}

TEST(EmbeddedRequestState, EngineErrorIs500) {
  auto sink = std::make_shared<RecordingSink>();
  RequestState state(plan(ResponseKind::Completion, false, 2, {3}), fake_text, sink);
  state.submitted(2, std::nullopt, at_ms(0));
  auto failed = final_step({}, "", FinishReason::Error);
  failed.error = "out of memory";
  state.on_output(1, std::move(failed), at_ms(1));
  state.on_output(0, final_step({1}, "a", FinishReason::Stop), at_ms(2));
  EXPECT_EQ(sink->order(), "error,done");
  EXPECT_EQ(sink->error->status, 500);
  EXPECT_NE(sink->error->message.find("out of memory"), std::string::npos);
}

TEST(EmbeddedRequestState, CancelEndsWithDoneOnly) {
  auto sink = std::make_shared<RecordingSink>();
  RequestState state(plan(ResponseKind::Chat, true, 1, {3}), fake_text, sink);
  state.submitted(1, std::nullopt, at_ms(0));
  state.on_output(0, step({1}, "a"), at_ms(1));
  state.mark_cancelled();
  state.on_output(0, final_step({}, "", FinishReason::Abort), at_ms(2));
  EXPECT_EQ(sink->order(), "chunk,chunk,done");
  EXPECT_EQ(sink->stats->finish_reason, "abort");
}

TEST(EmbeddedRequestState, UnrequestedAbortIs503) {
  auto sink = std::make_shared<RecordingSink>();
  RequestState state(plan(ResponseKind::Chat, false, 1, {3}), fake_text, sink);
  state.submitted(1, std::nullopt, at_ms(0));
  state.on_output(0, final_step({}, "", FinishReason::Abort), at_ms(2));
  EXPECT_EQ(sink->order(), "error,done");
  EXPECT_EQ(sink->error->status, 503);
}

TEST(EmbeddedRequestState, OutputsBeforeSubmitEndAreHeldBack) {
  auto sink = std::make_shared<RecordingSink>();
  RequestState state(plan(ResponseKind::Chat, true, 2, {3}), fake_text, sink);
  state.on_output(0, step({1}, "a"), at_ms(1));
  state.on_output(0, final_step({}, "", FinishReason::Abort), at_ms(2));
  EXPECT_EQ(sink->order(), "");
  // The second sequence hit a full queue: a plain 429, no chunk.
  state.submitted(1, ApiError::too_many_requests("busy"), at_ms(3));
  EXPECT_EQ(sink->order(), "error,done");
  EXPECT_EQ(sink->error->status, 429);
}

TEST(EmbeddedRequestState, HeldOutputsReplayInOrder) {
  auto sink = std::make_shared<RecordingSink>();
  RequestState state(plan(ResponseKind::Chat, true, 1, {3}), fake_text, sink);
  state.on_output(0, step({1}, "a"), at_ms(1));
  state.on_output(0, final_step({2}, "b", FinishReason::Stop), at_ms(2));
  state.submitted(1, std::nullopt, at_ms(3));
  ASSERT_EQ(sink->chunks.size(), 4u);
  EXPECT_EQ(delta_content(sink->chunks[1]), "a");
  EXPECT_EQ(delta_content(sink->chunks[2]), "b");
  EXPECT_EQ(sink->done_calls, 1);
}

TEST(EmbeddedRequestState, NothingSubmitted) {
  auto sink = std::make_shared<RecordingSink>();
  RequestState state(plan(ResponseKind::Chat, false, 1, {3}), fake_text, sink);
  state.submitted(0, ApiError::bad_request("too long"), at_ms(1));
  EXPECT_EQ(sink->order(), "error,done");
  EXPECT_EQ(sink->stats->finish_reason, "error");
}

}  // namespace
}  // namespace slipway::backends
