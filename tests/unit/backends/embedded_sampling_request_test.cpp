// Sampling fields of chat and completions requests: types (422), ranges (400), defaults from
// generation_config.json, context limits and per-choice seeds.
#include <gtest/gtest.h>

#include "backends/embedded/json_fields.h"
#include "backends/embedded/sampling_request.h"

namespace slipway::backends {
namespace {

const ModelLimits kLimits{/*context=*/100, /*vocab_size=*/50, /*max_n=*/4, /*max_logprobs=*/5};

SamplingRequest parse(const Json& body, Endpoint endpoint = Endpoint::ChatCompletions) {
  return parse_sampling_request(body, endpoint, kLimits);
}

ApiError error_of(const Json& body, Endpoint endpoint = Endpoint::ChatCompletions) {
  try {
    parse(body, endpoint);
  } catch (const RequestError& e) {
    return e.error();
  }
  ADD_FAILURE() << "accepted: " << body.dump();
  return {};
}

TEST(EmbeddedSamplingRequest, ReadsEveryField) {
  const auto r = parse(Json::parse(R"({"temperature": 0.5, "top_p": 0.9, "top_k": 7,
      "min_p": 0.1, "presence_penalty": -1.5, "frequency_penalty": 2, "repetition_penalty": 1.1,
      "seed": -3, "max_tokens": 12, "n": 3, "stop": ["a", "", "bc"], "stop_token_ids": [4, 49],
      "ignore_eos": true, "skip_special_tokens": false, "logprobs": true, "top_logprobs": 2,
      "user": "u1", "stream": true, "stream_options": {"include_usage": true}})"));
  EXPECT_EQ(r.temperature, 0.5);
  EXPECT_EQ(r.top_p, 0.9);
  EXPECT_EQ(r.top_k, 7);
  EXPECT_EQ(r.min_p, 0.1);
  EXPECT_EQ(r.presence_penalty, -1.5);
  EXPECT_EQ(r.frequency_penalty, 2.0);
  EXPECT_EQ(r.repetition_penalty, 1.1);
  EXPECT_EQ(r.seed, -3);
  EXPECT_EQ(r.max_tokens, 12);
  EXPECT_EQ(r.n, 3);
  EXPECT_EQ(r.stop, (std::vector<std::string>{"a", "bc"}));
  EXPECT_EQ(r.stop_token_ids, (std::vector<int32_t>{4, 49}));
  EXPECT_TRUE(r.ignore_eos);
  EXPECT_FALSE(r.skip_special_tokens);
  EXPECT_EQ(r.logprobs, 2);
  EXPECT_EQ(r.user, "u1");
  EXPECT_TRUE(r.stream);
  EXPECT_TRUE(r.include_usage);
}

TEST(EmbeddedSamplingRequest, DefaultsAndNulls) {
  const auto r = parse(Json::parse(R"({"temperature": null, "stop": null, "n": null})"));
  EXPECT_FALSE(r.temperature);
  EXPECT_TRUE(r.stop.empty());
  EXPECT_EQ(r.n, 1);
  EXPECT_EQ(r.logprobs, -1);
  EXPECT_TRUE(r.skip_special_tokens);
  EXPECT_FALSE(r.stream);
  EXPECT_FALSE(r.include_usage);
}

TEST(EmbeddedSamplingRequest, StopAsString) {
  EXPECT_EQ(parse(Json{{"stop", "END"}}).stop, std::vector<std::string>{"END"});
}

TEST(EmbeddedSamplingRequest, WrongTypesAre422WithParam) {
  const std::vector<std::pair<Json, std::string>> cases = {
      {Json{{"temperature", "hot"}}, "temperature"},
      {Json{{"top_k", 1.5}}, "top_k"},
      {Json{{"max_tokens", "10"}}, "max_tokens"},
      {Json{{"stop", 3}}, "stop"},
      {Json{{"stop", Json::array({"a", 1})}}, "stop"},
      {Json{{"stop_token_ids", Json::array({"x"})}}, "stop_token_ids"},
      {Json{{"ignore_eos", 1}}, "ignore_eos"},
      {Json{{"logprobs", 1}}, "logprobs"},
      {Json{{"stream", "yes"}}, "stream"},
      {Json{{"user", 5}}, "user"},
      {Json{{"seed", "1"}}, "seed"},
      {Json{{"stream", true}, {"stream_options", "x"}}, "stream_options"},
  };
  for (const auto& [body, param] : cases) {
    const ApiError e = error_of(body);
    EXPECT_EQ(e.status, 422) << body.dump();
    EXPECT_EQ(e.param, param) << body.dump();
  }
  // Completions take logprobs as an integer, not a bool.
  EXPECT_EQ(error_of(Json{{"logprobs", true}}, Endpoint::Completions).status, 422);
}

TEST(EmbeddedSamplingRequest, BadValuesAre400WithParam) {
  const std::vector<std::pair<Json, std::string>> cases = {
      {Json{{"temperature", 2.1}}, "temperature"},
      {Json{{"temperature", -0.1}}, "temperature"},
      {Json{{"top_p", 0}}, "top_p"},
      {Json{{"top_p", 1.01}}, "top_p"},
      {Json{{"top_k", -2}}, "top_k"},
      {Json{{"min_p", 1.5}}, "min_p"},
      {Json{{"presence_penalty", -2.5}}, "presence_penalty"},
      {Json{{"frequency_penalty", 3}}, "frequency_penalty"},
      {Json{{"repetition_penalty", 0}}, "repetition_penalty"},
      {Json{{"max_tokens", 0}}, "max_tokens"},
      {Json{{"max_completion_tokens", -1}}, "max_completion_tokens"},
      {Json{{"n", 0}}, "n"},
      {Json{{"n", 5}}, "n"},
      {Json{{"stop_token_ids", Json::array({50})}}, "stop_token_ids"},
      {Json{{"stop_token_ids", Json::array({-1})}}, "stop_token_ids"},
      {Json{{"logprobs", true}, {"top_logprobs", 6}}, "top_logprobs"},
      {Json{{"top_logprobs", 2}}, "top_logprobs"},
      {Json{{"stream_options", Json{{"include_usage", true}}}}, "stream_options"},
      {Json{{"stream", true}, {"stream_options", Json{{"continuous_usage_stats", true}}}},
       "stream_options"},
  };
  for (const auto& [body, param] : cases) {
    const ApiError e = error_of(body);
    EXPECT_EQ(e.status, 400) << body.dump();
    EXPECT_EQ(e.param, param) << body.dump();
  }
  EXPECT_EQ(error_of(Json{{"logprobs", 6}}, Endpoint::Completions).status, 400);
  EXPECT_EQ(error_of(Json{{"logprobs", -1}}, Endpoint::Completions).status, 400);
}

TEST(EmbeddedSamplingRequest, ChatPrefersMaxCompletionTokens) {
  const auto chat = parse(Json{{"max_tokens", 5}, {"max_completion_tokens", 9}});
  EXPECT_EQ(chat.max_tokens, 9);
  EXPECT_EQ(chat.max_tokens_field, "max_completion_tokens");
  // Completions know only max_tokens.
  const auto completions =
      parse(Json{{"max_tokens", 5}, {"max_completion_tokens", 9}}, Endpoint::Completions);
  EXPECT_EQ(completions.max_tokens, 5);
}

TEST(EmbeddedSamplingRequest, Logprobs) {
  EXPECT_EQ(parse(Json{{"logprobs", true}}).logprobs, 0);
  EXPECT_EQ(parse(Json{{"logprobs", false}}).logprobs, -1);
  EXPECT_EQ(parse(Json{{"logprobs", false}, {"top_logprobs", 0}}).logprobs, -1);
  EXPECT_EQ(parse(Json{{"logprobs", 3}}, Endpoint::Completions).logprobs, 3);
  EXPECT_EQ(parse(Json{{"logprobs", 0}}, Endpoint::Completions).logprobs, 0);
}

TEST(EmbeddedSamplingRequest, IntegralFloatsAreIntegers) {
  EXPECT_EQ(parse(Json{{"max_tokens", 4.0}}).max_tokens, 4);
}

ApiError resolve_error(const SamplingRequest& r, int64_t prompt, const std::string& param) {
  try {
    resolve_max_tokens(r, {}, prompt, 100, param);
  } catch (const RequestError& e) {
    return e.error();
  }
  ADD_FAILURE() << "accepted prompt of " << prompt;
  return {};
}

TEST(EmbeddedSamplingRequest, ContextLimits) {
  SamplingRequest r;
  EXPECT_EQ(resolve_max_tokens(r, {}, 30, 100, "prompt"), 70);  // the rest of the context
  engine::GenerationDefaults defaults;
  defaults.max_new_tokens = 20;
  EXPECT_EQ(resolve_max_tokens(r, defaults, 30, 100, "prompt"), 20);
  EXPECT_EQ(resolve_max_tokens(r, defaults, 90, 100, "prompt"), 10);  // clamped to fit

  ApiError full = resolve_error(r, 100, "messages");
  EXPECT_EQ(full.status, 400);
  EXPECT_EQ(full.param, "messages");
  EXPECT_NE(full.message.find("This model's maximum context length is 100 tokens. However, your "
                              "request has 100 input tokens."),
            std::string::npos)
      << full.message;

  r.max_tokens = 71;
  r.max_tokens_field = "max_completion_tokens";
  ApiError over = resolve_error(r, 30, "messages");
  EXPECT_EQ(over.status, 400);
  EXPECT_EQ(over.param, "max_completion_tokens");
  EXPECT_NE(over.message.find("you requested 101 tokens (30 in the input, 71 in the completion)"),
            std::string::npos)
      << over.message;
  r.max_tokens = 70;
  EXPECT_EQ(resolve_max_tokens(r, {}, 30, 100, "messages"), 70);
}

TEST(EmbeddedSamplingRequest, GenerationConfigDefaultsAndOverrides) {
  engine::GenerationDefaults defaults;
  defaults.do_sample = true;
  defaults.temperature = 0.6;
  defaults.top_p = 0.9;
  defaults.top_k = 20;
  defaults.repetition_penalty = 1.05;

  SamplingRequest plain;
  auto p = build_sampling_params(plain, defaults, 33);
  EXPECT_DOUBLE_EQ(p.temperature, 0.6);
  EXPECT_DOUBLE_EQ(p.top_p, 0.9);
  EXPECT_EQ(p.top_k, 20);
  EXPECT_DOUBLE_EQ(p.repetition_penalty, 1.05);
  EXPECT_EQ(p.max_tokens, 33);
  EXPECT_EQ(p.logprobs, -1);
  EXPECT_FALSE(p.seed);

  const auto r = parse(Json::parse(R"({"temperature": 0, "top_p": 0.5, "top_k": -1,
      "min_p": 0.2, "repetition_penalty": 1.3, "presence_penalty": 0.5,
      "frequency_penalty": 0.25, "stop": "x", "stop_token_ids": [3], "ignore_eos": true,
      "logprobs": true, "top_logprobs": 4})"));
  p = build_sampling_params(r, defaults, 7);
  EXPECT_DOUBLE_EQ(p.temperature, 0.0);
  EXPECT_DOUBLE_EQ(p.top_p, 0.5);
  EXPECT_EQ(p.top_k, -1);
  EXPECT_DOUBLE_EQ(p.min_p, 0.2);
  EXPECT_DOUBLE_EQ(p.repetition_penalty, 1.3);
  EXPECT_DOUBLE_EQ(p.presence_penalty, 0.5);
  EXPECT_DOUBLE_EQ(p.frequency_penalty, 0.25);
  EXPECT_EQ(p.stop, std::vector<std::string>{"x"});
  EXPECT_EQ(p.stop_token_ids, std::vector<int32_t>{3});
  EXPECT_TRUE(p.ignore_eos);
  EXPECT_EQ(p.logprobs, 4);

  // Without do_sample the model decodes greedily unless asked.
  EXPECT_DOUBLE_EQ(build_sampling_params(plain, {}, 1).temperature, 0.0);
}

TEST(EmbeddedSamplingRequest, ChoiceSeeds) {
  SamplingRequest r;
  EXPECT_FALSE(choice_seed(r, 0));
  r.seed = 41;
  EXPECT_EQ(choice_seed(r, 0), 41u);
  EXPECT_EQ(choice_seed(r, 3), 44u);
  r.seed = -1;
  EXPECT_EQ(choice_seed(r, 1), 0u);  // wraps instead of overflowing
}

}  // namespace
}  // namespace slipway::backends
