// Size limits and slow clients: each is answered (or closed) in bounded time while other
// clients are served normally.
#include <gtest/gtest.h>

#include "http_test_support.h"

namespace slipway::http::test {
namespace {

using Clock = std::chrono::steady_clock;

TEST(HttpLimits, BodyTooLargeIs413ThenClose) {
  ServerOptions options = TestServer::fast_options();
  options.max_body_bytes = 1024;
  TestServer server(options);
  RawClient client(server.port());
  const std::string big = R"({"model":"m","x":")" + std::string(4096, 'a') + "\"}";
  client.send(http_request("POST", "/v1/chat/completions", big));
  auto answer = client.read_answer();
  EXPECT_EQ(answer.status, 413);
  EXPECT_EQ(answer.json()["error"]["code"], "request_too_large");
  EXPECT_FALSE(answer.keep_alive);
  EXPECT_TRUE(client.closed_by_peer());
  EXPECT_TRUE(server.backend().requests().empty());
}

TEST(HttpLimits, ChunkedBodyTooLargeIs413) {
  ServerOptions options = TestServer::fast_options();
  options.max_body_bytes = 1024;
  TestServer server(options);
  RawClient client(server.port());
  std::string request =
      "POST /v1/completions HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 4; ++i) request += "200\r\n" + std::string(512, 'x') + "\r\n";
  client.send(request + "0\r\n\r\n");
  EXPECT_EQ(client.read_answer().status, 413);
}

TEST(HttpLimits, HeaderTooLargeIs431) {
  ServerOptions options = TestServer::fast_options();
  options.max_header_bytes = 1024;
  TestServer server(options);
  auto answer = fetch(server.port(), "GET", "/health", {}, {"X-Big: " + std::string(4096, 'h')});
  EXPECT_EQ(answer.status, 431);
  // A header under the limit is fine.
  EXPECT_EQ(fetch(server.port(), "GET", "/health", {}, {"X-Small: abc"}).status, 200);
}

TEST(HttpLimits, SlowHeaderGets408WhileOthersAreServed) {
  ServerOptions options = TestServer::fast_options();
  options.header_timeout = 300ms;
  TestServer server(options);
  const auto start = Clock::now();
  RawClient slow(server.port());
  slow.send("GET /health HTTP/1.1\r\nHost: t\r\n");  // never finishes its header

  // Meanwhile another client is served at once.
  const auto other_start = Clock::now();
  EXPECT_EQ(fetch(server.port(), "GET", "/v1/models").status, 200);
  EXPECT_LT(Clock::now() - other_start, 250ms);

  auto answer = slow.read_answer();
  EXPECT_EQ(answer.status, 408);
  const auto elapsed = Clock::now() - start;
  EXPECT_GE(elapsed, 250ms);
  EXPECT_LT(elapsed, 2s);
  EXPECT_TRUE(slow.closed_by_peer());
}

TEST(HttpLimits, SlowBodyGets408) {
  ServerOptions options = TestServer::fast_options();
  options.body_timeout = 300ms;
  TestServer server(options);
  RawClient slow(server.port());
  slow.send("POST /v1/completions HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n{\"model\":");
  const auto start = Clock::now();
  auto answer = slow.read_answer();
  EXPECT_EQ(answer.status, 408);
  EXPECT_LT(Clock::now() - start, 2s);
}

TEST(HttpLimits, IdleKeepAliveConnectionIsClosed) {
  ServerOptions options = TestServer::fast_options();
  options.idle_timeout = 300ms;
  TestServer server(options);
  RawClient client(server.port());
  client.send(http_request("GET", "/health"));
  EXPECT_EQ(client.read_answer().status, 200);
  const auto start = Clock::now();
  EXPECT_TRUE(client.closed_by_peer());
  const auto elapsed = Clock::now() - start;
  EXPECT_GE(elapsed, 200ms);
  EXPECT_LT(elapsed, 2s);
}

TEST(HttpLimits, ExpectContinueIsHonoured) {
  TestServer server(TestServer::fast_options());
  RawClient client(server.port());
  const std::string body = chat_body();
  client.send(
      "POST /v1/chat/completions HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\n"
      "Content-Length: " +
      std::to_string(body.size()) + "\r\n\r\n");
  const std::string interim = client.read_until("\r\n\r\n");
  EXPECT_EQ(interim.rfind("HTTP/1.1 100 Continue\r\n\r\n", 0), 0u) << interim;
  client.send(body);
  EXPECT_EQ(client.read_answer().status, 200);
}

TEST(HttpLimits, MalformedRequestLineIs400) {
  TestServer server(TestServer::fast_options());
  RawClient client(server.port());
  client.send("GARBAGE\r\n\r\n");
  EXPECT_EQ(client.read_answer().status, 400);
}

}  // namespace
}  // namespace slipway::http::test
