// What monitoring costs per answer. On the request path, MonitorService::observe() only queues
// the answer (its texts were copied out of the log's capture); the monitor's worker then reads
// its drift signals (refusal and uncertainty phrases, prompt and response terms), counts them,
// and offers it to the judge's sampler (a SHA-256 of the id). The baseline, measured in the
// same run, is what the server already does per answer: serialize the chat completion body it
// sends. A judge answer's score parsing is measured too (on the judge's own threads).
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "monitor/drift/drift_recorder.h"
#include "monitor/drift/text_signals.h"
#include "monitor/judge/judge_sampling.h"
#include "monitor/judge/score_parser.h"
#include "monitor/monitor_service.h"
#include "store/store.h"

namespace {

namespace fs = std::filesystem;
using namespace slipway::monitor;

const std::string kPrompt =
    "My order 48213 arrived damaged and the box was open. Can I get a refund or a replacement, "
    "and do I need to send the item back first? I bought it three weeks ago with a gift card.";

// About 1 KB: a typical support answer.
std::string response_text() {
  std::string text =
      "I'm sorry to hear that your order arrived damaged. You can choose either a full refund or a "
      "replacement. Because the item was damaged in transit, you do not need to send it back "
      "first: please upload two photos of the item and the packaging on the order page, and we "
      "will process your request within two business days. Refunds for gift card purchases go "
      "back to a new gift card with the same balance, which we email to you. If you would rather "
      "have the replacement, it ships with express delivery at no cost. ";
  text += text;
  return text;
}

ObservedAnswer answer(int64_t serial) {
  ObservedAnswer a;
  a.id = "chatcmpl-" + std::to_string(serial);
  a.route = "customer-support";
  a.version = "support/3";
  a.arm = serial % 10 == 0 ? "canary" : "stable";
  a.prompt = kPrompt;
  a.response = response_text();
  a.finish_reason = "stop";
  a.completion_tokens = 212;
  a.created_ms = 1'800'000'000'000 + serial;
  return a;
}

// Baseline: the chat completion body the server serializes for this answer anyway.
void BM_SerializeResponseBody(benchmark::State& state) {
  const ObservedAnswer a = answer(1);
  int64_t serial = 0;
  for (auto _ : state) {
    nlohmann::json body = {
        {"id", "chatcmpl-" + std::to_string(++serial)},
        {"object", "chat.completion"},
        {"created", 1796000000},
        {"model", a.route},
        {"system_fingerprint", a.version},
        {"choices",
         nlohmann::json::array({{{"index", 0},
                                 {"message", {{"role", "assistant"}, {"content", a.response}}},
                                 {"finish_reason", a.finish_reason}}})},
        {"usage", {{"prompt_tokens", 48}, {"completion_tokens", 212}, {"total_tokens", 260}}}};
    benchmark::DoNotOptimize(body.dump());
  }
}
BENCHMARK(BM_SerializeResponseBody);

// A fresh SQLite store in a temporary folder, deleted afterwards.
struct TempStore {
  fs::path dir =
      fs::temp_directory_path() / ("slipway-monitor-bench-" + std::to_string(::getpid()));
  std::unique_ptr<slipway::store::Store> store;
  TempStore() {
    fs::remove_all(dir);
    store = slipway::store::Store::open((dir / "monitor.db").string());
  }
  ~TempStore() {
    store.reset();
    fs::remove_all(dir);
  }
};

// What a request pays: observe() queues the answer for the monitor's worker.
void BM_ObserveOnRequestPath(benchmark::State& state) {
  TempStore temp;
  MonitorServiceOptions options;
  options.max_pending_answers = 1'000'000;
  options.drift.flush_interval_ms = 3'600'000;
  MonitorService monitor(*temp.store, options,
                         std::make_shared<const PhraseMatcher>(PhraseLists::defaults()),
                         std::nullopt, nullptr);
  const ObservedAnswer a = answer(1);
  for (auto _ : state) monitor.observe(a);
  monitor.wait_observed(std::chrono::minutes(5));  // after the timed loop
}
BENCHMARK(BM_ObserveOnRequestPath);

// The worker's drift part: signals read, counted in the answer's slot (no store access).
void BM_DriftRecord(benchmark::State& state) {
  TempStore temp;
  DriftRecorderOptions options;
  options.flush_interval_ms = 3'600'000;  // the bench measures record(), not flushes
  DriftRecorder recorder(*temp.store,
                         std::make_shared<const PhraseMatcher>(PhraseLists::defaults()), options);
  ObservedAnswer a = answer(1);
  int64_t serial = 0;
  for (auto _ : state) {
    a.created_ms = 1'800'000'000'000 + (++serial % 60'000);
    recorder.record(a);
  }
}
BENCHMARK(BM_DriftRecord);

// The judge's sampler for an answer that is not sampled (95% of them at the default rate).
void BM_JudgeSampling(benchmark::State& state) {
  int64_t serial = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(sampled_for_judge("chatcmpl-" + std::to_string(++serial), 0.05));
  }
}
BENCHMARK(BM_JudgeSampling);

// Reading the score of a typical judge answer (a paragraph, then "Rating: [[8]]").
void BM_ParseJudgeScore(benchmark::State& state) {
  const std::string reply =
      "The answer is accurate and addresses both questions: it explains the refund and "
      "replacement options and says the item need not be returned first. It is complete and "
      "fluent, though it could mention the time limit for claims.\nRating: [[8]]";
  for (auto _ : state) benchmark::DoNotOptimize(parse_score(reply));
}
BENCHMARK(BM_ParseJudgeScore);

}  // namespace

BENCHMARK_MAIN();
