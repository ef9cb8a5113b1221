// Routing, auth, request validation and plain JSON answers over real sockets.
#include <gtest/gtest.h>

#include <regex>

#include "http_test_support.h"

namespace slipway::http::test {
namespace {

ServerOptions with_key(std::string key) {
  ServerOptions options = TestServer::fast_options();
  options.api_key = std::move(key);
  return options;
}

TEST(HttpRoutes, AuthRequiredForApiButNotForHealthOrMetrics) {
  TestServer server(with_key("secret"));
  auto missing = fetch(server.port(), "POST", "/v1/chat/completions", chat_body());
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(missing.json()["error"]["code"], "invalid_api_key");
  EXPECT_NE(missing.json()["error"]["message"].get<std::string>().find("Missing"),
            std::string::npos);

  auto wrong = fetch(server.port(), "POST", "/v1/chat/completions", chat_body(),
                     {"Authorization: Bearer nope"});
  EXPECT_EQ(wrong.status, 401);
  EXPECT_NE(wrong.json()["error"]["message"].get<std::string>().find("Incorrect"),
            std::string::npos);

  auto basic = fetch(server.port(), "GET", "/v1/models", {}, {"Authorization: Basic abc"});
  EXPECT_EQ(basic.status, 401);
  EXPECT_EQ(fetch(server.port(), "POST", "/tokenize", R"({"model":"m"})").status, 401);

  EXPECT_EQ(fetch(server.port(), "GET", "/health").status, 200);
  EXPECT_EQ(fetch(server.port(), "GET", "/metrics").status, 200);

  auto ok = fetch(server.port(), "POST", "/v1/chat/completions", chat_body(),
                  {"Authorization: bearer secret"});
  EXPECT_EQ(ok.status, 200);
  EXPECT_TRUE(server.backend().requests().size() == 1);
}

TEST(HttpRoutes, NoKeyMeansLoopbackOnly) {
  ServerOptions options = TestServer::fast_options();
  options.host = "0.0.0.0";
  TestServer server(options);
  EXPECT_EQ(server.server().host(), "127.0.0.1");
  EXPECT_EQ(fetch(server.port(), "GET", "/health").status, 200);
}

TEST(HttpRoutes, KeyAllowsAnyHost) {
  ServerOptions options = with_key("k");
  options.host = "0.0.0.0";
  TestServer server(options);
  EXPECT_EQ(server.server().host(), "0.0.0.0");
}

TEST(HttpRoutes, UnknownPathAndWrongMethod) {
  TestServer server(TestServer::fast_options());
  auto unknown = fetch(server.port(), "GET", "/v1/nothing");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_TRUE(unknown.json()["error"].contains("message"));
  EXPECT_TRUE(unknown.json()["error"].contains("type"));
  EXPECT_TRUE(unknown.json()["error"].contains("param"));
  EXPECT_TRUE(unknown.json()["error"].contains("code"));
  auto wrong = fetch(server.port(), "GET", "/v1/chat/completions");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.headers["allow"], "POST");
}

TEST(HttpRoutes, UnknownModelIs404ModelNotFound) {
  TestServer server(TestServer::fast_options());
  auto answer = fetch(server.port(), "POST", "/v1/chat/completions", chat_body(false, "nope"));
  EXPECT_EQ(answer.status, 404);
  EXPECT_EQ(answer.json()["error"]["code"], "model_not_found");
  EXPECT_EQ(answer.json()["error"]["message"], "The model `nope` does not exist.");
  EXPECT_TRUE(server.backend().requests().empty());
}

TEST(HttpRoutes, BadBodies) {
  TestServer server(TestServer::fast_options());
  const uint16_t port = server.port();
  auto malformed = fetch(port, "POST", "/v1/chat/completions", "{\"model\": ");
  EXPECT_EQ(malformed.status, 400);
  EXPECT_NE(malformed.json()["error"]["message"].get<std::string>().find("parse error"),
            std::string::npos);
  auto utf8 = fetch(port, "POST", "/v1/chat/completions", "{\"model\":\"m\",\"x\":\"\xff\"}");
  EXPECT_EQ(utf8.status, 400);
  EXPECT_EQ(fetch(port, "POST", "/v1/completions", "[]").status, 422);
  auto no_model = fetch(port, "POST", "/v1/completions", R"({"prompt":"x"})");
  EXPECT_EQ(no_model.status, 422);
  EXPECT_EQ(no_model.json()["error"]["param"], "model");
  EXPECT_EQ(fetch(port, "POST", "/v1/completions", R"({"model":1})").status, 422);
  auto stream = fetch(port, "POST", "/v1/completions", R"({"model":"m","stream":1})");
  EXPECT_EQ(stream.status, 422);
  EXPECT_EQ(stream.json()["error"]["param"], "stream");
  EXPECT_TRUE(server.backend().requests().empty());
}

TEST(HttpRoutes, NonStreamingAnswerAndApiRequestFields) {
  TestServer server(TestServer::fast_options());
  auto answer =
      fetch(server.port(), "POST", "/v1/chat/completions", chat_body(), {"X-User-Id: header-user"});
  ASSERT_EQ(answer.status, 200);
  EXPECT_EQ(answer.headers["content-type"], "application/json");
  EXPECT_EQ(answer.headers["content-length"], std::to_string(answer.body.size()));
  EXPECT_EQ(answer.json()["ok"], true);
  EXPECT_TRUE(
      std::regex_match(answer.headers["x-request-id"], std::regex("chatcmpl-[0-9a-f]{24}")));

  auto requests = server.backend().requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].endpoint, backends::Endpoint::ChatCompletions);
  EXPECT_EQ(requests[0].request_id, answer.headers["x-request-id"]);
  EXPECT_EQ(requests[0].user, "header-user");
  EXPECT_EQ(requests[0].body["model"], "m");
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  EXPECT_NEAR(static_cast<double>(requests[0].created), static_cast<double>(now), 5);
  EXPECT_GT(requests[0].deadline, std::chrono::steady_clock::now() + std::chrono::seconds(60));

  // Body "user" wins over the header; other endpoints get their own id prefixes.
  auto tok = fetch(server.port(), "POST", "/tokenize", R"({"model":"m","user":"body-user"})",
                   {"X-User-Id: header-user"});
  EXPECT_EQ(tok.status, 200);
  requests = server.backend().requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[1].endpoint, backends::Endpoint::Tokenize);
  EXPECT_EQ(requests[1].user, "body-user");
  EXPECT_EQ(requests[1].request_id.rfind("tok-", 0), 0u);
  fetch(server.port(), "POST", "/v1/completions", R"({"model":"m"})");
  fetch(server.port(), "POST", "/detokenize", R"({"model":"m"})");
  requests = server.backend().requests();
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_EQ(requests[2].request_id.rfind("cmpl-", 0), 0u);
  EXPECT_EQ(requests[3].endpoint, backends::Endpoint::Detokenize);
}

TEST(HttpRoutes, ErrorBeforeAnswerKeepsItsStatus) {
  TestServer server(TestServer::fast_options());
  server.backend().set_script(
      FakeBackend::error_first(backends::ApiError::too_many_requests("queue full")));
  auto answer = fetch(server.port(), "POST", "/v1/chat/completions", chat_body());
  EXPECT_EQ(answer.status, 429);
  EXPECT_EQ(answer.json()["error"]["message"], "queue full");
}

TEST(HttpRoutes, ModelsList) {
  TestServer server(TestServer::fast_options());
  server.backends().add(std::make_shared<FakeBackend>("other"));
  auto answer = fetch(server.port(), "GET", "/v1/models");
  ASSERT_EQ(answer.status, 200);
  auto json = answer.json();
  EXPECT_EQ(json["object"], "list");
  ASSERT_EQ(json["data"].size(), 2u);
  EXPECT_EQ(json["data"][0]["id"], "m");
  EXPECT_EQ(json["data"][1]["id"], "other");
}

TEST(HttpRoutes, KeepAlivePipeliningAndConnectionClose) {
  TestServer server(TestServer::fast_options());
  RawClient client(server.port());
  // Two requests in one write: answered in order on the same connection.
  client.send(http_request("GET", "/v1/models") +
              http_request("POST", "/v1/chat/completions", chat_body()));
  auto first = client.read_answer();
  auto second = client.read_answer();
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(second.status, 200);
  EXPECT_EQ(second.json()["ok"], true);
  client.send(http_request("GET", "/health", {}, {"Connection: close"}));
  auto third = client.read_answer();
  EXPECT_EQ(third.status, 200);
  EXPECT_FALSE(third.keep_alive);
  EXPECT_TRUE(client.closed_by_peer());
}

TEST(HttpRoutes, NotReadyAnswers503) {
  TestServer server(TestServer::fast_options(), /*ready=*/false);
  auto answer = fetch(server.port(), "POST", "/v1/chat/completions", chat_body());
  EXPECT_EQ(answer.status, 503);
  EXPECT_TRUE(server.backend().requests().empty());
  server.server().set_ready(true);
  EXPECT_EQ(fetch(server.port(), "POST", "/v1/chat/completions", chat_body()).status, 200);
}

}  // namespace
}  // namespace slipway::http::test
