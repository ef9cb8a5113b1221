// `slipway bench --model a,b,...`: requests go round-robin over the listed models and the
// report gives each model's share next to the aggregate figures.
#include <gtest/gtest.h>

#include <map>
#include <stdexcept>

#include "../backends/upstream_test_server.h"
#include "app/loadgen/model_list.h"
#include "app/loadgen/report.h"
#include "app/loadgen/runner.h"

namespace slipway::app::loadgen {
namespace {

using backends::testing::SeenRequest;
using backends::testing::TestServer;
using Json = nlohmann::ordered_json;
using tcp = backends::testing::tcp;
using Names = std::vector<std::string>;

RequestResult ok(int64_t output_tokens) {
  RequestResult r;
  r.ok = true;
  r.ttft = 0.1;
  r.e2e = 1.0;
  r.prompt_tokens = 4;
  r.output_tokens = output_tokens;
  return r;
}

RequestResult failed() {
  RequestResult r;
  r.error = "HTTP 404: no such model";
  return r;
}

TEST(LoadgenModels, ParsesACommaSeparatedList) {
  EXPECT_EQ(parse_model_list("smol"), Names{"smol"});
  EXPECT_EQ(parse_model_list("a1,a2,a3,a4"), (Names{"a1", "a2", "a3", "a4"}));
  EXPECT_EQ(parse_model_list(" a1 , a2"), (Names{"a1", "a2"}));
  EXPECT_EQ(parse_model_list("name/3,name@prod"), (Names{"name/3", "name@prod"}));
  EXPECT_TRUE(parse_model_list("").empty());
  EXPECT_TRUE(parse_model_list("  ").empty());
}

TEST(LoadgenModels, RejectsAnEmptyName) {
  for (const char* text : {"a1,,a2", "a1,", ",a1", " , ", "a1, ,a2"}) {
    EXPECT_THROW(parse_model_list(text), std::invalid_argument) << text;
  }
  try {
    parse_model_list("a1,,a2");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("a1,,a2"), std::string::npos) << e.what();
  }
}

TEST(LoadgenModels, GoesRoundRobin) {
  const Names models{"a", "b", "c"};
  const Names expected{"a", "b", "c", "a", "b", "c", "a"};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(model_for_request(models, i), expected[i]) << i;
  }
  EXPECT_EQ(model_for_request(Names{"only"}, 41), "only");
  EXPECT_THROW(model_for_request(Names{}, 0), std::logic_error);
  EXPECT_EQ(distinct_models(Names{"b", "a", "b", "c", "a"}), (Names{"b", "a", "c"}));
}

TEST(LoadgenModels, ReportBreaksTheFiguresDownPerModel) {
  // Requests 0..6 went to a, b, c, a, b, c, a; request 4 (b) failed.
  const std::vector<RequestResult> results{ok(10),   ok(20), ok(30), ok(11),
                                           failed(), ok(31), ok(12)};
  const auto report = build_report(results, 2.0, 4, Names{"a", "b", "c"});
  EXPECT_EQ(report.completed, 6);
  EXPECT_EQ(report.failed, 1);
  EXPECT_EQ(report.total_output_tokens, 114);
  EXPECT_DOUBLE_EQ(report.output_throughput, 57.0);
  ASSERT_EQ(report.per_model.size(), 3u);
  const auto& a = report.per_model[0];
  const auto& b = report.per_model[1];
  const auto& c = report.per_model[2];
  EXPECT_EQ(a.model, "a");
  EXPECT_EQ(a.completed, 3);
  EXPECT_EQ(a.failed, 0);
  EXPECT_EQ(a.total_output_tokens, 33);
  EXPECT_DOUBLE_EQ(a.output_throughput, 16.5);
  EXPECT_EQ(b.model, "b");
  EXPECT_EQ(b.completed, 1);
  EXPECT_EQ(b.failed, 1);
  EXPECT_EQ(b.total_output_tokens, 20);
  EXPECT_EQ(c.model, "c");
  EXPECT_EQ(c.completed, 2);
  EXPECT_EQ(c.total_output_tokens, 61);
  EXPECT_DOUBLE_EQ(a.output_throughput + b.output_throughput + c.output_throughput,
                   report.output_throughput);
}

TEST(LoadgenModels, RepeatedNamesAddUp) {
  // "a,a,b": a gets two requests in three.
  const auto report = build_report({ok(1), ok(2), ok(4), ok(8)}, 1.0, 1, Names{"a", "a", "b"});
  ASSERT_EQ(report.per_model.size(), 2u);
  EXPECT_EQ(report.per_model[0].completed, 3);
  EXPECT_EQ(report.per_model[0].total_output_tokens, 1 + 2 + 8);
  EXPECT_EQ(report.per_model[1].completed, 1);
  EXPECT_EQ(report.per_model[1].total_output_tokens, 4);
}

TEST(LoadgenModels, OneModelHasNoBreakdown) {
  const std::vector<RequestResult> results{ok(5), ok(6)};
  for (const Names& models : {Names{}, Names{"a"}, Names{"a", "a"}}) {
    const auto report = build_report(results, 1.0, 2, models);
    EXPECT_TRUE(report.per_model.empty());
    EXPECT_FALSE(report_json(report).contains("per_model"));
    EXPECT_EQ(report_table(report).find("Per Model"), std::string::npos);
  }
}

TEST(LoadgenModels, JsonAndTableShowEachModel) {
  const auto report = build_report({ok(10), failed(), ok(30)}, 2.0, 2, Names{"a1", "a2"});
  const auto json = report_json(report);
  ASSERT_TRUE(json.contains("per_model"));
  ASSERT_EQ(json["per_model"].size(), 2u);
  EXPECT_EQ(json["per_model"][0]["model"], "a1");
  EXPECT_EQ(json["per_model"][0]["completed"], 2);
  EXPECT_EQ(json["per_model"][0]["total_output_tokens"], 40);
  EXPECT_DOUBLE_EQ(json["per_model"][0]["output_throughput"].get<double>(), 20.0);
  EXPECT_EQ(json["per_model"][1]["model"], "a2");
  EXPECT_EQ(json["per_model"][1]["completed"], 0);
  EXPECT_EQ(json["per_model"][1]["failed"], 1);

  const auto table = report_table(report);
  EXPECT_NE(table.find("--- Per Model"), std::string::npos);
  EXPECT_NE(table.find("Successful requests to a1:"), std::string::npos);
  EXPECT_NE(table.find("0 (1 failed)"), std::string::npos);
  EXPECT_NE(table.find("Output tok/s of a1:"), std::string::npos);
  EXPECT_NE(table.find("20.00"), std::string::npos);
  // The aggregate lines are still there and come first.
  EXPECT_LT(table.find("Output token throughput (tok/s):"), table.find("--- Per Model"));
}

// A fake OpenAI server that streams max_tokens chunks for any model.
bool fake_openai(tcp::socket& socket, const SeenRequest& request) {
  namespace t = backends::testing;
  if (request.target != "/v1/completions") return t::write_response(socket, 404, "{}");
  const int n = Json::parse(request.body)["max_tokens"].get<int>();
  t::start_sse(socket);
  for (int i = 0; i < n; ++i) {
    t::write_event(socket,
                   Json{{"choices", Json::array({Json{{"index", 0}, {"text", " t"}}})}}.dump());
  }
  t::write_event(socket, Json{{"choices", Json::array()},
                              {"usage", Json{{"prompt_tokens", 3}, {"completion_tokens", n}}}}
                             .dump());
  t::write_event(socket, "[DONE]");
  return t::end_chunks(socket);
}

TEST(LoadgenModels, RunnerSendsRequestsRoundRobin) {
  TestServer server(fake_openai);
  BenchOptions options;
  options.base_url = server.base_url();
  options.model = "m1,m2,m3";
  options.num_prompts = 6;
  options.concurrency = 1;  // one at a time, so the server sees them in order
  options.output_len = 4;
  options.warmup = 3;
  options.timeout_seconds = 10;
  const auto run = run_bench(options, [](const std::string&) {});

  Names sent;
  for (const auto& request : server.requests()) {
    if (request.target == "/v1/completions") sent.push_back(Json::parse(request.body)["model"]);
  }
  // Warmup (one per model) then the measured requests, each going round-robin from m1.
  EXPECT_EQ(sent, (Names{"m1", "m2", "m3", "m1", "m2", "m3", "m1", "m2", "m3"}));
  EXPECT_EQ(run.report.completed, 6);
  ASSERT_EQ(run.report.per_model.size(), 3u);
  for (const auto& f : run.report.per_model) {
    EXPECT_EQ(f.completed, 2) << f.model;
    EXPECT_EQ(f.total_output_tokens, 8) << f.model;
  }
  EXPECT_EQ(run.config["model"], "m1,m2,m3");
  EXPECT_EQ(run.config["models"], Json::array({"m1", "m2", "m3"}));
}

TEST(LoadgenModels, RunnerRefusesAnEmptyNameBeforeSending) {
  TestServer server(fake_openai);
  BenchOptions options;
  options.base_url = server.base_url();
  options.model = "m1,,m2";
  options.num_prompts = 2;
  EXPECT_THROW(run_bench(options, [](const std::string&) {}), std::invalid_argument);
  EXPECT_TRUE(server.requests().empty());
}

}  // namespace
}  // namespace slipway::app::loadgen
