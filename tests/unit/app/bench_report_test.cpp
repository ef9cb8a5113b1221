#include <gtest/gtest.h>

#include "app/loadgen/report.h"

namespace slipway::app::loadgen {
namespace {

RequestResult ok(double ttft, double e2e, int64_t in, int64_t out, std::vector<double> itl) {
  RequestResult r;
  r.ok = true;
  r.ttft = ttft;
  r.e2e = e2e;
  r.prompt_tokens = in;
  r.output_tokens = out;
  r.itl = std::move(itl);
  return r;
}

RequestResult failed(std::string error) {
  RequestResult r;
  r.error = std::move(error);
  return r;
}

TEST(BenchReport, ComputesTheFigures) {
  std::vector<RequestResult> results{ok(0.1, 1.1, 10, 11, {0.1, 0.1}),
                                     ok(0.3, 2.3, 20, 5, {0.5, 0.5, 0.5, 0.5}), failed("HTTP 500")};
  for (int i = 0; i < 7; ++i) results.push_back(failed(std::to_string(i)));
  const auto report = build_report(results, 2.0, 3);
  EXPECT_EQ(report.completed, 2);
  EXPECT_EQ(report.failed, 8);
  ASSERT_EQ(report.errors.size(), kMaxReportedErrors);
  EXPECT_EQ(report.errors[0], "HTTP 500");
  EXPECT_EQ(report.total_input_tokens, 30);
  EXPECT_EQ(report.total_output_tokens, 16);
  EXPECT_DOUBLE_EQ(report.request_throughput, 1.0);
  EXPECT_DOUBLE_EQ(report.output_throughput, 8.0);
  EXPECT_DOUBLE_EQ(report.total_token_throughput, 23.0);
  EXPECT_EQ(report.max_concurrency, 3);
  EXPECT_NEAR(report.ttft_ms.mean, 200.0, 1e-9);
  // TPOT: (1.1-0.1)/10 = 100 ms and (2.3-0.3)/4 = 500 ms.
  EXPECT_NEAR(report.tpot_ms.mean, 300.0, 1e-9);
  EXPECT_NEAR(report.tpot_ms.p50, 300.0, 1e-9);
  EXPECT_EQ(report.itl_ms.count, 6u);
  EXPECT_NEAR(report.itl_ms.p50, 500.0, 1e-9);
  EXPECT_NEAR(report.e2e_ms.p99, 1100 + 1200 * 0.99, 1e-6);
}

TEST(BenchReport, JsonHasEveryField) {
  const auto report = build_report({ok(0.1, 1.1, 10, 11, {0.1})}, 1.0, 1);
  const auto json = report_json(report, nlohmann::ordered_json{{"model", "m"}});
  for (const char* key :
       {"config", "completed", "failed", "errors", "duration_s", "total_input_tokens",
        "total_output_tokens", "request_throughput", "output_throughput", "total_token_throughput",
        "max_concurrency", "ttft_ms", "tpot_ms", "itl_ms", "e2e_latency_ms"}) {
    EXPECT_TRUE(json.contains(key)) << key;
  }
  for (const char* metric : {"ttft_ms", "tpot_ms", "itl_ms", "e2e_latency_ms"}) {
    for (const char* stat : {"mean", "p50", "p95", "p99"}) {
      EXPECT_TRUE(json[metric][stat].is_number()) << metric << "." << stat;
    }
  }
  EXPECT_EQ(json["config"]["model"], "m");
  EXPECT_EQ(json["completed"], 1);
  EXPECT_NEAR(json["ttft_ms"]["mean"].get<double>(), 100.0, 1e-9);
  EXPECT_FALSE(report_json(report).contains("config"));
}

TEST(BenchReport, TableIsAligned) {
  const auto report = build_report({ok(0.1, 1.1, 10, 11, {0.1}), failed("boom")}, 1.0, 2);
  const auto table = report_table(report);
  EXPECT_NE(table.find("Successful requests:"), std::string::npos);
  EXPECT_NE(table.find("P99 TTFT (ms):"), std::string::npos);
  EXPECT_NE(table.find("boom"), std::string::npos);
  // Every "label: value" line puts its value at the same right edge.
  std::size_t width = 0;
  std::size_t start = 0;
  while (start < table.size()) {
    const auto end = table.find('\n', start);
    const auto row = table.substr(start, end - start);
    start = end + 1;
    if (row.find(':') == std::string::npos || row.rfind("  ", 0) == 0 ||
        row.rfind("First", 0) == 0) {
      continue;
    }
    if (width == 0) width = row.size();
    EXPECT_EQ(row.size(), width) << row;
  }
  EXPECT_GT(width, 0u);
}

}  // namespace
}  // namespace slipway::app::loadgen
