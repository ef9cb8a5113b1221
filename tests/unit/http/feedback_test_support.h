#pragma once
// The feedback tests' common parts: a test server with a real FeedbackLog on a fresh SQLite
// store, and fake-backend scripts that answer like OpenAI (chat and completions, whole and
// streamed, with the request's id as every real backend does).
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "feedback/feedback_log.h"
#include "feedback/response_view.h"
#include "http/admin/admin_api.h"
#include "http_test_support.h"
#include "store/store.h"
#include "test_dir.h"

namespace slipway::http::test {

// Stats a scripted answer reports: the served version, tokens and timings the log must keep.
inline backends::CompletionStats scripted_stats(int64_t completion_tokens) {
  backends::CompletionStats stats;
  stats.prompt_tokens = 5;
  stats.completion_tokens = completion_tokens;
  stats.finish_reason = "stop";
  stats.first_token_seconds = 0.25;
  stats.total_seconds = 0.5;
  stats.served_by = "m-v2";
  return stats;
}

// A whole chat answer saying `text`.
inline FakeBackend::Script chat_answer(std::string text) {
  return [text](FakeCall& call) {
    Json message{{"role", "assistant"}, {"content", text}};
    call.sink->on_response(Json{
        {"id", call.request.request_id},
        {"object", "chat.completion"},
        {"model", "m"},
        {"choices", Json::array({{{"index", 0}, {"message", message}, {"finish_reason", "stop"}}})},
        {"usage", {{"prompt_tokens", 5}, {"completion_tokens", 2}}}});
    call.sink->on_done(scripted_stats(2));
  };
}

inline Json chat_chunk(const std::string& id, int index, Json delta, Json finish = nullptr) {
  return Json{{"id", id},
              {"object", "chat.completion.chunk"},
              {"model", "m"},
              {"choices", Json::array({{{"index", index},
                                        {"delta", std::move(delta)},
                                        {"finish_reason", std::move(finish)}}})}};
}

// A streamed chat answer with two choices whose chunks interleave.
inline FakeBackend::Script chat_stream_two_choices() {
  return [](FakeCall& call) {
    const std::string& id = call.request.request_id;
    auto& sink = *call.sink;
    sink.on_chunk(chat_chunk(id, 0, {{"role", "assistant"}, {"content", "Hel"}}));
    sink.on_chunk(chat_chunk(id, 1, {{"role", "assistant"}, {"content", "Bon"}}));
    sink.on_chunk(chat_chunk(id, 0, {{"content", "lo"}}, "stop"));
    sink.on_chunk(chat_chunk(id, 1, {{"content", "jour"}}, "length"));
    sink.on_done(scripted_stats(4));
  };
}

// One chunk, then nothing until the client has gone (and the request is cancelled).
inline FakeBackend::Script chat_chunk_then_wait() {
  return [](FakeCall& call) {
    call.sink->on_chunk(
        chat_chunk(call.request.request_id, 0, {{"role", "assistant"}, {"content", "Half"}}));
    call.control->wait_cancelled(10s);
    backends::CompletionStats stats;
    stats.finish_reason = "abort";
    stats.served_by = "m-v2";
    stats.total_seconds = 0.75;
    call.sink->on_done(stats);
  };
}

inline FakeBackend::Script completion_answer(std::string text) {
  return [text](FakeCall& call) {
    call.sink->on_response(Json{
        {"id", call.request.request_id},
        {"object", "text_completion"},
        {"model", "m"},
        {"choices", Json::array({{{"index", 0}, {"text", text}, {"finish_reason", "length"}}})},
        {"usage", {{"prompt_tokens", 3}, {"completion_tokens", 7}}}});
    call.sink->on_done(scripted_stats(7));
  };
}

inline std::string chat_request_body(bool stream = false, Json extra = Json::object()) {
  Json body = Json::parse(chat_body(stream));
  for (auto& [key, value] : extra.items()) body[key] = value;
  return body.dump();
}

// A test server (fake backend "m") with a response log on a fresh SQLite store.
class FeedbackServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = slipway::test::fresh_test_dir("http", "feedback");
    store_ = store::Store::open_data_dir(dir_.string());
    log_ = std::make_shared<feedback::FeedbackLog>(*store_, settings());
    server_ = std::make_unique<TestServer>(TestServer::fast_options());
    server_->server().set_feedback(log_);
  }

  void TearDown() override {
    server_.reset();  // no request may still log
    log_.reset();
    store_.reset();
  }

  virtual feedback::LogSettings settings() const { return {}; }

  uint16_t port() const { return server_->port(); }
  FakeBackend& backend() { return server_->backend(); }

  // The logged answer as the admin API shows it, after what is queued is written.
  std::optional<Json> logged(const std::string& id) {
    log_->flush();
    return feedback::get_response(*store_, id);
  }

  // Sends a request and returns the answer's id (the x-request-id header).
  std::string answered(const std::string& target, const std::string& body,
                       const std::vector<std::string>& headers = {}) {
    auto answer = fetch(port(), "POST", target, body, headers);
    EXPECT_EQ(answer.status, 200) << answer.body;
    return answer.headers["x-request-id"];
  }

  HttpAnswer post_feedback(const Json& body, const std::vector<std::string>& headers = {}) {
    return fetch(port(), "POST", "/v1/feedback", body.dump(), headers);
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
  std::shared_ptr<feedback::FeedbackLog> log_;
  std::unique_ptr<TestServer> server_;
};

// AdminApi::handle over a real FeedbackLog on a fresh SQLite store, with a clock the test sets.
class AdminFeedbackFixture : public ::testing::Test {
 protected:
  // Opens the store in a fresh folder named `name`, the log and the API, at time `now_ms`.
  void open(const std::string& name, int64_t now_ms, const feedback::LogSettings& settings = {}) {
    dir_ = slipway::test::fresh_test_dir("http", name);
    store_ = store::Store::open_data_dir(dir_.string());
    now_->store(now_ms);
    log_ = std::make_shared<feedback::FeedbackLog>(*store_, settings,
                                                   [now = now_] { return now->load(); });
    api_ = std::make_shared<AdminApi>(nullptr, nullptr, log_);
  }

  void TearDown() override {
    api_.reset();
    log_.reset();
    store_.reset();
  }

  // One admin call by the user "tester".
  AdminResponse call(boost::beast::http::verb method, const std::string& path, Json body = nullptr,
                     std::map<std::string, std::string> query = {}) {
    AdminRequest request;
    request.method = method;
    request.path = path;
    request.query = std::move(query);
    request.body = std::move(body);
    request.actor = "tester";
    return api_->handle(request);
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
  std::shared_ptr<std::atomic<int64_t>> now_ = std::make_shared<std::atomic<int64_t>>(0);
  std::shared_ptr<feedback::FeedbackLog> log_;
  std::shared_ptr<AdminApi> api_;
};

}  // namespace slipway::http::test
