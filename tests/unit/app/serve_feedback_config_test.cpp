// The `feedback:` section of the serve YAML: defaults, every key, ranges and redaction rules.
#include <gtest/gtest.h>

#include "app/serve/feedback_config.h"
#include "app/serve/serve_config.h"
#include "feedback/redactor.h"

namespace slipway::app {
namespace {

constexpr int64_t kDayMs = 24LL * 3600 * 1000;

feedback::LogSettings parse(const std::string& yaml) {
  return parse_serve_config(yaml, "test.yaml", "/cfg").feedback;
}

std::string error_of(const std::string& yaml) {
  try {
    parse(yaml);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(FeedbackConfig, AbsentSectionKeepsTheDefaults) {
  const feedback::LogSettings defaults;
  const feedback::LogSettings read = parse("server: {port: 9000}\n");
  EXPECT_TRUE(read.enabled);
  EXPECT_EQ(read.bodies.sample_rate, defaults.bodies.sample_rate);
  EXPECT_EQ(read.retention.body_retention_ms, defaults.retention.body_retention_ms);
  EXPECT_EQ(read.redaction.size(), feedback::default_redaction_rules().size());
  EXPECT_EQ(read.flush_interval_ms, defaults.flush_interval_ms);
  EXPECT_EQ(read.purge_interval_ms, defaults.purge_interval_ms);
}

TEST(FeedbackConfig, ReadsEveryKey) {
  const feedback::LogSettings read = parse(R"(
feedback:
  enabled: false
  bodies:
    sample_rate: 0.25
    max_bytes: 65536
    retention_days: 7
    max_total_mb: 2.5
  retention_days: 0.5
  redact:
    - name: ticket
      pattern: 'T-\d+'
      replacement: '[TICKET]'
  flush_interval_ms: 50
  max_batch: 64
  max_pending: 5000
  purge_interval_minutes: 1.5
)");
  EXPECT_FALSE(read.enabled);
  EXPECT_DOUBLE_EQ(read.bodies.sample_rate, 0.25);
  EXPECT_EQ(read.bodies.max_bytes, 65536);
  EXPECT_EQ(read.retention.body_retention_ms, 7 * kDayMs);
  EXPECT_EQ(read.retention.max_total_body_bytes, 2621440);
  EXPECT_EQ(read.retention.response_retention_ms, kDayMs / 2);
  ASSERT_EQ(read.redaction.size(), 1u);
  EXPECT_EQ(read.redaction[0].name, "ticket");
  EXPECT_EQ(read.redaction[0].pattern, "T-\\d+");
  EXPECT_EQ(read.redaction[0].replacement, "[TICKET]");
  EXPECT_EQ(read.flush_interval_ms, 50);
  EXPECT_EQ(read.max_batch, 64u);
  EXPECT_EQ(read.max_pending, 5000u);
  EXPECT_EQ(read.purge_interval_ms, 90'000);
}

TEST(FeedbackConfig, EmptyRedactListTurnsRedactionOff) {
  EXPECT_TRUE(parse("feedback:\n  redact: []\n").redaction.empty());
}

TEST(FeedbackConfig, ZeroPurgeIntervalMeansNeverOnItsOwn) {
  EXPECT_EQ(parse("feedback: {purge_interval_minutes: 0}\n").purge_interval_ms, 0);
}

TEST(FeedbackConfig, UnknownKeysAreErrorsWithTheLine) {
  EXPECT_EQ(error_of("feedback:\n  enabled: true\n  sample_rate: 0.5\n"),
            "test.yaml:3: unknown key feedback.sample_rate");
  EXPECT_EQ(error_of("feedback:\n  bodies:\n    max_byte: 10\n"),
            "test.yaml:3: unknown key feedback.bodies.max_byte");
  EXPECT_EQ(error_of("feedback:\n  redact:\n    - {name: a, pattern: b, replace: c}\n"),
            "test.yaml:3: unknown key feedback.redact[0].replace");
}

TEST(FeedbackConfig, OutOfRangeValuesAreErrors) {
  EXPECT_EQ(error_of("feedback:\n  bodies:\n    sample_rate: 1.5\n"),
            "test.yaml:3: feedback.bodies.sample_rate must be between 0 and 1");
  EXPECT_NE(error_of("feedback: {bodies: {sample_rate: -0.1}}").find("sample_rate"),
            std::string::npos);
  EXPECT_NE(error_of("feedback: {bodies: {max_bytes: 0}}").find("feedback.bodies.max_bytes"),
            std::string::npos);
  EXPECT_NE(error_of("feedback: {bodies: {max_total_mb: 0}}").find("max_total_mb"),
            std::string::npos);
  EXPECT_NE(error_of("feedback: {bodies: {retention_days: 0}}")
                .find("feedback.bodies.retention_days must be a positive number of days"),
            std::string::npos);
  EXPECT_NE(error_of("feedback: {retention_days: -1}").find("feedback.retention_days"),
            std::string::npos);
  EXPECT_NE(error_of("feedback: {flush_interval_ms: 0}").find("flush_interval_ms"),
            std::string::npos);
  EXPECT_NE(error_of("feedback: {max_batch: 0}").find("max_batch"), std::string::npos);
  EXPECT_NE(error_of("feedback: {max_pending: -3}").find("max_pending"), std::string::npos);
  EXPECT_NE(error_of("feedback: {purge_interval_minutes: -1}").find("purge_interval_minutes"),
            std::string::npos);
}

TEST(FeedbackConfig, WrongTypesAreErrors) {
  EXPECT_EQ(error_of("feedback:\n  enabled: maybe\n"),
            "test.yaml:2: feedback.enabled has the wrong type");
  EXPECT_EQ(error_of("feedback:\n  max_batch: 1.5\n"),
            "test.yaml:2: feedback.max_batch has the wrong type");
  EXPECT_EQ(error_of("feedback: 3\n"), "test.yaml:1: feedback must be a mapping");
  EXPECT_NE(error_of("feedback:\n  redact: {name: a}\n").find("feedback.redact must be a list"),
            std::string::npos);
}

TEST(FeedbackConfig, BadRedactionRulesNameTheRule) {
  const std::string bad = error_of(R"(
feedback:
  redact:
    - {name: email, pattern: '\S+@\S+', replacement: '[EMAIL]'}
    - name: broken
      pattern: '(unclosed'
      replacement: x
)");
  EXPECT_EQ(bad.rfind("test.yaml:6: feedback.redact[1]: ", 0), 0u) << bad;
  EXPECT_NE(bad.find("broken"), std::string::npos) << bad;
  EXPECT_NE(error_of("feedback: {redact: [{pattern: 'x'}]}").find("name is required"),
            std::string::npos);
  EXPECT_NE(error_of("feedback: {redact: [{name: n}]}").find("(n): pattern is required"),
            std::string::npos);
}

TEST(FeedbackConfig, DescribesThePolicyForTheStartLog) {
  feedback::LogSettings settings;
  settings.bodies.sample_rate = 0.1;
  const std::string text = describe_feedback_settings(settings);
  EXPECT_NE(text.find("bodies of 10% of answers"), std::string::npos) << text;
  settings.redaction = {{"ticket", "T-\\d+", "[TICKET]"}};
  EXPECT_NE(describe_feedback_settings(settings).find("1 redaction rule"), std::string::npos);
  settings.enabled = false;
  EXPECT_NE(describe_feedback_settings(settings).find("off"), std::string::npos);
}

}  // namespace
}  // namespace slipway::app
