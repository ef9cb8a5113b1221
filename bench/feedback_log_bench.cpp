// Answers/s the response log writes on SQLite (WAL, synchronous=FULL) in a temporary folder:
// FeedbackLog's group commit (one transaction per batch, answers queued by log() and written
// by its thread) against one store.write per answer, the fsync-per-answer design it replaces.
// Both store the same rows: encoded, redacted, with a body per answer.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "feedback/answer_rows.h"
#include "feedback/exchange_encoding.h"
#include "feedback/feedback_log.h"
#include "feedback/feedback_schema.h"
#include "store/store.h"

namespace {

using namespace slipway::feedback;
namespace fs = std::filesystem;

// A fresh SQLite database, deleted with the fixture.
class TempStore {
 public:
  explicit TempStore(const std::string& name)
      : dir_(fs::temp_directory_path() /
             ("slipway-feedback-bench-" + std::to_string(::getpid()) + "-" + name)) {
    fs::remove_all(dir_);
    store_ = slipway::store::Store::open((dir_ / "feedback.db").string());
  }
  ~TempStore() {
    store_.reset();
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  slipway::store::Store& store() { return *store_; }

 private:
  fs::path dir_;
  std::unique_ptr<slipway::store::Store> store_;
};

// A typical short chat exchange; ids are unique across iterations.
LoggedAnswer answer(int64_t serial) {
  LoggedAnswer answer;
  answer.id = "chatcmpl-" + std::to_string(serial);
  answer.route = "demo";
  answer.version = "demo/1";
  answer.user = "user-" + std::to_string(serial % 100);
  answer.request = Json{
      {"model", "demo"},
      {"temperature", 0.7},
      {"messages", Json::array({Json{{"role", "system"}, {"content", "You are helpful."}},
                                Json{{"role", "user"},
                                     {"content", "Summarize our refund policy for order " +
                                                     std::to_string(1000 + serial % 1000)}}})}};
  answer.choices.push_back(LoggedChoice{
      0,
      Json{{"role", "assistant"},
           {"content", "Refunds are accepted within 30 days of delivery if the item is unused."}},
      "stop", 18});
  answer.prompt_tokens = 40;
  answer.latency_seconds = 0.4;
  answer.created_ms = 1796083200000 + serial;
  return answer;
}

// Group commit: each iteration logs `batch` answers and waits until they are durable.
void group_commit(benchmark::State& state) {
  const auto batch = state.range(0);
  TempStore temp("group");
  LogSettings settings;
  settings.purge_interval_ms = 0;
  FeedbackLog log(temp.store(), settings);
  int64_t serial = 0;
  for (auto _ : state) {
    for (int64_t i = 0; i < batch; ++i) log.log(answer(serial++));
    log.flush();
  }
  state.counters["answers/s"] =
      benchmark::Counter(static_cast<double>(serial), benchmark::Counter::kIsRate);
  state.counters["batches"] = static_cast<double>(log.counters().batches);
}

// One write transaction (one fsync) per answer, encoded the same way.
void write_per_answer(benchmark::State& state) {
  TempStore temp("single");
  migrate_feedback(temp.store());
  const Redactor redactor(default_redaction_rules());
  int64_t serial = 0;
  for (auto _ : state) {
    const LoggedAnswer logged = answer(serial++);
    const EncodedExchange encoded = encode_exchange(logged, redactor, BodyPolicy{});
    temp.store().write(
        [&](slipway::store::Transaction& tx) { insert_answer_rows(tx, logged, encoded); });
  }
  state.counters["answers/s"] =
      benchmark::Counter(static_cast<double>(serial), benchmark::Counter::kIsRate);
}

BENCHMARK(group_commit)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(write_per_answer)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
