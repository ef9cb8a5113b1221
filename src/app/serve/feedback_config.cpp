#include "app/serve/feedback_config.h"

#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "feedback/redactor.h"

namespace slipway::app {
namespace {

constexpr double kMsPerDay = 24.0 * 3600 * 1000;
constexpr double kBytesPerMb = 1024.0 * 1024.0;

// A positive number of days (fractions allowed), as milliseconds.
void read_days(YamlSection& section, const char* key, int64_t& out_ms) {
  double days = static_cast<double>(out_ms) / kMsPerDay;
  section.read(key, days);
  if (!(days > 0) || days > 100'000)
    section.fail_at(key, section.where() + "." + key + " must be a positive number of days");
  out_ms = std::llround(days * kMsPerDay);
}

template <class Int>
void read_positive(YamlSection& section, const char* key, Int& out, int64_t max) {
  int64_t value = static_cast<int64_t>(out);
  section.read(key, value);
  if (value < 1 || value > max)
    section.fail_at(key, section.where() + "." + key + " must be 1-" + std::to_string(max));
  out = static_cast<Int>(value);
}

void read_bodies(YamlSection section, feedback::LogSettings& settings) {
  section.read("sample_rate", settings.bodies.sample_rate);
  if (!(settings.bodies.sample_rate >= 0 && settings.bodies.sample_rate <= 1))
    section.fail_at("sample_rate", "feedback.bodies.sample_rate must be between 0 and 1");
  read_positive(section, "max_bytes", settings.bodies.max_bytes, int64_t{1} << 40);
  read_days(section, "retention_days", settings.retention.body_retention_ms);
  double total_mb = static_cast<double>(settings.retention.max_total_body_bytes) / kBytesPerMb;
  section.read("max_total_mb", total_mb);
  if (!(total_mb > 0) || total_mb > 1e9)
    section.fail_at("max_total_mb", "feedback.bodies.max_total_mb must be positive");
  settings.retention.max_total_body_bytes = std::llround(total_mb * kBytesPerMb);
  section.reject_unknown_keys();
}

// Each rule is compiled here, so a bad pattern stops the start with its file and line.
feedback::RedactionRule read_rule(const YAML::Node& node, std::size_t index,
                                  const std::string& source) {
  YamlSection section(node, "feedback.redact[" + std::to_string(index) + "]", source);
  if (!node.IsMap()) section.fail(section.where() + " must be a mapping", node.Mark());
  feedback::RedactionRule rule;
  section.read("name", rule.name);
  section.read("pattern", rule.pattern);
  section.read("replacement", rule.replacement);
  section.reject_unknown_keys();
  if (rule.name.empty()) section.fail(section.where() + ": name is required", node.Mark());
  if (rule.pattern.empty())
    section.fail(section.where() + " (" + rule.name + "): pattern is required", node.Mark());
  try {
    feedback::Redactor check({rule});
  } catch (const std::invalid_argument& e) {
    section.fail_at("pattern", section.where() + ": " + e.what());
  }
  return rule;
}

}  // namespace

void read_feedback_config(YamlSection section, feedback::LogSettings& settings) {
  section.read("enabled", settings.enabled);
  read_bodies(YamlSection(section.child("bodies"), "feedback.bodies", section.source()), settings);
  read_days(section, "retention_days", settings.retention.response_retention_ms);
  if (const YAML::Node redact = section.child("redact"); redact && !redact.IsNull()) {
    if (!redact.IsSequence())
      section.fail("feedback.redact must be a list of {name, pattern, replacement}", redact.Mark());
    settings.redaction.clear();  // given: replaces the defaults; []: no redaction
    for (std::size_t i = 0; i < redact.size(); ++i)
      settings.redaction.push_back(read_rule(redact[i], i, section.source()));
  }
  int64_t flush_ms = settings.flush_interval_ms;
  section.read("flush_interval_ms", flush_ms);
  if (flush_ms < 1 || flush_ms > 60'000)
    section.fail_at("flush_interval_ms", "feedback.flush_interval_ms must be 1-60000");
  settings.flush_interval_ms = flush_ms;
  read_positive(section, "max_batch", settings.max_batch, 1'000'000);
  read_positive(section, "max_pending", settings.max_pending, 100'000'000);
  double purge_minutes = static_cast<double>(settings.purge_interval_ms) / 60'000.0;
  section.read("purge_interval_minutes", purge_minutes);
  if (!(purge_minutes >= 0) || purge_minutes > 1e6)
    section.fail_at("purge_interval_minutes",
                    "feedback.purge_interval_minutes must not be negative (0: never on its own)");
  settings.purge_interval_ms = std::llround(purge_minutes * 60'000.0);
  section.reject_unknown_keys();
}

std::string describe_feedback_settings(const feedback::LogSettings& settings) {
  if (!settings.enabled) return "off (/v1/feedback answers 503)";
  char text[256];
  std::snprintf(text, sizeof text,
                "bodies of %g%% of answers (up to %lld bytes each, %g days, %g MiB in all), "
                "answers and ratings %g days, %zu redaction rule%s",
                settings.bodies.sample_rate * 100,
                static_cast<long long>(settings.bodies.max_bytes),
                static_cast<double>(settings.retention.body_retention_ms) / kMsPerDay,
                static_cast<double>(settings.retention.max_total_body_bytes) / kBytesPerMb,
                static_cast<double>(settings.retention.response_retention_ms) / kMsPerDay,
                settings.redaction.size(), settings.redaction.size() == 1 ? "" : "s");
  return text;
}

}  // namespace slipway::app
