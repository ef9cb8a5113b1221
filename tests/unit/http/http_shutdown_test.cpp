// Graceful shutdown: in-flight streams finish, new model requests get 503, /health says
// draining, stragglers are cancelled at drain_timeout, and run() returns 0.
#include <gtest/gtest.h>

#include <csignal>

#include "http_test_support.h"

namespace slipway::http::test {
namespace {

using Clock = std::chrono::steady_clock;

TEST(HttpShutdown, DrainsInFlightStreamThenRunReturnsZero) {
  TestServer server(TestServer::fast_options());
  auto finish = std::make_shared<std::promise<void>>();
  auto finished = finish->get_future().share();
  server.backend().set_script([finished](FakeCall& call) {
    call.sink->on_chunk(Json{{"i", 0}});
    finished.wait_for(5s);
    call.sink->on_chunk(Json{{"i", 1}});
    call.sink->on_done({});
  });

  RawClient streaming(server.port());
  RawClient other(server.port());  // an open keep-alive connection
  other.send(http_request("GET", "/health"));
  ASSERT_EQ(other.read_answer().status, 200);
  streaming.send(http_request("POST", "/v1/chat/completions", chat_body(true)));
  EXPECT_NE(streaming.read_until("{\"i\":0}").find("{\"i\":0}"), std::string::npos);

  server.server().shutdown();
  std::this_thread::sleep_for(100ms);
  // The idle keep-alive connection was closed; a fresh connection is refused.
  EXPECT_TRUE(other.closed_by_peer());
  EXPECT_THROW(RawClient late(server.port()), std::exception);
  EXPECT_FALSE(server.wait_exit(100ms));  // still draining the stream

  finish->set_value();
  const std::string rest = streaming.read_until("0\r\n\r\n");
  EXPECT_NE(rest.find("{\"i\":1}"), std::string::npos) << rest;
  EXPECT_NE(rest.find("data: [DONE]"), std::string::npos) << rest;
  auto code = server.wait_exit(3s);
  ASSERT_TRUE(code);
  EXPECT_EQ(*code, 0);
  EXPECT_FALSE(server.backend().last_control()->cancelled());
}

TEST(HttpShutdown, RequestsDuringDrainGet503AndHealthSaysDraining) {
  TestServer server(TestServer::fast_options());
  server.backend().set_script(FakeBackend::wait_for_cancel());
  RawClient busy(server.port());
  busy.send(http_request("POST", "/v1/chat/completions", chat_body(true)));
  ASSERT_TRUE(server.backend().wait_started(1, 2s));

  // A client whose request is half-sent when the drain starts still gets an answer.
  RawClient health(server.port());
  RawClient model(server.port());
  health.send("GET /health HTTP/1.1\r\n");
  model.send("POST /v1/chat/completions HTTP/1.1\r\n");
  std::this_thread::sleep_for(50ms);
  server.server().shutdown();
  std::this_thread::sleep_for(50ms);

  health.send("Host: t\r\n\r\n");
  auto draining = health.read_answer();
  EXPECT_EQ(draining.status, 503);
  EXPECT_EQ(draining.json()["status"], "draining");

  const std::string body = chat_body();
  model.send("Host: t\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
  auto refused = model.read_answer();
  EXPECT_EQ(refused.status, 503);
  EXPECT_FALSE(refused.keep_alive);
  EXPECT_EQ(server.backend().requests().size(), 1u);

  busy.close();  // the busy request is cancelled by its disconnect and the drain completes
  auto code = server.wait_exit(3s);
  ASSERT_TRUE(code);
  EXPECT_EQ(*code, 0);
}

TEST(HttpShutdown, DrainTimeoutCancelsWhatIsLeft) {
  ServerOptions options = TestServer::fast_options();
  options.drain_timeout = 300ms;
  TestServer server(options);
  server.backend().set_script([](FakeCall& call) {
    call.sink->on_chunk(Json{{"i", 0}});
    call.control->wait_cancelled(10s);
    call.sink->on_error(backends::ApiError::unavailable("cancelled by shutdown"));
    call.sink->on_done({});
  });
  RawClient client(server.port());
  client.send(http_request("POST", "/v1/chat/completions", chat_body(true)));
  ASSERT_NE(client.read_until("{\"i\":0}").find("{\"i\":0}"), std::string::npos);
  const auto start = Clock::now();
  server.server().shutdown();
  auto code = server.wait_exit(3s);
  ASSERT_TRUE(code);
  EXPECT_EQ(*code, 0);
  const auto control = server.backend().last_control();
  ASSERT_TRUE(control->cancelled());
  EXPECT_GE(control->cancelled_at() - start, 250ms);
  // The client saw the end of its stream: the error event and the last chunk.
  const std::string rest = client.read_until("0\r\n\r\n");
  EXPECT_NE(rest.find("cancelled by shutdown"), std::string::npos) << rest;
}

TEST(HttpShutdown, SigtermStartsTheDrain) {
  TestServer server(TestServer::fast_options());
  // A served request proves run() is running, so its signal handler is installed.
  ASSERT_EQ(fetch(server.port(), "GET", "/health").status, 200);
  std::raise(SIGTERM);
  auto code = server.wait_exit(3s);
  ASSERT_TRUE(code);
  EXPECT_EQ(*code, 0);
}

}  // namespace
}  // namespace slipway::http::test
