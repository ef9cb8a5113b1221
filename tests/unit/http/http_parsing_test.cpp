// Pure helpers: routing, body validation, ids, loopback detection, SSE frames.
#include <gtest/gtest.h>

#include <regex>

#include "http/json_request.h"
#include "http/listener.h"
#include "http/request_id.h"
#include "http/responses.h"
#include "http/router.h"

namespace slipway::http {
namespace {

namespace bhttp = boost::beast::http;
using backends::ApiError;

TEST(Router, MatchesRoutesAndTellsUnknownFromWrongMethod) {
  auto chat = match_route(bhttp::verb::post, "/v1/chat/completions");
  ASSERT_TRUE(chat.route);
  EXPECT_EQ(*chat.route, Route::ChatCompletions);
  EXPECT_EQ(route_endpoint(*chat.route), backends::Endpoint::ChatCompletions);

  auto models = match_route(bhttp::verb::get, "/v1/models?x=1");
  ASSERT_TRUE(models.route);
  EXPECT_EQ(*models.route, Route::Models);

  auto wrong = match_route(bhttp::verb::get, "/v1/completions");
  EXPECT_FALSE(wrong.route);
  EXPECT_TRUE(wrong.path_known);
  EXPECT_EQ(wrong.allowed, "POST");

  auto unknown = match_route(bhttp::verb::get, "/v2/nothing");
  EXPECT_FALSE(unknown.route);
  EXPECT_FALSE(unknown.path_known);

  EXPECT_FALSE(route_scope(Route::Health));
  EXPECT_FALSE(route_scope(Route::Metrics));
  EXPECT_EQ(route_scope(Route::Tokenize), auth::Scope::Inference);
  EXPECT_EQ(route_scope(Route::Models), auth::Scope::Inference);
  EXPECT_EQ(route_scope(Route::ChatCompletions), auth::Scope::Inference);
  EXPECT_EQ(route_scope(Route::Feedback), auth::Scope::Feedback);
  EXPECT_EQ(route_scope(Route::Admin), auth::Scope::Admin);
}

const ApiError* error_of(const std::variant<ModelRequestBody, ApiError>& result) {
  return std::get_if<ApiError>(&result);
}

TEST(JsonRequest, AcceptsAValidBody) {
  auto result = parse_model_body(R"({"model":"m","stream":true,"user":"u1","messages":[]})");
  ASSERT_FALSE(error_of(result));
  const auto& body = std::get<ModelRequestBody>(result);
  EXPECT_EQ(body.model, "m");
  EXPECT_TRUE(body.stream);
  EXPECT_EQ(body.user, "u1");
  // Key order is kept (ordered_json), so passthrough to upstreams is faithful.
  EXPECT_EQ(body.body.begin().key(), "model");
}

TEST(JsonRequest, StatusesForEachKindOfBadBody) {
  EXPECT_EQ(error_of(parse_model_body("{nope"))->status, 400);
  EXPECT_EQ(error_of(parse_model_body(""))->status, 400);
  EXPECT_EQ(error_of(parse_model_body("{\"model\":\"m\",\"x\":\"\xff\xfe\"}"))->status, 400);
  // A number beyond double's range is a bad body, not an exception that drops the connection.
  EXPECT_EQ(error_of(parse_model_body(R"({"model":"m","temperature":1e400})"))->status, 400);
  EXPECT_EQ(error_of(parse_model_body("[1,2]"))->status, 422);
  auto missing = parse_model_body(R"({"messages":[]})");
  EXPECT_EQ(error_of(missing)->status, 422);
  EXPECT_EQ(error_of(missing)->param, "model");
  EXPECT_EQ(error_of(parse_model_body(R"({"model":7})"))->param, "model");
  auto stream = parse_model_body(R"({"model":"m","stream":"yes"})");
  EXPECT_EQ(error_of(stream)->status, 422);
  EXPECT_EQ(error_of(stream)->param, "stream");
  EXPECT_FALSE(error_of(parse_model_body(R"({"model":"m","stream":null})")));
}

TEST(JsonRequest, ParserMessageReachesTheClient) {
  const auto result = parse_model_body("{\"model\":\"m\",\"x\":\"\xc3\x28\"}");
  const auto* error = error_of(result);
  ASSERT_TRUE(error);
  EXPECT_NE(error->message.find("UTF-8"), std::string::npos) << error->message;
}

TEST(RequestId, PrefixAndTwentyFourHexDigits) {
  EXPECT_TRUE(std::regex_match(make_request_id(backends::Endpoint::ChatCompletions),
                               std::regex("chatcmpl-[0-9a-f]{24}")));
  EXPECT_TRUE(std::regex_match(make_request_id(backends::Endpoint::Completions),
                               std::regex("cmpl-[0-9a-f]{24}")));
  EXPECT_TRUE(std::regex_match(make_request_id(backends::Endpoint::Tokenize),
                               std::regex("tok-[0-9a-f]{24}")));
  EXPECT_NE(make_request_id(backends::Endpoint::Completions),
            make_request_id(backends::Endpoint::Completions));
}

TEST(Loopback, RecognisesLoopbackHosts) {
  EXPECT_TRUE(is_loopback_host("127.0.0.1"));
  EXPECT_TRUE(is_loopback_host("127.8.9.10"));
  EXPECT_TRUE(is_loopback_host("::1"));
  EXPECT_TRUE(is_loopback_host("[::1]"));
  EXPECT_TRUE(is_loopback_host("LocalHost"));
  EXPECT_TRUE(is_loopback_host("::ffff:127.0.0.1"));
  EXPECT_FALSE(is_loopback_host("0.0.0.0"));
  EXPECT_FALSE(is_loopback_host("::"));
  EXPECT_FALSE(is_loopback_host("10.0.0.1"));
  EXPECT_FALSE(is_loopback_host("example.com"));
  EXPECT_FALSE(is_loopback_host(""));
}

TEST(Sse, Frames) {
  EXPECT_EQ(sse_event(backends::Json{{"a", 1}}), "data: {\"a\":1}\n\n");
  EXPECT_EQ(sse_done(), "data: [DONE]\n\n");
}

}  // namespace
}  // namespace slipway::http
