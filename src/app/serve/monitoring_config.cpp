#include "app/serve/monitoring_config.h"

#include <map>
#include <stdexcept>

#include "app/serve/upstream_config.h"

namespace slipway::app {
namespace {

constexpr double kDaySeconds = 86'400;

std::filesystem::path read_path(YamlSection& section, const char* key,
                                const std::filesystem::path& base_dir) {
  std::string text;
  section.read(key, text);
  if (text.empty()) return {};
  const std::filesystem::path path(text);
  return path.is_absolute() ? path : base_dir / path;
}

void read_judge(YamlSection section, const std::filesystem::path& base_dir, JudgeSettings& judge) {
  auto& options = judge.options;
  section.read("model", judge.model);
  if (YAML::Node upstream = section.child("upstream"); upstream && !upstream.IsNull())
    judge.upstream =
        read_upstream(YamlSection(upstream, section.where() + ".upstream", section.source()));
  read_number(section, "sample_rate", options.sample_rate, 0, 1);
  section.read("routes", options.route_rates);
  for (const auto& [route, rate] : options.route_rates) {
    if (!(rate >= 0 && rate <= 1))
      section.fail_at("routes", section.where() + ".routes." + route + " must be from 0 to 1");
  }
  read_number(section, "pair_rate", options.pair_rate, 0, 1);
  judge.score_template = read_path(section, "prompt_template", base_dir);
  judge.pair_template = read_path(section, "pair_template", base_dir);
  read_range(section, "concurrency", options.concurrency, 1, 256);
  read_range(section, "max_queue", options.max_queue, 1, 1'000'000);
  read_seconds(section, "timeout_seconds", options.timeout, 3600);
  read_range(section, "max_tokens", options.max_tokens, 1, 1'000'000);
  read_range(section, "max_text_bytes", options.max_text_bytes, 256, 1 << 20);
  read_seconds(section, "pair_wait_seconds", options.pair_wait_ms, kDaySeconds);
  section.reject_unknown_keys();
  if (judge.model.empty() == !judge.upstream.has_value()) {
    section.fail(section.where() +
                 " needs exactly one of model (a served model, route or version) or upstream");
  }
  if (judge.upstream && judge.upstream->base_url.empty())
    section.fail(section.where() + ".upstream.base_url is required");
  const std::string upstream_model =
      judge.upstream ? (judge.upstream->model.empty() ? "judge" : judge.upstream->model) : "";
  options.judge_model = judge.upstream ? upstream_model : judge.model;
  options.judge_name =
      judge.upstream ? upstream_model + " at " + judge.upstream->base_url : judge.model;
}

void read_quality(YamlSection section, monitor::QualitySettings& quality) {
  read_seconds(section, "window_seconds", quality.window_ms, 30 * kDaySeconds);
  read_number(section, "max_drop", quality.max_drop, 0, 1);
  read_range(section, "windows", quality.windows, 1, 1000);
  read_range(section, "min_samples", quality.min_samples, 1, 1'000'000);
  double pinned = -1;
  section.read("baseline", pinned);
  if (const YAML::Node given = section.child("baseline"); given && !given.IsNull()) {
    if (!(pinned >= 0 && pinned <= 10))
      section.fail_at("baseline", section.where() + ".baseline must be a score from 0 to 10");
    quality.pinned_baseline = pinned;
  }
  read_seconds(section, "baseline_window_seconds", quality.baseline_window_ms, 365 * kDaySeconds);
  section.reject_unknown_keys();
  try {
    monitor::validate_quality_settings(quality);
  } catch (const std::invalid_argument& e) {
    section.fail(section.where() + ": " + e.what());
  }
}

void read_drift(YamlSection section, const std::filesystem::path& base_dir,
                MonitorSettings& settings) {
  auto& recorder = settings.service.drift;
  auto& drift = settings.service.evaluator.drift;
  auto& t = drift.thresholds;
  read_seconds(section, "slot_seconds", recorder.slot_ms, kDaySeconds);
  read_seconds(section, "window_seconds", drift.window_ms, 30 * kDaySeconds);
  read_seconds(section, "flush_seconds", recorder.flush_interval_ms, 3600);
  read_range(section, "retention_days", recorder.retention_days, 1, 100'000);
  read_range(section, "min_answers", t.min_answers, 1, 100'000'000);
  read_range(section, "length_bins", t.length_bins, 2, 100);
  read_number(section, "psi_warning", t.psi_warning, 0, 100);
  read_number(section, "psi_critical", t.psi_critical, 0, 100);
  read_number(section, "ks_alpha", t.ks_alpha, 0, 1);
  read_number(section, "ks_min_statistic", t.ks_min_statistic, 0, 1);
  read_number(section, "refusal_increase", t.refusal_increase, 0, 1);
  read_number(section, "uncertainty_increase", t.uncertainty_increase, 0, 1);
  read_range(section, "top_terms", t.top_terms, 1, 10'000);
  read_number(section, "topic_warning", t.topic_warning, 0, 1);
  read_number(section, "topic_critical", t.topic_critical, 0, 1);
  read_number(section, "finish_warning", t.finish_warning, 0, 1);
  read_number(section, "finish_critical", t.finish_critical, 0, 1);
  settings.phrases = read_path(section, "phrases", base_dir);
  section.reject_unknown_keys();
  if (recorder.slot_ms < 1000) section.fail_at("slot_seconds", "drift.slot_seconds must be >= 1");
  if (drift.window_ms % recorder.slot_ms != 0)
    section.fail_at("window_seconds",
                    "drift.window_seconds must be a whole number of slot_seconds");
  if (t.psi_critical < t.psi_warning || t.topic_critical < t.topic_warning ||
      t.finish_critical < t.finish_warning)
    section.fail(section.where() + ": a critical threshold is below its warning threshold");
  try {
    monitor::validate_drift_thresholds(t);
  } catch (const std::invalid_argument& e) {
    section.fail(section.where() + ": " + e.what());
  }
}

monitor::AlertRule read_rule(YamlSection section) {
  monitor::AlertRule rule;
  section.read("name", rule.name);
  section.read("kind", rule.kind);
  section.read("route", rule.route);
  section.read("arms", rule.arms);
  section.read("checks", rule.checks);
  section.read("min_severity", rule.min_severity);
  std::string action = "none";
  section.read("action", action);
  section.reject_unknown_keys();
  const auto parsed = monitor::parse_alert_action(action);
  if (!parsed)
    section.fail_at("action", section.where() + ".action must be none, pause_rollout or rollback");
  rule.action = *parsed;
  return rule;
}

monitor::WebhookTarget read_webhook(YamlSection section, std::string& secret_env) {
  monitor::WebhookTarget target;
  section.read("url", target.url);
  std::string format = "json";
  section.read("format", format);
  std::map<std::string, std::string> headers;
  section.read("headers", headers);
  section.read("signing_secret_env", secret_env);
  section.read("min_severity", target.min_severity);
  section.reject_unknown_keys();
  if (target.url.empty()) section.fail(section.where() + ".url is required");
  if (format == "json") {
    target.format = monitor::WebhookFormat::Json;
  } else if (format == "slack") {
    target.format = monitor::WebhookFormat::Slack;
  } else {
    section.fail_at("format", section.where() + ".format must be json or slack");
  }
  if (target.min_severity != "warning" && target.min_severity != "critical")
    section.fail_at("min_severity", section.where() + ".min_severity must be warning or critical");
  target.headers.assign(headers.begin(), headers.end());
  return target;
}

void read_alerts(YamlSection section, MonitorSettings& settings) {
  auto& service = settings.service;
  if (YAML::Node rules = section.child("rules"); rules && !rules.IsNull()) {
    if (!rules.IsSequence()) section.fail("alerts.rules must be a list", rules.Mark());
    service.evaluator.rules.clear();
    for (std::size_t i = 0; i < rules.size(); ++i) {
      service.evaluator.rules.push_back(read_rule(YamlSection(
          rules[i], section.where() + ".rules[" + std::to_string(i) + "]", section.source())));
    }
  }
  if (YAML::Node hooks = section.child("webhooks"); hooks && !hooks.IsNull()) {
    if (!hooks.IsSequence()) section.fail("alerts.webhooks must be a list", hooks.Mark());
    for (std::size_t i = 0; i < hooks.size(); ++i) {
      std::string secret_env;
      service.webhooks.push_back(read_webhook(
          YamlSection(hooks[i], section.where() + ".webhooks[" + std::to_string(i) + "]",
                      section.source()),
          secret_env));
      settings.webhook_secret_envs.push_back(secret_env);
    }
  }
  read_seconds(section, "webhook_timeout_seconds", service.webhook_options.timeout, 600);
  read_range(section, "webhook_attempts", service.webhook_options.attempts, 1, 20);
  read_range(section, "retention_days", service.alert_retention_days, 1, 100'000);
  section.reject_unknown_keys();
  try {
    monitor::validate_alert_rules(service.evaluator.rules);
  } catch (const std::invalid_argument& e) {
    section.fail(std::string("monitoring.alerts: ") + e.what());
  }
}

}  // namespace

void read_monitoring_config(YamlSection section, const std::filesystem::path& base_dir,
                            MonitorSettings& settings) {
  section.read("enabled", settings.enabled);
  read_seconds(section, "evaluate_every_seconds", settings.service.evaluate_interval_ms,
               kDaySeconds);
  read_seconds(section, "lookback_seconds", settings.service.evaluator.lookback_ms,
               365 * kDaySeconds);
  if (YAML::Node judge = section.child("judge"); judge && !judge.IsNull()) {
    settings.judge.emplace();
    read_judge(YamlSection(judge, "monitoring.judge", section.source()), base_dir, *settings.judge);
  }
  read_range(section, "judge_retention_days", settings.service.judge_retention_days, 1, 100'000);
  read_quality(YamlSection(section.child("quality"), "monitoring.quality", section.source()),
               settings.service.evaluator.quality);
  read_drift(YamlSection(section.child("drift"), "monitoring.drift", section.source()), base_dir,
             settings);
  read_alerts(YamlSection(section.child("alerts"), "monitoring.alerts", section.source()),
              settings);
  section.reject_unknown_keys();
}

}  // namespace slipway::app
