// The server's own request limits: messages (or listed prompts) and max_tokens.
#include "http/request_limits.h"

#include <gtest/gtest.h>

#include "http/server.h"

namespace slipway::http {
namespace {

using backends::Endpoint;
using backends::Json;

ServerOptions limits(std::size_t messages, int64_t max_tokens) {
  ServerOptions options;
  options.max_messages = messages;
  options.max_tokens = max_tokens;
  return options;
}

Json chat_with(int messages) {
  Json list = Json::array();
  for (int i = 0; i < messages; ++i) list.push_back({{"role", "user"}, {"content", "hi"}});
  return {{"model", "m"}, {"messages", list}};
}

TEST(RequestLimits, MessagesBeyondTheLimitAre400NamingIt) {
  EXPECT_FALSE(check_request_limits(chat_with(3), Endpoint::ChatCompletions, limits(3, 0)));
  const auto error = check_request_limits(chat_with(4), Endpoint::ChatCompletions, limits(3, 0));
  ASSERT_TRUE(error);
  EXPECT_EQ(error->status, 400);
  EXPECT_EQ(error->param, "messages");
  EXPECT_EQ(error->code, "limit_exceeded");
  EXPECT_NE(error->message.find("max_messages"), std::string::npos);
  EXPECT_FALSE(check_request_limits(chat_with(4), Endpoint::ChatCompletions, limits(0, 0)));
}

TEST(RequestLimits, ATokenIdPromptIsOnePromptAListOfPromptsCountsEach) {
  const Json ids = {{"model", "m"}, {"prompt", Json::array({1, 2, 3, 4, 5})}};
  EXPECT_FALSE(check_request_limits(ids, Endpoint::Completions, limits(2, 0)));
  const Json prompts = {{"model", "m"}, {"prompt", Json::array({"a", "b", "c"})}};
  const auto error = check_request_limits(prompts, Endpoint::Completions, limits(2, 0));
  ASSERT_TRUE(error);
  EXPECT_EQ(error->param, "prompt");
  const Json id_lists = {
      {"model", "m"},
      {"prompt", Json::array({Json::array({1}), Json::array({2}), Json::array({3})})}};
  EXPECT_TRUE(check_request_limits(id_lists, Endpoint::Completions, limits(2, 0)));
}

TEST(RequestLimits, MaxTokensAndMaxCompletionTokensBeyondTheLimit) {
  Json body = chat_with(1);
  body["max_tokens"] = 64;
  EXPECT_FALSE(check_request_limits(body, Endpoint::ChatCompletions, limits(0, 64)));
  body["max_tokens"] = 65;
  auto error = check_request_limits(body, Endpoint::ChatCompletions, limits(0, 64));
  ASSERT_TRUE(error);
  EXPECT_EQ(error->param, "max_tokens");
  body.erase("max_tokens");
  body["max_completion_tokens"] = 1'000'000'000'000LL;
  error = check_request_limits(body, Endpoint::ChatCompletions, limits(0, 64));
  ASSERT_TRUE(error);
  EXPECT_EQ(error->param, "max_completion_tokens");
  EXPECT_FALSE(check_request_limits(body, Endpoint::ChatCompletions, limits(0, 0)));
  // Wrong types are the backend's to report (422), not a limit.
  body["max_completion_tokens"] = "lots";
  EXPECT_FALSE(check_request_limits(body, Endpoint::ChatCompletions, limits(0, 64)));
}

TEST(RequestLimits, TokenizeIsNotLimited) {
  EXPECT_FALSE(check_request_limits(chat_with(9), Endpoint::Tokenize, limits(1, 1)));
}

}  // namespace
}  // namespace slipway::http
