// The field policy (unsupported fields are rejected, never ignored) and the chat and
// completions request shapes.
#include <gtest/gtest.h>

#include "backends/embedded/chat_request.h"
#include "backends/embedded/completion_request.h"
#include "backends/embedded/json_fields.h"
#include "backends/embedded/unsupported_fields.h"
#include "embedded_test_util.h"

namespace slipway::backends {
namespace {

using test::error_of;

const ModelLimits kLimits{/*context=*/100, /*vocab_size=*/50, /*max_n=*/4, /*max_logprobs=*/5};

Json chat_body(Json extra = Json::object()) {
  Json body = {{"model", "m"},
               {"messages", Json::array({Json{{"role", "user"}, {"content", "hi"}}})}};
  for (auto& [k, v] : extra.items()) body[k] = v;
  return body;
}

ApiError chat_error(const Json& body) {
  return error_of([&] { parse_chat_request(body, kLimits); });
}

ApiError completion_error(const Json& body) {
  return error_of([&] { parse_completion_request(body, kLimits); });
}

TEST(EmbeddedFieldPolicy, RejectsWhatTheEngineCannotHonour) {
  const std::vector<std::pair<Json, std::string>> cases = {
      {Json{{"tools", Json::array({Json{{"type", "function"}}})}}, "tools"},
      {Json{{"functions", Json::array({Json::object()})}}, "functions"},
      {Json{{"tool_choice", "required"}}, "tool_choice"},
      {Json{{"tool_choice", Json{{"type", "function"}}}}, "tool_choice"},
      {Json{{"response_format", Json{{"type", "json_object"}}}}, "response_format"},
      {Json{{"logit_bias", Json{{"5", 10}}}}, "logit_bias"},
      {Json{{"guided_json", Json::object()}}, "guided_json"},
      {Json{{"guided_regex", "a+"}}, "guided_regex"},
      {Json{{"best_of", 3}}, "best_of"},
      {Json{{"store", true}}, "store"},
      {Json{{"modalities", Json::array({"text", "audio"})}}, "modalities"},
      {Json{{"audio", Json::object()}}, "audio"},
      {Json{{"reasoning_effort", "low"}}, "reasoning_effort"},
      {Json{{"min_tokens", 3}}, "min_tokens"},
      {Json{{"use_beam_search", true}}, "use_beam_search"},
      {Json{{"prompt_logprobs", 1}}, "prompt_logprobs"},
      {Json{{"frobnicate", 1}}, "frobnicate"},
  };
  for (const auto& [extra, param] : cases) {
    const ApiError e = chat_error(chat_body(extra));
    EXPECT_EQ(e.status, 400) << extra.dump();
    EXPECT_EQ(e.param, param) << extra.dump();
    EXPECT_NE(e.message.find(param), std::string::npos) << e.message;
  }
  EXPECT_NE(chat_error(chat_body(Json{{"tools", Json::array({Json::object()})}}))
                .message.find("not supported by the embedded engine"),
            std::string::npos);
  EXPECT_EQ(chat_error(chat_body(Json{{"frobnicate", 1}})).message,
            "Unrecognized request argument supplied: frobnicate");
}

TEST(EmbeddedFieldPolicy, AcceptsNoOpValues) {
  const std::vector<Json> accepted = {
      Json{{"tools", Json::array()}},
      Json{{"tool_choice", "none"}},
      Json{{"tool_choice", "auto"}},
      Json{{"parallel_tool_calls", true}},
      Json{{"response_format", Json{{"type", "text"}}}},
      Json{{"logit_bias", Json::object()}},
      Json{{"metadata", Json{{"k", "v"}}}},
      Json{{"store", false}},
      Json{{"service_tier", "auto"}},
      Json{{"best_of", 2}, {"n", 2}},
      Json{{"modalities", Json::array({"text"})}},
      Json{{"guided_json", nullptr}},
      Json{{"seed", 3}, {"user", "x"}},
  };
  for (const auto& extra : accepted) {
    EXPECT_NO_THROW(parse_chat_request(chat_body(extra), kLimits)) << extra.dump();
  }
}

TEST(EmbeddedFieldPolicy, ToolChoiceAutoWithToolsIsRejected) {
  const Json extra = {{"tool_choice", "auto"}, {"tools", Json::array({Json::object()})}};
  EXPECT_EQ(chat_error(chat_body(extra)).status, 400);
}

TEST(EmbeddedFieldPolicy, CompletionsOnlyFields) {
  Json base = {{"model", "m"}, {"prompt", "hi"}};
  auto with = [&](const std::string& k, Json v) {
    Json b = base;
    b[k] = std::move(v);
    return b;
  };
  EXPECT_EQ(completion_error(with("echo", true)).param, "echo");
  EXPECT_EQ(completion_error(with("suffix", "tail")).param, "suffix");
  EXPECT_EQ(completion_error(with("echo", "yes")).status, 422);
  EXPECT_NO_THROW(parse_completion_request(with("echo", false), kLimits));
  EXPECT_NO_THROW(parse_completion_request(with("suffix", ""), kLimits));
  // Chat-only fields are unknown to completions.
  EXPECT_EQ(completion_error(with("messages", Json::array())).param, "messages");
  EXPECT_EQ(completion_error(with("top_logprobs", 2)).param, "top_logprobs");
}

TEST(EmbeddedChatRequest, NormalizesMessages) {
  const Json body = Json::parse(R"({"model": "m", "messages": [
      {"role": "system", "content": "be brief"},
      {"role": "user", "content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}],
       "name": "ann"},
      {"role": "assistant", "content": null},
      {"role": "user", "content": "next"}],
      "chat_template_kwargs": {"enable_thinking": false}})");
  const ChatRequest r = parse_chat_request(body, kLimits);
  ASSERT_EQ(r.prompt.messages.size(), 4u);
  EXPECT_EQ(r.prompt.messages[1]["content"], "a\nb");
  EXPECT_EQ(r.prompt.messages[1]["name"], "ann");
  EXPECT_TRUE(r.prompt.messages[2]["content"].is_null());
  EXPECT_TRUE(r.prompt.add_generation_prompt);
  EXPECT_FALSE(r.prompt.continue_final_message);
  EXPECT_EQ(r.prompt.template_kwargs, (Json{{"enable_thinking", false}}));
}

TEST(EmbeddedChatRequest, UnknownRoleIsRejected) {
  const Json body =
      Json::parse(R"({"model": "m", "messages": [{"role": "robot", "content": "x"}]})");
  const ApiError error = chat_error(body);
  EXPECT_EQ(error.status, 400);
  EXPECT_EQ(error.param, "messages");
  EXPECT_NE(error.message.find("robot"), std::string::npos) << error.message;
}

TEST(EmbeddedChatRequest, ContinueFinalMessage) {
  const Json messages = Json::array(
      {Json{{"role", "user"}, {"content", "hi"}}, Json{{"role", "assistant"}, {"content", "Hel"}}});
  const auto r = parse_chat_prompt(Json{{"messages", messages}, {"continue_final_message", true}});
  EXPECT_TRUE(r.continue_final_message);
  EXPECT_FALSE(r.add_generation_prompt);
  const ApiError both = error_of([&] {
    parse_chat_prompt(Json{
        {"messages", messages}, {"continue_final_message", true}, {"add_generation_prompt", true}});
  });
  EXPECT_EQ(both.status, 400);
}

TEST(EmbeddedChatRequest, BadMessages) {
  auto with_messages = [](Json messages) { return Json{{"model", "m"}, {"messages", messages}}; };
  EXPECT_EQ(chat_error(Json{{"model", "m"}}).status, 400);
  EXPECT_EQ(chat_error(with_messages(Json::array())).status, 400);
  EXPECT_EQ(chat_error(with_messages("hi")).status, 422);
  EXPECT_EQ(chat_error(with_messages(Json::array({"hi"}))).status, 422);
  EXPECT_EQ(chat_error(with_messages(Json::array({Json{{"content", "x"}}}))).status, 400);
  EXPECT_EQ(chat_error(with_messages(Json::array({Json{{"role", 1}, {"content", "x"}}}))).status,
            422);
  EXPECT_EQ(chat_error(with_messages(Json::array({Json{{"role", "user"}, {"content", 5}}}))).status,
            422);
  EXPECT_EQ(chat_error(with_messages(Json::array({Json{{"role", "user"}}}))).status, 400);
  const ApiError image = chat_error(with_messages(Json::parse(
      R"([{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "x"}}]}])")));
  EXPECT_EQ(image.status, 400);
  EXPECT_EQ(image.param, "messages");
  EXPECT_NE(image.message.find("not supported by the embedded engine"), std::string::npos);
  EXPECT_EQ(chat_error(chat_body(Json{{"chat_template_kwargs", "x"}})).status, 422);
  EXPECT_EQ(chat_error(chat_body(Json{{"add_generation_prompt", "x"}})).status, 422);
}

TEST(EmbeddedCompletionRequest, PromptForms) {
  auto prompts = [](Json prompt) { return parse_prompts(Json{{"prompt", prompt}}, 50); };
  auto one = prompts("hello");
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(std::get<std::string>(one[0]), "hello");
  auto texts = prompts(Json::array({"a", "b"}));
  ASSERT_EQ(texts.size(), 2u);
  EXPECT_EQ(std::get<std::string>(texts[1]), "b");
  auto ids = prompts(Json::array({1, 2, 49}));
  ASSERT_EQ(ids.size(), 1u);
  EXPECT_EQ(std::get<std::vector<int32_t>>(ids[0]), (std::vector<int32_t>{1, 2, 49}));
  auto nested = prompts(Json::parse("[[1, 2], [3]]"));
  ASSERT_EQ(nested.size(), 2u);
  EXPECT_EQ(std::get<std::vector<int32_t>>(nested[1]), std::vector<int32_t>{3});
}

TEST(EmbeddedCompletionRequest, BadPrompts) {
  auto err = [](Json prompt) {
    return error_of([&] { parse_prompts(Json{{"prompt", prompt}}, 50); });
  };
  EXPECT_EQ(err("").status, 400);
  EXPECT_EQ(err(Json::array()).status, 400);
  EXPECT_EQ(err(Json::array({""})).status, 400);
  EXPECT_EQ(err(Json::parse("[[]]")).status, 400);
  const ApiError outside = err(Json::array({1, 50}));
  EXPECT_EQ(outside.status, 400);
  EXPECT_EQ(outside.param, "prompt");
  EXPECT_EQ(err(Json::array({-1})).status, 400);
  EXPECT_EQ(err(5).status, 422);
  EXPECT_EQ(err(Json::array({"a", 1})).status, 422);
  EXPECT_EQ(err(Json::parse("[1, [2]]")).status, 422);
  EXPECT_EQ(err(Json::array({1.5})).status, 422);
  EXPECT_EQ(error_of([] { parse_prompts(Json::object(), 50); }).status, 400);
}

TEST(EmbeddedCompletionRequest, ChoicesPerRequestAreBounded) {
  const Json prompts = Json(std::vector<std::string>(kMaxChoicesPerRequest / 2, "p"));
  EXPECT_NO_THROW(parse_completion_request(Json{{"prompt", prompts}, {"n", 2}}, kLimits));
  const ApiError e = completion_error(Json{{"prompt", prompts}, {"n", 3}});
  EXPECT_EQ(e.status, 400);
  EXPECT_EQ(e.param, "prompt");
}

TEST(EmbeddedCompletionRequest, WholeRequest) {
  const auto r = parse_completion_request(
      Json::parse(R"({"model": "m", "prompt": ["a", "b"], "n": 2, "logprobs": 2,
                      "add_special_tokens": false})"),
      kLimits);
  EXPECT_EQ(r.prompts.size(), 2u);
  EXPECT_EQ(r.sampling.n, 2);
  EXPECT_EQ(r.sampling.logprobs, 2);
  EXPECT_FALSE(r.add_special_tokens);
  EXPECT_EQ(completion_error(Json{{"prompt", "a"}, {"n", "2"}}).status, 422);
  EXPECT_EQ(error_of([] {
              parse_completion_request(Json{{"prompt", "a"}}, kLimits);
              reject_unsupported_fields(Json::array(), Endpoint::Completions);
            }).status,
            422);
}

}  // namespace
}  // namespace slipway::backends
