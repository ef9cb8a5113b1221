// The response log and POST /v1/feedback over real sockets: which answers are logged and with
// what, feedback recorded durably before its 200, and every error the route answers.
#include <gtest/gtest.h>

#include "feedback_test_support.h"

namespace slipway::http::test {
namespace {

TEST_F(FeedbackServerTest, AWholeChatAnswerIsLoggedWithItsFields) {
  backend().set_script(chat_answer("Hello"));
  auto answer = fetch(port(), "POST", "/v1/chat/completions",
                      chat_request_body(false, {{"user", "alice"}, {"temperature", 0.5}}));
  ASSERT_EQ(answer.status, 200) << answer.body;
  const std::string id = answer.json()["id"];
  EXPECT_EQ(id, answer.headers["x-request-id"]);

  const auto row = logged(id);
  ASSERT_TRUE(row) << "answer " << id << " was not logged";
  EXPECT_EQ((*row)["kind"], "chat");
  EXPECT_EQ((*row)["route"], "m");
  EXPECT_EQ((*row)["version"], "m-v2");  // stats.served_by
  EXPECT_EQ((*row)["arm"], "stable");
  EXPECT_EQ((*row)["user"], "alice");
  EXPECT_EQ((*row)["status"], 200);
  EXPECT_EQ((*row)["prompt_tokens"], 5);
  EXPECT_DOUBLE_EQ((*row)["ttft_seconds"].get<double>(), 0.25);
  EXPECT_DOUBLE_EQ((*row)["latency_seconds"].get<double>(), 0.5);
  EXPECT_EQ((*row)["has_body"], true);
  EXPECT_EQ((*row)["params"]["temperature"], 0.5);
  ASSERT_EQ((*row)["choices"].size(), 1u);
  const Json& choice = (*row)["choices"][0];
  EXPECT_EQ(choice["finish_reason"], "stop");
  EXPECT_EQ(choice["completion_tokens"], 2);
  EXPECT_EQ(choice["output"], Json({{"role", "assistant"}, {"content", "Hello"}}));
  // created: when the request arrived, by the log's (here the system's) clock.
  EXPECT_NEAR((*row)["created_ms"].get<double>(), static_cast<double>(log_->now_ms()), 60'000);
}

TEST_F(FeedbackServerTest, AStreamedAnswerWithTwoChoicesIsLogged) {
  backend().set_script(chat_stream_two_choices());
  RawClient client(port());
  client.send(http_request("POST", "/v1/chat/completions", chat_request_body(true, {{"n", 2}}),
                           {"X-User-Id: bob"}));
  auto answer = client.read_answer();
  ASSERT_EQ(answer.status, 200);
  ASSERT_NE(answer.body.find("data: [DONE]"), std::string::npos);
  const std::string id = answer.headers["x-request-id"];

  const auto row = logged(id);
  ASSERT_TRUE(row);
  EXPECT_EQ((*row)["user"], "bob");
  EXPECT_EQ((*row)["status"], 200);
  EXPECT_EQ((*row)["version"], "m-v2");
  ASSERT_EQ((*row)["choices"].size(), 2u);
  EXPECT_EQ((*row)["choices"][0]["output"], Json({{"role", "assistant"}, {"content", "Hello"}}));
  EXPECT_EQ((*row)["choices"][0]["finish_reason"], "stop");
  EXPECT_EQ((*row)["choices"][1]["output"], Json({{"role", "assistant"}, {"content", "Bonjour"}}));
  EXPECT_EQ((*row)["choices"][1]["finish_reason"], "length");
  // The stats' token count covers both choices: no choice gets it as its own.
  EXPECT_TRUE((*row)["choices"][1]["completion_tokens"].is_null());
}

TEST_F(FeedbackServerTest, AStreamedSingleChoiceTakesTheStatsTokenCount) {
  backend().set_script([](FakeCall& call) {
    call.sink->on_chunk(chat_chunk(call.request.request_id, 0, {{"content", "Hi"}}, "stop"));
    call.sink->on_done(scripted_stats(1));
  });
  const std::string id = answered("/v1/chat/completions", chat_request_body(true));
  const auto row = logged(id);
  ASSERT_TRUE(row);
  EXPECT_EQ((*row)["choices"][0]["completion_tokens"], 1);
  EXPECT_EQ((*row)["choices"][0]["output"], Json({{"role", "assistant"}, {"content", "Hi"}}));
}

TEST_F(FeedbackServerTest, ACompletionIsLoggedAsText) {
  backend().set_script(completion_answer("Once upon"));
  const std::string id =
      answered("/v1/completions", Json{{"model", "m"}, {"prompt", "Tell me"}}.dump());
  ASSERT_EQ(id.rfind("cmpl-", 0), 0u) << id;
  const auto row = logged(id);
  ASSERT_TRUE(row);
  EXPECT_EQ((*row)["kind"], "completion");
  EXPECT_EQ((*row)["choices"][0]["output"], Json({{"text", "Once upon"}}));
  EXPECT_EQ((*row)["choices"][0]["finish_reason"], "length");
  EXPECT_EQ((*row)["choices"][0]["completion_tokens"], 7);
}

TEST_F(FeedbackServerTest, ErrorAnswersAndOtherRoutesAreNotLogged) {
  backend().set_script(FakeBackend::error_first(backends::ApiError::bad_request("no")));
  auto error = fetch(port(), "POST", "/v1/chat/completions", chat_request_body());
  EXPECT_EQ(error.status, 400);
  const std::string id = error.headers["x-request-id"];
  ASSERT_FALSE(id.empty());
  EXPECT_FALSE(logged(id));
  EXPECT_EQ(post_feedback({{"id", id}, {"rating", 1}}).status, 404);

  EXPECT_EQ(fetch(port(), "POST", "/v1/chat/completions", chat_body(false, "nope")).status, 404);
  backend().set_script([](FakeCall& call) {
    call.sink->on_response(Json{{"tokens", Json::array({1, 2})}});
    call.sink->on_done({});
  });
  auto tokenized = fetch(port(), "POST", "/tokenize", R"({"model":"m","prompt":"hi"})");
  EXPECT_EQ(tokenized.status, 200);
  EXPECT_FALSE(logged(tokenized.headers["x-request-id"]));
  EXPECT_EQ(log_->counters().answers_logged, 0u);
}

TEST_F(FeedbackServerTest, AClientThatLeavesMidStreamIsLoggedAs499) {
  backend().set_script(chat_chunk_then_wait());
  std::string id;
  {
    RawClient client(port());
    client.send(http_request("POST", "/v1/chat/completions", chat_request_body(true)));
    const std::string head = client.read_until("Half");
    ASSERT_NE(head.find("Half"), std::string::npos);
    const auto at = head.find("x-request-id: ");
    ASSERT_NE(at, std::string::npos);
    id = head.substr(at + 14, head.find("\r\n", at) - at - 14);
    client.close();
  }
  ASSERT_TRUE(backend().wait_started(1, 5s));
  ASSERT_TRUE(backend().last_control()->wait_cancelled(5s));
  std::optional<Json> row;
  for (int i = 0; i < 100 && !row; ++i) {
    row = logged(id);
    if (!row) std::this_thread::sleep_for(20ms);  // the connection logs after on_done
  }
  ASSERT_TRUE(row) << id;
  EXPECT_EQ((*row)["status"], 499);
  EXPECT_EQ((*row)["choices"][0]["output"], Json({{"role", "assistant"}, {"content", "Half"}}));
  EXPECT_EQ((*row)["choices"][0]["finish_reason"], "");
}

TEST_F(FeedbackServerTest, FeedbackIsRecordedAndTheLastWriteWinsPerField) {
  backend().set_script(chat_answer("Hello"));
  const std::string id = answered("/v1/chat/completions", chat_request_body());
  // Posted at once: the answer may still be queued in the log, and is found anyway.
  auto first =
      post_feedback({{"id", id}, {"rating", 1}, {"comment", "great"}, {"task_completed", true}},
                    {"X-User-Id: carol"});
  ASSERT_EQ(first.status, 200) << first.body;
  const Json stored = first.json();
  EXPECT_EQ(stored["object"], "feedback");
  EXPECT_EQ(stored["id"], id);
  EXPECT_EQ(stored["user"], "carol");
  EXPECT_EQ(stored["rating"], 1);
  EXPECT_EQ(stored["task_completed"], true);
  EXPECT_EQ(stored["comment"], "great");
  EXPECT_EQ(stored["choice_index"], 0);

  auto second = post_feedback({{"id", id}, {"rating", -1}, {"task_completed", nullptr}},
                              {"X-User-Id: carol"});
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(second.json()["rating"], -1);
  EXPECT_TRUE(second.json()["task_completed"].is_null());
  EXPECT_EQ(second.json()["comment"], "great");

  // Another rater (named in the body) is a row of its own.
  ASSERT_EQ(post_feedback({{"id", id}, {"rating", 1}, {"user", "dave"}}).status, 200);
  const auto row = logged(id);
  ASSERT_TRUE(row);
  ASSERT_EQ((*row)["ratings"].size(), 2u);
  EXPECT_EQ((*row)["ratings"][0]["user"], "carol");
  EXPECT_EQ((*row)["ratings"][0]["rating"], -1);
  EXPECT_EQ((*row)["ratings"][1]["user"], "dave");
}

TEST_F(FeedbackServerTest, FeedbackIsDurableBeforeThe200) {
  backend().set_script(chat_answer("Hello"));
  const std::string id = answered("/v1/chat/completions", chat_request_body());
  ASSERT_EQ(post_feedback({{"id", id}, {"rating", -1}}).status, 200);
  // Another connection to the same file, without flushing the log: the rating is there.
  auto other = store::Store::open_data_dir(dir_.string());
  const auto row = feedback::get_response(*other, id);
  ASSERT_TRUE(row);
  ASSERT_EQ((*row)["ratings"].size(), 1u);
  EXPECT_EQ((*row)["ratings"][0]["rating"], -1);
}

TEST_F(FeedbackServerTest, AnUnknownIdIs404) {
  auto answer = post_feedback({{"id", "chatcmpl-never"}, {"rating", 1}});
  ASSERT_EQ(answer.status, 404);
  const Json error = answer.json()["error"];
  EXPECT_EQ(error["code"], "response_not_found");
  EXPECT_EQ(error["param"], "id");
  EXPECT_EQ(error["message"], "No answer with id `chatcmpl-never` was logged, or it was purged.");
}

TEST_F(FeedbackServerTest, AnUnknownChoiceIs422) {
  backend().set_script(chat_answer("Hello"));
  const std::string id = answered("/v1/chat/completions", chat_request_body());
  auto answer = post_feedback({{"id", id}, {"rating", 1}, {"choice_index", 3}});
  ASSERT_EQ(answer.status, 422) << answer.body;
  EXPECT_EQ(answer.json()["error"]["param"], "choice_index");
}

TEST_F(FeedbackServerTest, BadBodiesAre400Or422AndCounted) {
  auto malformed = fetch(port(), "POST", "/v1/feedback", "{\"id\": ");
  EXPECT_EQ(malformed.status, 400);
  auto invalid_utf8 = fetch(port(), "POST", "/v1/feedback", "{\"id\": \"a\xff\", \"rating\": 1}");
  EXPECT_EQ(invalid_utf8.status, 400);
  auto bad_rating = post_feedback({{"id", "x"}, {"rating", 2}});
  EXPECT_EQ(bad_rating.status, 422);
  EXPECT_EQ(bad_rating.json()["error"]["param"], "rating");
  auto not_object = fetch(port(), "POST", "/v1/feedback", "[1]");
  EXPECT_EQ(not_object.status, 422);
  const std::string metrics = fetch(port(), "GET", "/metrics").body;
  EXPECT_NE(metrics.find("slipway_rejected_requests_total{status=\"422\"} 2"), std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("slipway_rejected_requests_total{status=\"400\"} 2"), std::string::npos);
}

TEST_F(FeedbackServerTest, OnlyGetIsNotAllowed) {
  auto answer = fetch(port(), "GET", "/v1/feedback");
  EXPECT_EQ(answer.status, 405);
  EXPECT_EQ(answer.headers["allow"], "POST");
}

TEST_F(FeedbackServerTest, MetricsIncludeTheLogsCounters) {
  backend().set_script(chat_answer("Hello"));
  answered("/v1/chat/completions", chat_request_body());
  log_->flush();
  const std::string metrics = fetch(port(), "GET", "/metrics").body;
  EXPECT_NE(metrics.find("slipway_response_log_answers_total 1"), std::string::npos) << metrics;
}

TEST(FeedbackWithoutLog, FeedbackIs503AndMetricsHaveNoLogCounters) {
  TestServer server(TestServer::fast_options());
  auto answer = fetch(server.port(), "POST", "/v1/feedback", R"({"id":"x","rating":1})");
  ASSERT_EQ(answer.status, 503);
  EXPECT_EQ(answer.json()["error"]["code"], "feedback_disabled");
  EXPECT_EQ(answer.json()["error"]["message"], "Feedback is not enabled on this server.");
  const std::string metrics = fetch(server.port(), "GET", "/metrics").body;
  EXPECT_EQ(metrics.find("slipway_response_log_answers_total"), std::string::npos);
}

TEST(FeedbackWithoutLog, FeedbackNeedsTheApiKey) {
  ServerOptions options = TestServer::fast_options();
  options.api_key = "secret";
  TestServer server(options);
  EXPECT_EQ(fetch(server.port(), "POST", "/v1/feedback", R"({"id":"x","rating":1})").status, 401);
  EXPECT_EQ(fetch(server.port(), "POST", "/v1/feedback", R"({"id":"x","rating":1})",
                  {"Authorization: Bearer secret"})
                .status,
            503);
}

class DisabledLogTest : public FeedbackServerTest {
 protected:
  feedback::LogSettings settings() const override {
    feedback::LogSettings settings;
    settings.enabled = false;
    return settings;
  }
};

TEST_F(DisabledLogTest, NothingIsLoggedAndFeedbackIs503) {
  backend().set_script(chat_answer("Hello"));
  const std::string id = answered("/v1/chat/completions", chat_request_body());
  EXPECT_FALSE(logged(id));
  EXPECT_EQ(log_->counters().answers_dropped, 0u);  // not even offered to the log
  auto answer = post_feedback({{"id", id}, {"rating", 1}});
  EXPECT_EQ(answer.status, 503);
  EXPECT_EQ(answer.json()["error"]["code"], "feedback_disabled");
}

}  // namespace
}  // namespace slipway::http::test
