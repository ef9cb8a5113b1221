// What the log stores for one answer: hash always, redacted body when sampled and small enough.
#include "feedback/exchange_encoding.h"

#include <gtest/gtest.h>

#include "feedback/prompt_key.h"
#include "log_test_support.h"

namespace slipway::feedback::test {
namespace {

const Redactor& default_redactor() {
  static const Redactor redactor(default_redaction_rules());
  return redactor;
}

TEST(Sampling, RatesZeroAndOneAndTheSameAnswerTwice) {
  for (int i = 0; i < 1'000; ++i) {
    const std::string id = "chatcmpl-" + std::to_string(i);
    EXPECT_TRUE(sampled(id, 1.0));
    EXPECT_TRUE(sampled(id, 2.0));
    EXPECT_FALSE(sampled(id, 0.0));
    EXPECT_FALSE(sampled(id, -1.0));
    EXPECT_EQ(sampled(id, 0.5), sampled(id, 0.5)) << id;
    // Rates nest: raising the rate keeps every body kept before.
    if (sampled(id, 0.25)) {
      EXPECT_TRUE(sampled(id, 0.5)) << id;
    }
  }
}

TEST(Sampling, AboutHalfOfTenThousandIds) {
  int kept = 0;
  for (int i = 0; i < 10'000; ++i) kept += sampled("cmpl-" + std::to_string(i), 0.5) ? 1 : 0;
  EXPECT_GT(kept, 4'800);
  EXPECT_LT(kept, 5'200);
}

TEST(ExchangeEncoding, StoresPromptParamsAndOutputsInIndexOrder) {
  LoggedAnswer answer = chat_answer("chatcmpl-1", "alice", 2);
  answer.request["stream"] = true;
  answer.request["stream_options"] = Json{{"include_usage", true}};
  std::swap(answer.choices[0], answer.choices[1]);  // arrival order need not be index order
  const EncodedExchange encoded = encode_exchange(answer, default_redactor(), BodyPolicy{});
  ASSERT_TRUE(encoded.prompt_json && encoded.outputs_json);
  EXPECT_EQ(encoded.skipped, EncodedExchange::BodySkip::None);
  const Json prompt = Json::parse(*encoded.prompt_json);
  EXPECT_EQ(prompt["kind"], "chat");
  EXPECT_EQ(prompt["prompt"], canonical_prompt(AnswerKind::Chat, answer.request));
  EXPECT_EQ(prompt["params"], Json({{"model", "demo"}, {"temperature", 0.7}, {"n", 2}}));
  const Json outputs = Json::parse(*encoded.outputs_json);
  ASSERT_EQ(outputs.size(), 2u);
  EXPECT_EQ(outputs[0]["content"], "answer 0");
  EXPECT_EQ(outputs[1]["content"], "answer 1");
  EXPECT_EQ(encoded.body_bytes,
            static_cast<int64_t>(encoded.prompt_json->size() + encoded.outputs_json->size()));
  EXPECT_EQ(encoded.prompt_hash,
            prompt_hash(AnswerKind::Chat, canonical_prompt(AnswerKind::Chat, answer.request)));
}

TEST(ExchangeEncoding, RedactsPromptOutputsAndHashesTheRedactedPrompt) {
  LoggedAnswer first = chat_answer("chatcmpl-1", "alice", 1, "Mail me at alice@example.com");
  first.choices[0].output["content"] = "Sure, I will call 415-555-0100.";
  const EncodedExchange encoded = encode_exchange(first, default_redactor(), BodyPolicy{});
  ASSERT_TRUE(encoded.prompt_json && encoded.outputs_json);
  EXPECT_EQ(encoded.prompt_json->find("alice@example.com"), std::string::npos);
  EXPECT_NE(encoded.prompt_json->find("Mail me at [EMAIL]"), std::string::npos);
  EXPECT_EQ(Json::parse(*encoded.outputs_json)[0]["content"], "Sure, I will call [NUMBER].");
  // Two users' addresses redact to the same prompt: their answers can pair.
  const LoggedAnswer second = chat_answer("chatcmpl-2", "bob", 1, "Mail me at bob@example.org");
  EXPECT_EQ(encode_exchange(second, default_redactor(), BodyPolicy{}).prompt_hash,
            encoded.prompt_hash);
}

TEST(ExchangeEncoding, CompletionKind) {
  LoggedAnswer answer;
  answer.id = "cmpl-1";
  answer.kind = AnswerKind::Completion;
  answer.request = Json{{"model", "demo"}, {"prompt", "Once upon"}, {"max_tokens", 5}};
  answer.choices.push_back(LoggedChoice{0, Json{{"text", " a time"}}, "length", 2});
  const EncodedExchange encoded = encode_exchange(answer, default_redactor(), BodyPolicy{});
  ASSERT_TRUE(encoded.prompt_json);
  const Json prompt = Json::parse(*encoded.prompt_json);
  EXPECT_EQ(prompt["kind"], "completion");
  EXPECT_EQ(prompt["prompt"], Json({{"prompt", "Once upon"}}));
  EXPECT_EQ(prompt["params"], Json({{"model", "demo"}, {"max_tokens", 5}}));
  EXPECT_EQ(Json::parse(*encoded.outputs_json), Json::parse(R"([{"text": " a time"}])"));
}

TEST(ExchangeEncoding, NotSampledTooLargeAndNoPromptKeepTheHashOnly) {
  const LoggedAnswer answer = chat_answer("chatcmpl-1");
  const std::string hash = encode_exchange(answer, default_redactor(), BodyPolicy{}).prompt_hash;

  const EncodedExchange unsampled =
      encode_exchange(answer, default_redactor(), BodyPolicy{0.0, 1 << 20});
  EXPECT_EQ(unsampled.skipped, EncodedExchange::BodySkip::NotSampled);
  EXPECT_FALSE(unsampled.prompt_json || unsampled.outputs_json);
  EXPECT_EQ(unsampled.prompt_hash, hash);

  const EncodedExchange large = encode_exchange(answer, default_redactor(), BodyPolicy{1.0, 50});
  EXPECT_EQ(large.skipped, EncodedExchange::BodySkip::TooLarge);
  EXPECT_FALSE(large.prompt_json || large.outputs_json);
  EXPECT_EQ(large.body_bytes, 0);
  EXPECT_EQ(large.prompt_hash, hash);

  LoggedAnswer no_prompt = answer;
  no_prompt.request = Json{{"model", "demo"}};
  EncodedExchange missing;
  EXPECT_NO_THROW(missing = encode_exchange(no_prompt, default_redactor(), BodyPolicy{}));
  EXPECT_EQ(missing.skipped, EncodedExchange::BodySkip::NoPrompt);
  EXPECT_FALSE(missing.prompt_json);
  EXPECT_EQ(missing.prompt_hash, prompt_hash(AnswerKind::Chat, Json{{"messages", Json::array()}}));
  no_prompt.request = Json("not an object");
  EXPECT_NO_THROW(missing = encode_exchange(no_prompt, default_redactor(), BodyPolicy{}));
  EXPECT_EQ(missing.skipped, EncodedExchange::BodySkip::NoPrompt);
}

}  // namespace
}  // namespace slipway::feedback::test
