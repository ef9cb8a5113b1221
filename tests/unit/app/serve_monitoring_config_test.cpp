// The `monitoring:` section of the serve YAML: defaults, every key, the judge's two forms,
// alert rules and webhooks, and the errors a typo or an impossible setting gets.
#include <gtest/gtest.h>

#include "app/serve/serve_config.h"

namespace slipway::app {
namespace {

MonitorSettings parse(const std::string& yaml) {
  return parse_serve_config(yaml, "test.yaml", "/cfg").monitoring;
}

std::string error_of(const std::string& yaml) {
  try {
    parse(yaml);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(MonitoringConfig, AbsentSectionKeepsTheDefaults) {
  const MonitorSettings read = parse("server: {port: 9000}\n");
  const monitor::MonitorServiceOptions defaults;
  EXPECT_TRUE(read.enabled);
  EXPECT_FALSE(read.judge.has_value());
  EXPECT_EQ(read.service.evaluate_interval_ms, defaults.evaluate_interval_ms);
  EXPECT_EQ(read.service.drift.slot_ms, 60'000);
  EXPECT_EQ(read.service.evaluator.drift.window_ms, 3'600'000);
  EXPECT_EQ(read.service.evaluator.quality.windows, 3);
  EXPECT_DOUBLE_EQ(read.service.evaluator.quality.max_drop, 0.05);
  EXPECT_FALSE(read.service.evaluator.quality.pinned_baseline.has_value());
  ASSERT_EQ(read.service.evaluator.rules.size(), 2u);  // quality and drift, no action
  EXPECT_TRUE(read.service.webhooks.empty());
  EXPECT_TRUE(read.phrases.empty());
}

TEST(MonitoringConfig, ReadsEveryKey) {
  const MonitorSettings read = parse(R"(
monitoring:
  enabled: true
  evaluate_every_seconds: 0.5
  lookback_seconds: 7200
  judge_retention_days: 3
  judge:
    upstream: {base_url: "http://judge:9000/v1", model: judge-x, api_key_env: JUDGE_KEY}
    sample_rate: 0.25
    routes: {support: 1}
    pair_rate: 0.5
    prompt_template: judge.txt
    pair_template: /abs/pair.txt
    concurrency: 3
    max_queue: 10
    timeout_seconds: 2.5
    max_tokens: 64
    max_text_bytes: 4096
    pair_wait_seconds: 30
  quality:
    window_seconds: 60
    max_drop: 0.1
    windows: 2
    min_samples: 4
    baseline: 8
    baseline_window_seconds: 600
  drift:
    slot_seconds: 5
    window_seconds: 30
    flush_seconds: 1
    retention_days: 2
    min_answers: 20
    length_bins: 5
    psi_warning: 0.15
    psi_critical: 0.3
    ks_alpha: 0.05
    ks_min_statistic: 0.2
    refusal_increase: 0.1
    uncertainty_increase: 0.2
    top_terms: 20
    topic_warning: 0.2
    topic_critical: 0.4
    finish_warning: 0.05
    finish_critical: 0.5
    phrases: phrases.yaml
  alerts:
    rules:
      - {name: canary-drift, kind: drift, route: support, arms: [canary], checks: [length_psi], min_severity: critical, action: rollback}
      - {name: quality, kind: quality, action: pause_rollout}
    webhooks:
      - {url: "http://hooks/a", format: slack, min_severity: critical, headers: {Authorization: Bearer x}}
      - {url: "https://hooks/b"}
    webhook_timeout_seconds: 2
    webhook_attempts: 5
    retention_days: 7
)");
  EXPECT_EQ(read.service.evaluate_interval_ms, 500);
  EXPECT_EQ(read.service.evaluator.lookback_ms, 7'200'000);
  EXPECT_EQ(read.service.judge_retention_days, 3);
  ASSERT_TRUE(read.judge.has_value());
  const JudgeSettings& judge = *read.judge;
  ASSERT_TRUE(judge.upstream.has_value());
  EXPECT_EQ(judge.upstream->base_url, "http://judge:9000/v1");
  EXPECT_EQ(judge.options.judge_model, "judge-x");
  EXPECT_EQ(judge.options.judge_name, "judge-x at http://judge:9000/v1");
  EXPECT_DOUBLE_EQ(judge.options.sample_rate, 0.25);
  EXPECT_DOUBLE_EQ(judge.options.route_rates.at("support"), 1.0);
  EXPECT_DOUBLE_EQ(judge.options.pair_rate, 0.5);
  EXPECT_EQ(judge.score_template, std::filesystem::path("/cfg/judge.txt"));
  EXPECT_EQ(judge.pair_template, std::filesystem::path("/abs/pair.txt"));
  EXPECT_EQ(judge.options.concurrency, 3);
  EXPECT_EQ(judge.options.max_queue, 10u);
  EXPECT_EQ(judge.options.timeout.count(), 2500);
  EXPECT_EQ(judge.options.max_tokens, 64);
  EXPECT_EQ(judge.options.max_text_bytes, 4096u);
  EXPECT_EQ(judge.options.pair_wait_ms, 30'000);
  const auto& quality = read.service.evaluator.quality;
  EXPECT_EQ(quality.window_ms, 60'000);
  EXPECT_DOUBLE_EQ(quality.max_drop, 0.1);
  EXPECT_EQ(quality.windows, 2);
  EXPECT_EQ(quality.min_samples, 4);
  ASSERT_TRUE(quality.pinned_baseline.has_value());
  EXPECT_DOUBLE_EQ(*quality.pinned_baseline, 8.0);
  EXPECT_EQ(quality.baseline_window_ms, 600'000);
  EXPECT_EQ(read.service.drift.slot_ms, 5'000);
  EXPECT_EQ(read.service.drift.flush_interval_ms, 1'000);
  EXPECT_EQ(read.service.drift.retention_days, 2);
  const auto& drift = read.service.evaluator.drift;
  EXPECT_EQ(drift.window_ms, 30'000);
  EXPECT_EQ(drift.thresholds.min_answers, 20);
  EXPECT_EQ(drift.thresholds.length_bins, 5);
  EXPECT_DOUBLE_EQ(drift.thresholds.psi_warning, 0.15);
  EXPECT_DOUBLE_EQ(drift.thresholds.psi_critical, 0.3);
  EXPECT_DOUBLE_EQ(drift.thresholds.ks_alpha, 0.05);
  EXPECT_DOUBLE_EQ(drift.thresholds.ks_min_statistic, 0.2);
  EXPECT_DOUBLE_EQ(drift.thresholds.refusal_increase, 0.1);
  EXPECT_DOUBLE_EQ(drift.thresholds.uncertainty_increase, 0.2);
  EXPECT_EQ(drift.thresholds.top_terms, 20);
  EXPECT_DOUBLE_EQ(drift.thresholds.topic_warning, 0.2);
  EXPECT_DOUBLE_EQ(drift.thresholds.topic_critical, 0.4);
  EXPECT_DOUBLE_EQ(drift.thresholds.finish_warning, 0.05);
  EXPECT_DOUBLE_EQ(drift.thresholds.finish_critical, 0.5);
  EXPECT_EQ(read.phrases, std::filesystem::path("/cfg/phrases.yaml"));
  const auto& rules = read.service.evaluator.rules;
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules[0].name, "canary-drift");
  EXPECT_EQ(rules[0].route, "support");
  EXPECT_EQ(rules[0].arms, std::vector<std::string>{"canary"});
  EXPECT_EQ(rules[0].checks, std::vector<std::string>{"length_psi"});
  EXPECT_EQ(rules[0].min_severity, "critical");
  EXPECT_EQ(rules[0].action, monitor::AlertAction::Rollback);
  EXPECT_EQ(rules[1].action, monitor::AlertAction::PauseRollout);
  const auto& hooks = read.service.webhooks;
  ASSERT_EQ(hooks.size(), 2u);
  EXPECT_EQ(hooks[0].format, monitor::WebhookFormat::Slack);
  EXPECT_EQ(hooks[0].min_severity, "critical");
  ASSERT_EQ(hooks[0].headers.size(), 1u);
  EXPECT_EQ(hooks[0].headers[0].first, "Authorization");
  EXPECT_EQ(hooks[1].format, monitor::WebhookFormat::Json);
  EXPECT_EQ(read.service.webhook_options.timeout.count(), 2000);
  EXPECT_EQ(read.service.webhook_options.attempts, 5);
  EXPECT_EQ(read.service.alert_retention_days, 7);
}

TEST(MonitoringConfig, AJudgeModelIsResolvedLikeAClientsModel) {
  const MonitorSettings read = parse("monitoring:\n  judge: {model: judge-route}\n");
  ASSERT_TRUE(read.judge.has_value());
  EXPECT_FALSE(read.judge->upstream.has_value());
  EXPECT_EQ(read.judge->options.judge_model, "judge-route");
  EXPECT_EQ(read.judge->options.judge_name, "judge-route");
  EXPECT_DOUBLE_EQ(read.judge->options.sample_rate, 0.05);
}

TEST(MonitoringConfig, MistakesAreErrorsWithTheLine) {
  // Each YAML mistake and a part of the error it must give.
  const std::pair<const char*, const char*> cases[] = {
      {"monitoring:\n  judge: {sample_rate: 0.1}\n", "exactly one of model"},
      {"monitoring:\n  judge: {model: a, upstream: {base_url: 'http://x'}}\n",
       "exactly one of model"},
      {"monitoring:\n  judge: {upstream: {model: x}}\n", "base_url"},
      {"monitoring:\n  judge: {model: a, sample_rate: 1.5}\n", "test.yaml:2"},
      {"monitoring:\n  judge: {model: a, routes: {x: 2}}\n", "routes.x"},
      {"monitoring:\n  drift: {slot_seconds: 60, window_seconds: 90}\n",
       "whole number of slot_seconds"},
      {"monitoring:\n  drift: {slot_seconds: 0.5}\n", "slot_seconds"},
      {"monitoring:\n  drift: {psi_warning: 0.5, psi_critical: 0.2}\n", "critical threshold"},
      {"monitoring:\n  quality: {baseline: 11}\n", "score from 0 to 10"},
      {"monitoring:\n  drift: {refusal_increase: 0}\n", "refusal_increase"},
      {"monitoring:\n  drift: {ks_alpha: 0}\n", "ks_alpha"},
      {"monitoring:\n  alerts:\n    rules:\n      - {name: a, kind: drift, action: explode}\n",
       "action must be none, pause_rollout or rollback"},
      {"monitoring:\n  alerts:\n    rules:\n      - {name: a, kind: vibes}\n", "monitoring.alerts"},
      {"monitoring:\n  alerts:\n    webhooks: [{url: 'http://h', format: xml}]\n",
       "format must be json or slack"},
      {"monitoring:\n  alerts:\n    webhooks: [{format: json}]\n", "url is required"},
      {"monitoring:\n  drift: {psi: 1}\n", "unknown key monitoring.drift.psi"},
      {"monitoring:\n  evaluate_every: 3\n", "unknown key"},
  };
  for (const auto& [yaml, expected] : cases) {
    const std::string error = error_of(yaml);
    EXPECT_NE(error.find(expected), std::string::npos) << yaml << "gave: " << error;
  }
}

}  // namespace
}  // namespace slipway::app
