#include <gtest/gtest.h>

#include <set>

#include "../backends/upstream_test_server.h"
#include "app/loadgen/runner.h"

namespace slipway::app::loadgen {
namespace {

using namespace std::chrono_literals;
using backends::testing::SeenRequest;
using backends::testing::TestServer;
using Json = nlohmann::ordered_json;
using tcp = backends::testing::tcp;

// A fake OpenAI server: lists one model, has no /tokenize, and streams max_tokens chunks.
bool fake_openai(tcp::socket& socket, const SeenRequest& request) {
  namespace t = backends::testing;
  if (request.target == "/v1/models") {
    return t::write_response(socket, 200, R"({"object":"list","data":[{"id":"fake-model"}]})");
  }
  if (request.target != "/v1/completions") return t::write_response(socket, 404, "{}");
  const auto body = Json::parse(request.body);
  const int n = body["max_tokens"].get<int>();
  t::start_sse(socket);
  std::this_thread::sleep_for(20ms);
  for (int i = 0; i < n; ++i) {
    Json chunk{{"choices", Json::array({Json{{"index", 0}, {"text", " tok"}}})}};
    t::write_event(socket, chunk.dump());
    std::this_thread::sleep_for(2ms);
  }
  Json usage{{"choices", Json::array()},
             {"usage", Json{{"prompt_tokens", 9}, {"completion_tokens", n}}}};
  t::write_event(socket, usage.dump());
  t::write_event(socket, "[DONE]");
  return t::end_chunks(socket);
}

TEST(BenchRunner, RunsAgainstAFakeServer) {
  TestServer server(fake_openai);
  BenchOptions options;
  options.base_url = server.base_url();
  options.num_prompts = 12;
  options.concurrency = 3;
  options.input_len = 10;
  options.output_len = 5;
  options.seed = 3;
  options.warmup = 2;
  options.timeout_seconds = 10;
  std::vector<std::string> log;
  const auto run = run_bench(options, [&](const std::string& line) { log.push_back(line); });

  EXPECT_EQ(run.report.completed, 12);
  EXPECT_EQ(run.report.failed, 0);
  EXPECT_EQ(run.report.total_output_tokens, 12 * 5);
  EXPECT_EQ(run.report.total_input_tokens, 12 * 9);
  EXPECT_EQ(run.report.max_concurrency, 3);
  EXPECT_GE(run.report.ttft_ms.p50, 15.0);  // the server waits 20 ms before the first token
  EXPECT_EQ(run.report.itl_ms.count, 12u * 4u);
  EXPECT_GT(run.report.output_throughput, 0);
  EXPECT_EQ(run.config["model"], "fake-model");
  EXPECT_EQ(run.config["words_per_prompt"], 10);

  std::set<std::string> prompts;
  int completions = 0;
  for (const auto& request : server.requests()) {
    if (request.target != "/v1/completions") continue;
    ++completions;
    const auto body = Json::parse(request.body);
    EXPECT_EQ(body["model"], "fake-model");
    EXPECT_EQ(body["stream"], true);
    EXPECT_EQ(body["stream_options"]["include_usage"], true);
    EXPECT_EQ(body["ignore_eos"], true);
    EXPECT_EQ(body["max_tokens"], 5);
    prompts.insert(body["prompt"].get<std::string>());
  }
  EXPECT_EQ(completions, 14);  // warmup included
  EXPECT_EQ(prompts.size(), 14u);
  EXPECT_LE(server.connections(), 3 + 1);  // kept-alive connections are reused
}

TEST(BenchRunner, CountsFailures) {
  TestServer server([](tcp::socket& socket, const SeenRequest&) {
    return backends::testing::write_response(socket, 503, R"({"error":{"message":"overloaded"}})");
  });
  BenchOptions options;
  options.base_url = server.base_url();
  options.model = "m";
  options.num_prompts = 4;
  options.concurrency = 2;
  const auto run = run_bench(options, [](const std::string&) {});
  EXPECT_EQ(run.report.completed, 0);
  EXPECT_EQ(run.report.failed, 4);
  ASSERT_FALSE(run.report.errors.empty());
  EXPECT_NE(run.report.errors[0].find("overloaded"), std::string::npos);
}

}  // namespace
}  // namespace slipway::app::loadgen
