// The embedded backend end to end: a real tiny model, the real Scheduler, requests through
// EmbeddedBackend::start() (non-stream, stream, n=2, seeds, cancel, errors, tokenize).
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <map>
#include <thread>

#include "backends/embedded/embedded_backend.h"
#include "embedded_test_util.h"
#include "engine/compute_pool.h"
#include "engine/kv_cache.h"

namespace slipway::backends {
namespace {

using test::RecordingSink;

class EmbeddedBackendIntegration : public ::testing::Test {
 protected:
  void SetUp() override {
    package_ = engine::ModelPackage::load(test::tiny_model("integration"));
    pool_ = std::make_unique<engine::ComputePool>(2);
    engine::SchedulerConfig config;
    config.max_num_seqs = 8;
    scheduler_ = std::make_shared<engine::Scheduler>(package_, *pool_, config);
    EmbeddedOptions options;
    options.name = "tiny";
    options.created = 123;
    backend_ = std::make_unique<EmbeddedBackend>(options, package_, scheduler_);
  }
  void TearDown() override {
    backend_.reset();
    scheduler_.reset();
  }

  std::shared_ptr<RecordingSink> run(Endpoint endpoint, Json body,
                                     EmbeddedBackend* backend = nullptr,
                                     std::chrono::milliseconds timeout = std::chrono::minutes(5)) {
    auto sink = std::make_shared<RecordingSink>();
    ApiRequest request;
    request.endpoint = endpoint;
    request.body = std::move(body);
    request.request_id = "req-1";
    request.created = 99;
    request.deadline = std::chrono::steady_clock::now() + timeout;
    (backend != nullptr ? backend : backend_.get())->start(std::move(request), sink);
    EXPECT_TRUE(sink->wait_done());
    return sink;
  }

  // A second engine on the same model with its own scheduler settings.
  struct Engine {
    std::shared_ptr<engine::Scheduler> scheduler;
    std::unique_ptr<EmbeddedBackend> backend;
  };
  Engine engine_with(engine::SchedulerConfig config) {
    Engine e;
    e.scheduler = std::make_shared<engine::Scheduler>(package_, *pool_, config);
    EmbeddedOptions options;
    options.name = "other";
    e.backend = std::make_unique<EmbeddedBackend>(options, package_, e.scheduler);
    return e;
  }

  static Json chat(Json extra = Json::object()) {
    Json body = {{"model", "tiny-route"},
                 {"messages", Json::array({Json{{"role", "user"}, {"content", "Tell a story"}}})},
                 {"max_tokens", 12},
                 {"temperature", 1.0},
                 {"seed", 7}};
    for (auto& [k, v] : extra.items()) body[k] = v;
    return body;
  }

  // Texts of each choice index from a chat stream.
  static std::map<int64_t, std::string> stream_texts(const RecordingSink& sink) {
    std::map<int64_t, std::string> texts;
    for (const auto& chunk : sink.chunks) {
      if (chunk["choices"].empty()) continue;
      const Json& choice = chunk["choices"][0];
      const Json& delta = choice["delta"];
      if (delta.contains("content")) texts[choice["index"]] += delta["content"].get<std::string>();
    }
    return texts;
  }

  std::shared_ptr<const engine::ModelPackage> package_;
  std::unique_ptr<engine::ComputePool> pool_;
  std::shared_ptr<engine::Scheduler> scheduler_;
  std::unique_ptr<EmbeddedBackend> backend_;
};

TEST_F(EmbeddedBackendIntegration, ChatNonStream) {
  auto sink = run(Endpoint::ChatCompletions, chat());
  EXPECT_EQ(sink->order(), "response,done");
  ASSERT_TRUE(sink->response);
  const Json& body = *sink->response;
  EXPECT_EQ(body["id"], "req-1");
  EXPECT_EQ(body["object"], "chat.completion");
  EXPECT_EQ(body["created"], 99);
  EXPECT_EQ(body["model"], "tiny-route");
  ASSERT_EQ(body["choices"].size(), 1u);
  const Json& choice = body["choices"][0];
  EXPECT_EQ(choice["message"]["role"], "assistant");
  EXPECT_TRUE(choice["message"]["content"].is_string());
  EXPECT_TRUE(choice["finish_reason"] == "stop" || choice["finish_reason"] == "length");
  const auto prompt = package_->encode_chat(nlohmann::json::parse(chat()["messages"].dump()),
                                            /*add_generation_prompt=*/true);
  EXPECT_EQ(body["usage"]["prompt_tokens"], prompt.size());
  EXPECT_GE(body["usage"]["completion_tokens"], 1);
  EXPECT_LE(body["usage"]["completion_tokens"], 12);
  const CompletionStats& stats = *sink->stats;
  EXPECT_EQ(stats.prompt_tokens, static_cast<int64_t>(prompt.size()));
  EXPECT_EQ(stats.completion_tokens, body["usage"]["completion_tokens"]);
  EXPECT_EQ(stats.served_by, "tiny");
  EXPECT_TRUE(stats.queue_seconds);
  EXPECT_TRUE(stats.first_token_seconds);
  EXPECT_GT(stats.total_seconds, 0);
  if (choice["finish_reason"] == "length") {
    EXPECT_EQ(stats.inter_token_seconds.size() + 1, 12u);
  }
}

TEST_F(EmbeddedBackendIntegration, SeedReproducesAndStreamMatches) {
  const Json body = chat(Json{{"n", 2}, {"max_tokens", 16}, {"ignore_eos", true}});
  auto first = run(Endpoint::ChatCompletions, body);
  auto second = run(Endpoint::ChatCompletions, body);
  ASSERT_TRUE(first->response && second->response);
  const Json& a = (*first->response)["choices"];
  const Json& b = (*second->response)["choices"];
  EXPECT_EQ(a[0]["message"], b[0]["message"]);
  EXPECT_EQ(a[1]["message"], b[1]["message"]);
  // Choice i uses seed + i: the two choices differ.
  EXPECT_NE(a[0]["message"]["content"], a[1]["message"]["content"]);
  EXPECT_EQ((*first->response)["usage"]["completion_tokens"], 32);

  Json streamed = body;
  streamed["stream"] = true;
  streamed["stream_options"] = Json{{"include_usage", true}};
  auto stream = run(Endpoint::ChatCompletions, streamed);
  ASSERT_FALSE(stream->error);
  const auto texts = stream_texts(*stream);
  EXPECT_EQ(texts.at(0), a[0]["message"]["content"]);
  EXPECT_EQ(texts.at(1), a[1]["message"]["content"]);

  // Shape: both role chunks first, one finish chunk per choice, then the usage chunk.
  const auto& chunks = stream->chunks;
  ASSERT_GE(chunks.size(), 5u);
  EXPECT_EQ(chunks[0]["choices"][0]["delta"]["role"], "assistant");
  EXPECT_EQ(chunks[1]["choices"][0]["delta"]["role"], "assistant");
  EXPECT_NE(chunks[0]["choices"][0]["index"], chunks[1]["choices"][0]["index"]);
  int finishes = 0;
  for (std::size_t i = 0; i + 1 < chunks.size(); ++i) {
    EXPECT_EQ(chunks[i]["object"], "chat.completion.chunk");
    EXPECT_TRUE(chunks[i]["usage"].is_null());
    if (chunks[i]["choices"][0]["finish_reason"] == "length") ++finishes;
  }
  EXPECT_EQ(finishes, 2);
  EXPECT_EQ(chunks.back()["choices"], Json::array());
  EXPECT_EQ(chunks.back()["usage"]["completion_tokens"], 32);
}

TEST_F(EmbeddedBackendIntegration, CompletionsPromptsTimesN) {
  auto sink = run(Endpoint::Completions, Json{{"model", "tiny"},
                                              {"prompt", Json::array({"Once upon", "The cat"})},
                                              {"n", 2},
                                              {"max_tokens", 4},
                                              {"ignore_eos", true},
                                              {"logprobs", 2}});
  ASSERT_TRUE(sink->response) << (sink->error ? sink->error->message : "");
  const Json& body = *sink->response;
  EXPECT_EQ(body["object"], "text_completion");
  ASSERT_EQ(body["choices"].size(), 4u);
  for (int i = 0; i < 4; ++i) {
    const Json& choice = body["choices"][i];
    EXPECT_EQ(choice["index"], i);
    EXPECT_EQ(choice["finish_reason"], "length");
    EXPECT_EQ(choice["logprobs"]["tokens"].size(), 4u);
    EXPECT_EQ(choice["logprobs"]["top_logprobs"][0].size(), 2u);
  }
  const int64_t prompts = static_cast<int64_t>(package_->encode_prompt("Once upon").size() +
                                               package_->encode_prompt("The cat").size());
  EXPECT_EQ(body["usage"]["prompt_tokens"], prompts);
  EXPECT_EQ(body["usage"]["completion_tokens"], 16);
}

TEST_F(EmbeddedBackendIntegration, CancelEndsWithDone) {
  auto sink = std::make_shared<RecordingSink>();
  ApiRequest request;
  request.endpoint = Endpoint::ChatCompletions;
  request.body = chat(Json{{"stream", true}, {"max_tokens", 3000}, {"ignore_eos", true}});
  auto control = backend_->start(std::move(request), sink);
  for (int i = 0; i < 2000 && sink->order().empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  control->cancel();
  ASSERT_TRUE(sink->wait_done());
  EXPECT_FALSE(sink->error);
  EXPECT_EQ(sink->done_calls, 1);
  EXPECT_EQ(sink->stats->finish_reason, "abort");
  EXPECT_LT(sink->stats->completion_tokens, 3000);
  control->cancel();  // twice is harmless
}

TEST_F(EmbeddedBackendIntegration, ErrorsAnswerOnce) {
  auto bad = run(Endpoint::ChatCompletions, chat(Json{{"temperature", 5}}));
  EXPECT_EQ(bad->order(), "error,done");
  EXPECT_EQ(bad->error->status, 400);
  EXPECT_EQ(bad->stats->finish_reason, "error");

  const int64_t context = package_->model().config().max_position_embeddings;
  auto too_long = run(Endpoint::Completions,
                      Json{{"prompt", std::vector<int32_t>(static_cast<std::size_t>(context), 5)}});
  EXPECT_EQ(too_long->error->status, 400);
  EXPECT_EQ(too_long->error->param, "prompt");
  auto too_many = run(Endpoint::Completions, Json{{"prompt", "hi"}, {"max_tokens", context}});
  EXPECT_EQ(too_many->error->status, 400);
  EXPECT_EQ(too_many->error->param, "max_tokens");
  auto tools = run(Endpoint::ChatCompletions,
                   chat(Json{{"tools", Json::array({Json{{"type", "function"}}})}}));
  EXPECT_EQ(tools->error->param, "tools");
}

TEST_F(EmbeddedBackendIntegration, FullQueueIs429) {
  engine::SchedulerConfig config;
  config.max_waiting = 0;
  auto full = engine_with(config);
  auto sink = run(Endpoint::ChatCompletions, chat(Json{{"stream", true}}), full.backend.get());
  EXPECT_EQ(sink->order(), "error,done");
  EXPECT_EQ(sink->error->status, 429);
  EXPECT_EQ(sink->stats->served_by, "other");
}

TEST_F(EmbeddedBackendIntegration, RequestLargerThanTheCacheIs400) {
  engine::SchedulerConfig config;
  config.kv_cache_bytes = static_cast<int64_t>(
      4 * engine::KvCache::bytes_per_block(package_->model().config(), config.block_size));
  auto small = engine_with(config);  // 64 tokens in all
  auto sink =
      run(Endpoint::Completions,
          Json{{"prompt", "Once upon a time"}, {"max_tokens", 100}, {"n", 2}}, small.backend.get());
  EXPECT_EQ(sink->order(), "error,done");
  EXPECT_EQ(sink->error->status, 400);
  EXPECT_NE(sink->error->message.find("KV cache"), std::string::npos) << sink->error->message;
}

TEST_F(EmbeddedBackendIntegration, DeadlineIs504) {
  auto sink = run(Endpoint::ChatCompletions,
                  chat(Json{{"stream", true}, {"max_tokens", 3000}, {"ignore_eos", true}}), nullptr,
                  std::chrono::milliseconds(50));
  ASSERT_TRUE(sink->error);
  EXPECT_EQ(sink->error->status, 504);
  EXPECT_NE(sink->error->message.find("request timed out after"), std::string::npos);
  EXPECT_EQ(sink->stats->finish_reason, "timeout");
  EXPECT_EQ(sink->done_calls, 1);
}

TEST_F(EmbeddedBackendIntegration, TokenizeThroughStart) {
  auto sink = run(Endpoint::Tokenize, Json{{"model", "tiny"}, {"prompt", "hello"}});
  EXPECT_EQ(sink->order(), "response,done");
  EXPECT_EQ((*sink->response)["tokens"].get<std::vector<int32_t>>(),
            package_->encode_prompt("hello"));
  auto detok = run(Endpoint::Detokenize, Json{{"tokens", package_->encode_prompt("hello")}});
  EXPECT_EQ((*detok->response)["prompt"], "<|begin_of_text|>hello");
}

TEST_F(EmbeddedBackendIntegration, HealthStatsAndCard) {
  std::promise<HealthStatus> answer;
  backend_->check_health(std::chrono::seconds(5),
                         [&answer](HealthStatus s) { answer.set_value(std::move(s)); });
  auto future = answer.get_future();
  ASSERT_EQ(future.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  const HealthStatus status = future.get();
  EXPECT_TRUE(status.healthy);
  EXPECT_EQ(status.detail, "engine loop answered");
  const BackendStats stats = backend_->stats();
  EXPECT_GT(stats.kv_blocks_total, 0);
  EXPECT_GE(stats.kv_cache_usage, 0.0);
  EXPECT_LE(stats.kv_cache_usage, 1.0);
  EXPECT_EQ(backend_->model_card(), Json::parse(R"({"id": "tiny", "object": "model", "created": 123,
                            "owned_by": "slipway", "max_model_len": 4096})"));
  EXPECT_EQ(backend_->name(), "tiny");
}

}  // namespace
}  // namespace slipway::backends
