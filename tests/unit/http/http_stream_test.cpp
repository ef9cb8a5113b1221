// SSE streaming and the hand-off from backend threads, errors mid-stream, and cancellation
// when the client goes away.
#include <gtest/gtest.h>

#include "http_test_support.h"

namespace slipway::http::test {
namespace {

using Clock = std::chrono::steady_clock;

TEST(HttpStream, SseFramingEndsWithDone) {
  TestServer server(TestServer::fast_options());
  server.backend().set_script(FakeBackend::stream(3));
  auto answer = fetch(server.port(), "POST", "/v1/chat/completions", chat_body(true));
  ASSERT_EQ(answer.status, 200);
  EXPECT_EQ(answer.headers["content-type"], "text/event-stream");
  EXPECT_EQ(answer.headers["cache-control"], "no-cache");
  EXPECT_EQ(answer.headers["transfer-encoding"], "chunked");
  EXPECT_EQ(answer.headers.count("content-length"), 0u);
  EXPECT_EQ(answer.headers["x-request-id"].rfind("chatcmpl-", 0), 0u);
  EXPECT_EQ(answer.body,
            "data: {\"i\":0}\n\ndata: {\"i\":1}\n\ndata: {\"i\":2}\n\ndata: [DONE]\n\n");
}

TEST(HttpStream, EventsAreWrittenAsTheyArrive) {
  TestServer server(TestServer::fast_options());
  // The backend emits one chunk, then waits until the test has seen it before finishing.
  auto seen = std::make_shared<std::promise<void>>();
  auto seen_future = seen->get_future().share();
  server.backend().set_script([seen_future](FakeCall& call) {
    call.sink->on_chunk(Json{{"first", true}});
    seen_future.wait_for(5s);
    call.sink->on_chunk(Json{{"second", true}});
    call.sink->on_done({});
  });
  RawClient client(server.port());
  client.send(http_request("POST", "/v1/completions", R"({"model":"m","stream":true})"));
  const std::string head = client.read_until("{\"first\":true}\n\n");
  EXPECT_NE(head.find("data: {\"first\":true}\n\n"), std::string::npos) << head;
  EXPECT_EQ(head.find("second"), std::string::npos);
  seen->set_value();
  const std::string rest = client.read_until("0\r\n\r\n");
  EXPECT_NE(rest.find("data: {\"second\":true}\n\n"), std::string::npos) << rest;
  EXPECT_NE(rest.find("data: [DONE]\n\n"), std::string::npos) << rest;
}

TEST(HttpStream, ErrorBeforeAnyChunkIsAPlainErrorResponse) {
  TestServer server(TestServer::fast_options());
  server.backend().set_script(
      FakeBackend::error_first(backends::ApiError::unavailable("engine overloaded")));
  auto answer = fetch(server.port(), "POST", "/v1/chat/completions", chat_body(true));
  EXPECT_EQ(answer.status, 503);
  EXPECT_EQ(answer.headers["content-type"], "application/json");
  EXPECT_EQ(answer.json()["error"]["message"], "engine overloaded");
}

TEST(HttpStream, ErrorAfterChunksIsAnErrorEventWithoutDone) {
  TestServer server(TestServer::fast_options());
  server.backend().set_script(
      FakeBackend::error_after(2, backends::ApiError::gateway_timeout("too slow")));
  auto answer = fetch(server.port(), "POST", "/v1/chat/completions", chat_body(true));
  ASSERT_EQ(answer.status, 200);
  const std::string error_event =
      "data: " + backends::ApiError::gateway_timeout("too slow").to_json().dump() + "\n\n";
  EXPECT_EQ(answer.body, "data: {\"i\":0}\n\ndata: {\"i\":1}\n\n" + error_event);
  EXPECT_EQ(answer.body.find("[DONE]"), std::string::npos);
}

TEST(HttpStream, StreamedAnswerKeepsTheConnection) {
  TestServer server(TestServer::fast_options());
  server.backend().set_script(FakeBackend::stream(2));
  RawClient client(server.port());
  for (int i = 0; i < 3; ++i) {
    client.send(http_request("POST", "/v1/chat/completions", chat_body(true)));
    auto answer = client.read_answer();
    EXPECT_EQ(answer.status, 200);
    EXPECT_NE(answer.body.find("[DONE]"), std::string::npos);
  }
}

void expect_prompt_cancel(bool stream) {
  TestServer server(TestServer::fast_options());
  server.backend().set_script(FakeBackend::wait_for_cancel());
  RawClient client(server.port());
  client.send(http_request("POST", "/v1/chat/completions", chat_body(stream)));
  ASSERT_TRUE(server.backend().wait_started(1, 2s));
  auto control = server.backend().last_control();
  std::this_thread::sleep_for(50ms);
  EXPECT_FALSE(control->cancelled());  // nothing cancels a request whose client is there
  const auto closed_at = Clock::now();
  client.close();
  ASSERT_TRUE(control->wait_cancelled(2s));
  // The backend produced nothing, so only the disconnect watch can have noticed.
  EXPECT_LT(control->cancelled_at() - closed_at, 150ms);
  // The server is fine afterwards.
  server.backend().set_script(FakeBackend::answer_ok());
  EXPECT_EQ(fetch(server.port(), "POST", "/v1/chat/completions", chat_body()).status, 200);
}

TEST(HttpStream, ClientDisconnectCancelsStreamingRequestPromptly) {
  expect_prompt_cancel(true);
}

TEST(HttpStream, ClientDisconnectCancelsNonStreamingRequestPromptly) {
  expect_prompt_cancel(false);
}

TEST(HttpStream, ManyConcurrentStreamsOnTwoIoThreads) {
  ServerOptions options = TestServer::fast_options();
  options.io_threads = 2;
  TestServer server(options);
  server.backend().set_script(FakeBackend::stream(20));
  std::vector<std::thread> clients;
  std::atomic<int> good{0};
  for (int i = 0; i < 16; ++i) {
    clients.emplace_back([&] {
      auto answer = fetch(server.port(), "POST", "/v1/chat/completions", chat_body(true));
      if (answer.status == 200 && answer.body.find("{\"i\":19}") != std::string::npos &&
          answer.body.size() > 6 && answer.body.ends_with("data: [DONE]\n\n")) {
        ++good;
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(good.load(), 16);
}

TEST(HttpStream, SinkOutlivingItsConnectionIsHarmless) {
  auto release = std::make_shared<std::promise<void>>();
  auto released = release->get_future().share();
  std::shared_ptr<FakeBackend> backend;
  const auto start = Clock::now();
  {
    TestServer server(TestServer::fast_options());
    // The script keeps writing after the client left and after the server is gone.
    server.backend().set_script([released](FakeCall& call) {
      released.wait_for(5s);
      for (int i = 0; i < 5; ++i) call.sink->on_chunk(Json{{"late", i}});
      call.sink->on_done({});
    });
    backend = server.backend_ptr();  // keeps the script thread alive past the server
    RawClient client(server.port());
    client.send(http_request("POST", "/v1/chat/completions", chat_body(true)));
    ASSERT_TRUE(server.backend().wait_started(1, 2s));
    client.close();
    ASSERT_TRUE(server.backend().last_control()->wait_cancelled(2s));
  }
  // The connection did not wait for the unresponsive backend's on_done() for long.
  EXPECT_LT(Clock::now() - start, 3s);
  release->set_value();  // the server and its io_context are destroyed by now
  backend.reset();       // joins the script thread after its late calls
  SUCCEED();
}

}  // namespace
}  // namespace slipway::http::test
