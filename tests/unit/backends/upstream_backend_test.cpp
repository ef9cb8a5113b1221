#include "backends/upstream/upstream_backend.h"

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <future>
#include <thread>

#include "upstream_test_server.h"

namespace slipway::backends {
namespace {

using namespace std::chrono_literals;
using testing::SeenRequest;
using testing::TestServer;
using tcp = testing::tcp;

// Records every call in order, and checks the call-order contract.
class RecordingSink : public ResponseSink {
 public:
  void on_chunk(Json chunk) override {
    std::function<void(const Json&)> hook;
    {
      std::lock_guard lock(mutex_);
      check_open();
      calls.push_back("chunk");
      chunks.push_back(chunk);
      hook = chunk_hook;
    }
    if (hook) hook(chunk);
  }
  void on_response(Json body) override {
    std::lock_guard lock(mutex_);
    check_open();
    calls.push_back("response");
    response = std::move(body);
  }
  void on_error(ApiError e) override {
    std::lock_guard lock(mutex_);
    check_open();
    calls.push_back("error");
    error = std::move(e);
  }
  void on_done(const CompletionStats& s) override {
    std::lock_guard lock(mutex_);
    check_open();
    calls.push_back("done");
    stats = s;
    done_ = true;
    done_promise_.set_value();
  }
  bool wait(std::chrono::milliseconds timeout = 10s) {
    return done_future_.wait_for(timeout) == std::future_status::ready;
  }

  std::vector<std::string> calls;
  std::vector<Json> chunks;
  std::optional<Json> response;
  std::optional<ApiError> error;
  CompletionStats stats;
  std::function<void(const Json&)> chunk_hook;

 private:
  void check_open() {
    if (done_) ADD_FAILURE() << "sink called after on_done";
  }
  std::mutex mutex_;
  bool done_ = false;
  std::promise<void> done_promise_;
  std::shared_future<void> done_future_ = done_promise_.get_future().share();
};

// An io_context on two threads, as the server may run it.
class IoThreads {
 public:
  IoThreads() {
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io.run(); });
  }
  ~IoThreads() {
    guard_.reset();
    io.stop();
    for (auto& t : threads_) t.join();
  }
  boost::asio::io_context io;

 private:
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_{
      io.get_executor()};
  std::vector<std::thread> threads_;
};

UpstreamOptions options_for(const std::string& base_url) {
  UpstreamOptions options;
  options.name = "my-model";
  options.upstream_model = "up-model";
  options.base_url = base_url;
  options.api_key = "sekret";
  options.connect_timeout = 2s;
  options.read_timeout = 5s;
  return options;
}

ApiRequest chat_request(bool stream, Json extra = Json::object()) {
  ApiRequest request;
  request.endpoint = Endpoint::ChatCompletions;
  request.body = Json{{"model", "my-model"},
                      {"messages", Json::array({Json{{"role", "user"}, {"content", "hi"}}})},
                      {"temperature", 0.5}};
  if (stream) request.body["stream"] = true;
  for (auto& [key, value] : extra.items()) request.body[key] = value;
  request.request_id = "chatcmpl-1";
  return request;
}

Json chunk(const std::string& content, const char* finish = nullptr) {
  Json choice{{"index", 0}, {"delta", Json{{"content", content}}}};
  choice["finish_reason"] = finish ? Json(finish) : Json();
  return Json{{"id", "x"},
              {"object", "chat.completion.chunk"},
              {"model", "up-model"},
              {"choices", Json::array({choice})}};
}

Json usage_chunk() {
  return Json{
      {"id", "x"},
      {"model", "up-model"},
      {"choices", Json::array()},
      {"usage", Json{{"prompt_tokens", 7}, {"completion_tokens", 3}, {"total_tokens", 10}}}};
}

const Json kCompletion = Json::parse(R"({
  "id": "chatcmpl-up", "object": "chat.completion", "model": "up-model",
  "choices": [{"index": 0, "message": {"role": "assistant", "content": "hello"},
               "finish_reason": "length"}],
  "usage": {"prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7}})");

TEST(UpstreamBackend, NonStreamPassthroughRewritesModelAndId) {
  TestServer server([](tcp::socket& socket, const SeenRequest&) {
    return testing::write_response(socket, 200, kCompletion.dump());
  });
  IoThreads io;
  UpstreamBackend backend(io.io, options_for(server.base_url()));
  auto sink = std::make_shared<RecordingSink>();
  backend.start(chat_request(false), sink);
  ASSERT_TRUE(sink->wait());

  EXPECT_EQ(sink->calls, (std::vector<std::string>{"response", "done"}));
  ASSERT_TRUE(sink->response);
  EXPECT_EQ((*sink->response)["model"], "my-model");
  // Our id, not the upstream's "chatcmpl-up": feedback names the answer by the id we logged.
  EXPECT_EQ((*sink->response)["id"], "chatcmpl-1");
  EXPECT_EQ((*sink->response)["choices"][0]["message"]["content"], "hello");
  EXPECT_EQ(sink->stats.prompt_tokens, 5);
  EXPECT_EQ(sink->stats.completion_tokens, 2);
  EXPECT_EQ(sink->stats.finish_reason, "length");
  EXPECT_EQ(sink->stats.served_by, "my-model");

  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].target, "/v1/chat/completions");
  EXPECT_EQ(requests[0].authorization, "Bearer sekret");
  const auto sent = Json::parse(requests[0].body);
  EXPECT_EQ(sent["model"], "up-model");
  EXPECT_EQ(sent["temperature"], 0.5);
  EXPECT_FALSE(sent.contains("stream_options"));
  // Verbatim: same keys in the client's order.
  std::vector<std::string> keys;
  for (auto& [key, value] : sent.items()) keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{"model", "messages", "temperature"}));
}

TEST(UpstreamBackend, StreamPassesEventsAsTheyArriveAndHidesUsage) {
  std::promise<void> first_seen;
  auto first_seen_future = first_seen.get_future();
  TestServer server([&](tcp::socket& socket, const SeenRequest&) {
    testing::start_sse(socket);
    testing::write_event(socket, chunk("Hel").dump());
    // The rest only once the client has the first event: proof it was not buffered.
    if (first_seen_future.wait_for(5s) != std::future_status::ready) return false;
    testing::write_event(socket, chunk("lo").dump());
    testing::write_event(socket, chunk("", "stop").dump());
    testing::write_event(socket, usage_chunk().dump());
    testing::write_event(socket, "[DONE]");
    return testing::end_chunks(socket);
  });
  IoThreads io;
  UpstreamBackend backend(io.io, options_for(server.base_url()));
  auto sink = std::make_shared<RecordingSink>();
  bool signalled = false;
  sink->chunk_hook = [&](const Json&) {
    if (!signalled) first_seen.set_value();
    signalled = true;
  };
  backend.start(chat_request(true), sink);
  ASSERT_TRUE(sink->wait());

  EXPECT_EQ(sink->calls, (std::vector<std::string>{"chunk", "chunk", "chunk", "done"}));
  ASSERT_EQ(sink->chunks.size(), 3u);
  for (const auto& c : sink->chunks) {
    EXPECT_EQ(c["model"], "my-model");
    EXPECT_EQ(c["id"], "chatcmpl-1");  // the upstream said "x"
    EXPECT_FALSE(c.contains("usage"));
  }
  EXPECT_EQ(sink->chunks[0]["choices"][0]["delta"]["content"], "Hel");
  EXPECT_EQ(sink->chunks[1]["choices"][0]["delta"]["content"], "lo");
  EXPECT_EQ(sink->stats.prompt_tokens, 7);
  EXPECT_EQ(sink->stats.completion_tokens, 3);
  EXPECT_EQ(sink->stats.finish_reason, "stop");
  ASSERT_TRUE(sink->stats.first_token_seconds);
  EXPECT_EQ(sink->stats.inter_token_seconds.size(), 1u);
  EXPECT_GE(sink->stats.total_seconds, *sink->stats.first_token_seconds);

  const auto sent = Json::parse(server.requests().at(0).body);
  EXPECT_EQ(sent["stream"], true);
  EXPECT_EQ(sent["stream_options"]["include_usage"], true);
}

TEST(UpstreamBackend, StreamKeepsUsageTheClientAskedFor) {
  TestServer server([&](tcp::socket& socket, const SeenRequest&) {
    testing::start_sse(socket);
    testing::write_event(socket, chunk("a", "stop").dump());
    testing::write_event(socket, usage_chunk().dump());
    testing::write_event(socket, "[DONE]");
    return testing::end_chunks(socket);
  });
  IoThreads io;
  UpstreamBackend backend(io.io, options_for(server.base_url()));
  auto sink = std::make_shared<RecordingSink>();
  backend.start(chat_request(true, Json{{"stream_options", Json{{"include_usage", true}}}}), sink);
  ASSERT_TRUE(sink->wait());
  ASSERT_EQ(sink->chunks.size(), 2u);
  EXPECT_EQ(sink->chunks[1]["usage"]["completion_tokens"], 3);
  EXPECT_EQ(sink->chunks[1]["model"], "my-model");
  EXPECT_EQ(sink->chunks[1]["id"], "chatcmpl-1");
}

TEST(UpstreamBackend, Upstream400PassesThrough) {
  TestServer server([](tcp::socket& socket, const SeenRequest&) {
    return testing::write_response(
        socket, 400,
        R"({"error":{"message":"max_tokens is too large","type":"BadRequestError","param":"max_tokens","code":400}})");
  });
  IoThreads io;
  UpstreamBackend backend(io.io, options_for(server.base_url()));
  auto sink = std::make_shared<RecordingSink>();
  backend.start(chat_request(true), sink);
  ASSERT_TRUE(sink->wait());
  EXPECT_EQ(sink->calls, (std::vector<std::string>{"error", "done"}));
  ASSERT_TRUE(sink->error);
  EXPECT_EQ(sink->error->status, 400);
  EXPECT_EQ(sink->error->message, "max_tokens is too large");
  EXPECT_EQ(sink->error->param, "max_tokens");
  EXPECT_EQ(sink->error->to_json()["error"]["message"], "max_tokens is too large");
}

TEST(UpstreamBackend, Upstream500IsBadGateway) {
  TestServer server([](tcp::socket& socket, const SeenRequest&) {
    return testing::write_response(socket, 500,
                                   R"({"object":"error","message":"CUDA out of memory"})");
  });
  IoThreads io;
  UpstreamBackend backend(io.io, options_for(server.base_url()));
  auto sink = std::make_shared<RecordingSink>();
  backend.start(chat_request(false), sink);
  ASSERT_TRUE(sink->wait());
  ASSERT_TRUE(sink->error);
  EXPECT_EQ(sink->error->status, 502);
  EXPECT_NE(sink->error->message.find("CUDA out of memory"), std::string::npos);
}

TEST(UpstreamBackend, GarbageAnswerIsBadGateway) {
  TestServer server([](tcp::socket& socket, const SeenRequest&) {
    return testing::write_response(socket, 200, "<html>oops</html>", "text/html");
  });
  IoThreads io;
  UpstreamBackend backend(io.io, options_for(server.base_url()));
  auto sink = std::make_shared<RecordingSink>();
  backend.start(chat_request(false), sink);
  ASSERT_TRUE(sink->wait());
  ASSERT_TRUE(sink->error);
  EXPECT_EQ(sink->error->status, 502);
}

TEST(UpstreamBackend, ConnectionRefusedIsBadGateway) {
  uint16_t port = 0;
  {
    boost::asio::io_context io;
    tcp::acceptor acceptor(io, tcp::endpoint(tcp::v4(), 0));
    port = acceptor.local_endpoint().port();
  }  // closed: nothing listens there now
  IoThreads io;
  UpstreamBackend backend(io.io, options_for("http://127.0.0.1:" + std::to_string(port) + "/v1"));
  auto sink = std::make_shared<RecordingSink>();
  backend.start(chat_request(true), sink);
  ASSERT_TRUE(sink->wait());
  EXPECT_EQ(sink->calls, (std::vector<std::string>{"error", "done"}));
  ASSERT_TRUE(sink->error);
  EXPECT_EQ(sink->error->status, 502);
  EXPECT_NE(sink->error->message.find("my-model"), std::string::npos);
}

TEST(UpstreamBackend, ReadTimeoutIsGatewayTimeout) {
  TestServer server([](tcp::socket& socket, const SeenRequest&) {
    testing::wait_for_close(socket, 3s);  // silent until the client gives up
    return false;
  });
  IoThreads io;
  auto options = options_for(server.base_url());
  options.read_timeout = 200ms;
  UpstreamBackend backend(io.io, options);
  auto sink = std::make_shared<RecordingSink>();
  const auto start = std::chrono::steady_clock::now();
  backend.start(chat_request(true), sink);
  ASSERT_TRUE(sink->wait());
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  ASSERT_TRUE(sink->error);
  EXPECT_EQ(sink->error->status, 504);
}

TEST(UpstreamBackend, DeadlineIsGatewayTimeout) {
  TestServer server([](tcp::socket& socket, const SeenRequest&) {
    testing::start_sse(socket);
    // Keeps talking (so the read timeout never fires) but never finishes.
    for (int i = 0; i < 100; ++i) {
      if (!testing::write_event(socket, chunk("x").dump())) return false;
      std::this_thread::sleep_for(30ms);
    }
    return false;
  });
  IoThreads io;
  UpstreamBackend backend(io.io, options_for(server.base_url()));
  auto sink = std::make_shared<RecordingSink>();
  auto request = chat_request(true);
  request.deadline = std::chrono::steady_clock::now() + 300ms;
  backend.start(request, sink);
  ASSERT_TRUE(sink->wait(2s));
  ASSERT_TRUE(sink->error);
  EXPECT_EQ(sink->error->status, 504);
  EXPECT_FALSE(sink->chunks.empty());
  EXPECT_EQ(sink->stats.finish_reason, "timeout");
}

TEST(UpstreamBackend, KilledMidStreamReportsErrorAfterChunks) {
  TestServer server([](tcp::socket& socket, const SeenRequest&) {
    testing::start_sse(socket);
    testing::write_event(socket, chunk("a").dump());
    testing::write_event(socket, chunk("b").dump());
    return false;  // connection dropped without the final chunk
  });
  IoThreads io;
  UpstreamBackend backend(io.io, options_for(server.base_url()));
  auto sink = std::make_shared<RecordingSink>();
  backend.start(chat_request(true), sink);
  ASSERT_TRUE(sink->wait());
  EXPECT_EQ(sink->calls, (std::vector<std::string>{"chunk", "chunk", "error", "done"}));
  ASSERT_TRUE(sink->error);
  EXPECT_EQ(sink->error->status, 502);
  EXPECT_EQ(sink->stats.finish_reason, "error");
}

TEST(UpstreamBackend, GarbageMidStreamReportsErrorAfterChunks) {
  TestServer server([](tcp::socket& socket, const SeenRequest&) {
    testing::start_sse(socket);
    testing::write_event(socket, chunk("a").dump());
    testing::write_event(socket, "this is not json");
    testing::write_event(socket, chunk("b").dump());
    testing::write_event(socket, "[DONE]");
    return testing::end_chunks(socket);
  });
  IoThreads io;
  UpstreamBackend backend(io.io, options_for(server.base_url()));
  auto sink = std::make_shared<RecordingSink>();
  backend.start(chat_request(true), sink);
  ASSERT_TRUE(sink->wait());
  EXPECT_EQ(sink->calls, (std::vector<std::string>{"chunk", "error", "done"}));
  EXPECT_EQ(sink->error->status, 502);
}

TEST(UpstreamBackend, CancelClosesTheUpstreamConnectionPromptly) {
  std::promise<std::chrono::steady_clock::time_point> closed_at;
  auto closed_future = closed_at.get_future();
  TestServer server([&](tcp::socket& socket, const SeenRequest&) {
    testing::start_sse(socket);
    testing::write_event(socket, chunk("a").dump());
    if (testing::wait_for_close(socket, 5s)) closed_at.set_value(std::chrono::steady_clock::now());
    return false;
  });
  IoThreads io;
  UpstreamBackend backend(io.io, options_for(server.base_url()));
  auto sink = std::make_shared<RecordingSink>();
  std::chrono::steady_clock::time_point cancelled_at;
  std::shared_ptr<RequestControl> control;
  std::promise<void> first;
  sink->chunk_hook = [&](const Json&) { first.set_value(); };
  control = backend.start(chat_request(true), sink);
  ASSERT_EQ(first.get_future().wait_for(5s), std::future_status::ready);
  EXPECT_EQ(backend.stats().running, 1);
  cancelled_at = std::chrono::steady_clock::now();
  control->cancel();
  ASSERT_EQ(closed_future.wait_for(2s), std::future_status::ready);
  EXPECT_LT(closed_future.get() - cancelled_at, 500ms);
  ASSERT_TRUE(sink->wait(2s));
  EXPECT_EQ(sink->calls, (std::vector<std::string>{"chunk", "done"}));
  EXPECT_EQ(sink->stats.finish_reason, "abort");
  EXPECT_EQ(backend.stats().running, 0);
}

TEST(UpstreamBackend, KeepAliveReusesOneConnection) {
  TestServer server([](tcp::socket& socket, const SeenRequest&) {
    return testing::write_response(socket, 200, kCompletion.dump());
  });
  IoThreads io;
  UpstreamBackend backend(io.io, options_for(server.base_url()));
  for (int i = 0; i < 2; ++i) {
    auto sink = std::make_shared<RecordingSink>();
    backend.start(chat_request(false), sink);
    ASSERT_TRUE(sink->wait());
    ASSERT_TRUE(sink->response);
  }
  EXPECT_EQ(server.requests().size(), 2u);
  EXPECT_EQ(server.connections(), 1);
}

TEST(UpstreamBackend, StaleKeptAliveConnectionIsReplaced) {
  // The server closes each connection after answering, without saying so.
  TestServer server([](tcp::socket& socket, const SeenRequest&) {
    testing::write_response(socket, 200, kCompletion.dump());
    return false;
  });
  IoThreads io;
  UpstreamBackend backend(io.io, options_for(server.base_url()));
  for (int i = 0; i < 2; ++i) {
    auto sink = std::make_shared<RecordingSink>();
    backend.start(chat_request(false), sink);
    ASSERT_TRUE(sink->wait());
    ASSERT_TRUE(sink->response) << i;
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(server.connections(), 2);
}

TEST(UpstreamBackend, RequestLostOnAReusedConnectionIsRetriedOnce) {
  // The first connection answers one request, then drops the next one unanswered (a server
  // closing an idle connection just as the request arrives).
  std::atomic<int> on_first{0};
  TestServer server([&](tcp::socket& socket, const SeenRequest& request) {
    if (request.connection == 1 && ++on_first == 2) return false;
    return testing::write_response(socket, 200, kCompletion.dump());
  });
  IoThreads io;
  UpstreamBackend backend(io.io, options_for(server.base_url()));
  for (int i = 0; i < 2; ++i) {
    auto sink = std::make_shared<RecordingSink>();
    backend.start(chat_request(false), sink);
    ASSERT_TRUE(sink->wait());
    ASSERT_TRUE(sink->response) << i;
  }
  EXPECT_EQ(server.requests().size(), 3u);
  EXPECT_EQ(server.connections(), 2);
}

TEST(UpstreamBackend, RequestLostOnAFreshConnectionIsNotRetried) {
  TestServer server([](tcp::socket&, const SeenRequest&) { return false; });
  IoThreads io;
  UpstreamBackend backend(io.io, options_for(server.base_url()));
  auto sink = std::make_shared<RecordingSink>();
  backend.start(chat_request(true), sink);
  ASSERT_TRUE(sink->wait());
  ASSERT_TRUE(sink->error);
  EXPECT_EQ(sink->error->status, 502);
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST(UpstreamBackend, TokenizeGoesToTheServerRoot) {
  TestServer server([](tcp::socket& socket, const SeenRequest&) {
    return testing::write_response(socket, 200, R"({"count":2,"tokens":[1,2],"max_model_len":8})");
  });
  IoThreads io;
  UpstreamBackend backend(io.io, options_for(server.base_url()));
  auto sink = std::make_shared<RecordingSink>();
  ApiRequest request;
  request.endpoint = Endpoint::Tokenize;
  request.body = Json{{"model", "my-model"}, {"prompt", "hi"}};
  backend.start(request, sink);
  ASSERT_TRUE(sink->wait());
  ASSERT_TRUE(sink->response);
  EXPECT_EQ((*sink->response)["count"], 2);
  EXPECT_EQ(server.requests().at(0).target, "/tokenize");
  EXPECT_EQ(Json::parse(server.requests().at(0).body)["model"], "up-model");
}

TEST(UpstreamBackend, HealthAndModelCard) {
  TestServer server([](tcp::socket& socket, const SeenRequest& request) {
    return testing::write_response(socket, request.target == "/v1/models" ? 200 : 404,
                                   R"({"data":[]})");
  });
  IoThreads io;
  UpstreamBackend backend(io.io, options_for(server.base_url()));
  std::promise<HealthStatus> health;
  backend.check_health(2s, [&](HealthStatus status) { health.set_value(std::move(status)); });
  auto future = health.get_future();
  ASSERT_EQ(future.wait_for(5s), std::future_status::ready);
  EXPECT_TRUE(future.get().healthy);
  EXPECT_EQ(server.requests().at(0).method, "GET");

  const auto card = backend.model_card();
  EXPECT_EQ(card["id"], "my-model");
  EXPECT_EQ(card["object"], "model");
  EXPECT_EQ(card["owned_by"], "upstream");
  EXPECT_TRUE(card["created"].is_number_integer());
}

TEST(UpstreamBackend, UnhealthyWhenRefused) {
  uint16_t port = 0;
  {
    boost::asio::io_context io;
    tcp::acceptor acceptor(io, tcp::endpoint(tcp::v4(), 0));
    port = acceptor.local_endpoint().port();
  }
  IoThreads io;
  UpstreamBackend backend(io.io, options_for("http://127.0.0.1:" + std::to_string(port) + "/v1"));
  std::promise<HealthStatus> health;
  backend.check_health(2s, [&](HealthStatus status) { health.set_value(std::move(status)); });
  auto future = health.get_future();
  ASSERT_EQ(future.wait_for(5s), std::future_status::ready);
  EXPECT_FALSE(future.get().healthy);
}

TEST(UpstreamBackend, BadBaseUrlThrows) {
  boost::asio::io_context io;
  EXPECT_THROW(UpstreamBackend(io, options_for("localhost:8000")), std::invalid_argument);
}

}  // namespace
}  // namespace slipway::backends
