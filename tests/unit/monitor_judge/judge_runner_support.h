#pragma once
// Runner tests: a store (both dialects), a fake judge, and answers to observe.
#include <memory>
#include <string>
#include <vector>

#include "fake_judge_backend.h"
#include "judge_store_support.h"
#include "monitor/judge/judge_runner.h"

namespace slipway::monitor::test {

// An answer of route "support" served as `arm`.
inline ObservedAnswer observed(const std::string& id, const std::string& response = "Paris.",
                               const std::string& arm = "stable") {
  ObservedAnswer answer;
  answer.id = id;
  answer.route = "support";
  answer.version = arm == "canary" ? "support/2" : "support/1";
  answer.arm = arm;
  answer.prompt = "What is the capital of France?";
  answer.response = response;
  answer.finish_reason = "stop";
  answer.completion_tokens = 3;
  answer.created_ms = kDec1 - kMinute;
  return answer;
}

// A shadow copy of `primary_id`'s request, answered by support/3.
inline ObservedAnswer shadow_of(const std::string& primary_id, const std::string& response,
                                const std::string& suffix = "-shadow-0") {
  ObservedAnswer answer = observed(primary_id + suffix, response, "shadow");
  answer.version = "support/3";
  answer.primary_id = primary_id;
  return answer;
}

// Every answer judged, no pairs, a quick timeout: tests change what they test.
inline JudgeOptions judge_everything() {
  JudgeOptions options;
  options.judge_name = "fake-judge";
  options.judge_model = "judge-model";
  options.sample_rate = 1.0;
  options.pair_rate = 0.0;
  options.timeout = std::chrono::milliseconds(5'000);
  return options;
}

class JudgeRunnerTest : public JudgeStoreTest {
 protected:
  std::unique_ptr<JudgeRunner> runner(JudgeOptions options, PairPreferenceSink preferences = {}) {
    return std::make_unique<JudgeRunner>(
        *store_, options, JudgeTemplate(default_score_template(), TemplateKind::Score),
        JudgeTemplate(default_pair_template(), TemplateKind::Pair),
        [this]() -> std::shared_ptr<backends::Backend> { return judge_; }, std::move(preferences),
        clock());
  }

  void use(FakeJudge::Script script) { judge_ = std::make_shared<FakeJudge>(std::move(script)); }

  static FakeJudge::Script always(FakeAnswer answer) {
    return [answer](const std::string&) { return answer; };
  }

  std::vector<std::string> ids_of(const std::string& sql) {
    std::vector<std::string> ids;
    store_->read([&](store::Transaction& tx) {
      for (const auto& row : tx.query(sql)) ids.push_back(row.text(0));
    });
    return ids;
  }

  std::shared_ptr<FakeJudge> judge_;
};

}  // namespace slipway::monitor::test
