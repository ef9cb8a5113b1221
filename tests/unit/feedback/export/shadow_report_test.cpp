// The shadow report over answers logged by FeedbackLog (as serving logs them), with figures
// computed by hand: latency and TTFT deltas and percentiles, tokens, finish reasons, exact and
// normalized output matches with and without bodies, judge verdicts, ranges, two shadow
// versions and the empty report.
#include "feedback/shadow_report.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>

#include "feedback/feedback_log.h"
#include "feedback/judgments.h"
#include "feedback/shadow_figures.h"
#include "feedback_rows.h"

namespace slipway::feedback::test {
namespace {

constexpr int64_t kMinute = 60'000;
const std::string kStable = "support-model/1";
const std::string kCanary = "support-model/3";
const std::string kShadow = "support-model/2";
const std::string kOtherShadow = "support-model/4";

// What one answer said and how it went.
struct Served {
  double latency = 1.0;
  std::optional<double> ttft;
  std::optional<int64_t> tokens;
  std::string finish = "stop";
  std::string text = "ok";
  int64_t created_ms = kDec1 + kHour;
  int status = 200;
  bool keep_body = true;
};

class ShadowReportTest : public FeedbackStoreTest {
 protected:
  void SetUp() override {
    FeedbackStoreTest::SetUp();
    LogSettings settings;
    settings.flush_interval_ms = 3'600'000;  // written when flushed
    settings.purge_interval_ms = 0;
    kept_ = std::make_unique<FeedbackLog>(*store_, settings, clock());
    settings.bodies.sample_rate = 0;  // bodies sampled away
    unsampled_ = std::make_unique<FeedbackLog>(*store_, settings, clock());
  }

  void TearDown() override {
    kept_.reset();
    unsampled_.reset();
  }

  store::WallClock clock() {
    return [this] { return now_ms_.load(); };
  }

  // An answer on route "support" to the same question, so a judge may compare any two.
  void log(const std::string& id, const std::string& version, const std::string& arm,
           const std::string& primary_id, const Served& served,
           const std::string& route = "support") {
    LoggedAnswer answer;
    answer.id = id;
    answer.route = route;
    answer.version = version;
    answer.arm = arm;
    answer.primary_id = primary_id;
    answer.request = Json{{"model", route}, {"messages", user_messages("Where is my order?")}};
    LoggedChoice choice;
    choice.output = assistant(served.text);
    choice.finish_reason = served.finish;
    choice.completion_tokens = served.tokens;
    answer.choices.push_back(choice);
    answer.status = served.status;
    answer.prompt_tokens = 9;
    answer.ttft_seconds = served.ttft;
    answer.latency_seconds = served.latency;
    answer.created_ms = served.created_ms;
    ASSERT_TRUE((served.keep_body ? kept_ : unsampled_)->log(std::move(answer)));
  }
  void primary(const std::string& id, const Served& served, const std::string& version = kStable) {
    log(id, version, version == kCanary ? "canary" : "stable", "", served);
  }
  void shadow(const std::string& id, const std::string& primary_id, const Served& served,
              const std::string& version = kShadow) {
    log(id, version, "shadow", primary_id, served);
  }

  void flush_logs() {
    kept_->flush();
    unsampled_->flush();
  }

  void judge(const std::string& chosen, const std::string& rejected, const std::string& detail) {
    flush_logs();  // a verdict names answers already in the log
    record_judgment(*store_, verdict(chosen, rejected, detail));
  }

  ShadowReport report(ShadowReportQuery query = {}) {
    flush_logs();
    if (query.route.empty()) query.route = "support";
    if (query.since_ms == 0) query.since_ms = kDec1;
    return build_shadow_report(*store_, query);
  }

  // Four pairs with figures chosen to compute by hand, and rows the report must leave out.
  void seed_four_pairs() {
    primary("P1", {.latency = 1.0, .ttft = 0.1, .tokens = 10, .text = "The answer is 4."});
    primary("P2", {.latency = 2.0, .ttft = 0.2, .tokens = 20, .text = "Paris"});
    primary("P3", {.latency = 3.0, .tokens = 30, .text = "a b"});
    primary("P4", {.latency = 4.0, .ttft = 0.3, .tokens = 40, .finish = "length"}, kCanary);
    shadow("S1", "P1", {.latency = 1.5, .ttft = 0.2, .tokens = 12, .text = "The answer is 4."});
    shadow("S2", "P2", {.latency = 2.5, .ttft = 0.4, .tokens = 20, .text = "  Paris\n"});
    shadow("S3", "P3",
           {.latency = 2.0, .ttft = 0.5, .tokens = 33, .finish = "length", .text = "a  c"});
    shadow("S4", "P4", {.latency = 6.0, .finish = "", .keep_body = false});
    // Not pairs: a failed shadow, a shadow of a failed primary, one of an unlogged primary.
    shadow("S5", "P1", {.latency = 9.0, .status = 500});
    primary("P6", {.latency = 9.0, .status = 499});
    shadow("S6", "P6", {.latency = 9.0});
    shadow("S7", "P-missing", {.latency = 9.0});
    // Not shadows of this route.
    primary("P8", {.latency = 9.0});
    log("S8", kShadow, "shadow", "P8", {.latency = 9.0}, "sales");
  }

  std::atomic<int64_t> now_ms_{kDec1 + 2 * kHour};
  std::unique_ptr<FeedbackLog> kept_;
  std::unique_ptr<FeedbackLog> unsampled_;
};

TEST_P(ShadowReportTest, FiguresOfOneShadowVersion) {
  seed_four_pairs();
  const ShadowReport built = report();
  ASSERT_EQ(built.versions.size(), 1u);
  const ShadowVersionReport& v = built.versions[0];
  EXPECT_EQ(v.version, kShadow);
  EXPECT_EQ(v.shadow_answers, 7);  // S1-S7, whatever their status
  EXPECT_EQ(v.pairs, 4);
  EXPECT_EQ(built.pairs(), 4);
  EXPECT_EQ(built.empty_reason, "");
  EXPECT_EQ(v.primary_versions, (std::map<std::string, int64_t>{{kStable, 3}, {kCanary, 1}}));

  // Primary 1, 2, 3, 4: mean 2.5, p50 2.5, p95 3 + 0.85 x 1. Shadow 1.5, 2, 2.5, 6: mean 3,
  // p50 2.25, p95 2.5 + 0.85 x 3.5.
  const PairedFigure& latency = v.latency_seconds;
  EXPECT_EQ(latency.pairs, 4);
  EXPECT_DOUBLE_EQ(latency.primary.mean, 2.5);
  EXPECT_DOUBLE_EQ(latency.primary.p50, 2.5);
  EXPECT_NEAR(latency.primary.p95, 3.85, 1e-9);
  EXPECT_DOUBLE_EQ(latency.shadow.mean, 3.0);
  EXPECT_DOUBLE_EQ(latency.shadow.p50, 2.25);
  EXPECT_NEAR(latency.shadow.p95, 5.475, 1e-9);
  EXPECT_DOUBLE_EQ(latency.mean_delta, 0.5);
  ASSERT_TRUE(latency.ratio);
  EXPECT_DOUBLE_EQ(*latency.ratio, 1.2);

  // TTFT on both sides only for pairs 1 and 2: 0.1, 0.2 against 0.2, 0.4.
  const PairedFigure& ttft = v.ttft_seconds;
  EXPECT_EQ(ttft.pairs, 2);
  EXPECT_NEAR(ttft.primary.mean, 0.15, 1e-12);
  EXPECT_NEAR(ttft.shadow.mean, 0.3, 1e-12);
  EXPECT_NEAR(ttft.mean_delta, 0.15, 1e-12);
  ASSERT_TRUE(ttft.ratio);
  EXPECT_NEAR(*ttft.ratio, 2.0, 1e-12);

  // Tokens on both sides for pairs 1-3: 10, 20, 30 against 12, 20, 33.
  const PairedFigure& tokens = v.completion_tokens;
  EXPECT_EQ(tokens.pairs, 3);
  EXPECT_DOUBLE_EQ(tokens.primary.mean, 20.0);
  EXPECT_DOUBLE_EQ(tokens.shadow.mean, 65.0 / 3);
  EXPECT_NEAR(tokens.mean_delta, 5.0 / 3, 1e-12);

  EXPECT_EQ(v.primary_finish_reasons, (std::map<std::string, int64_t>{{"length", 1}, {"stop", 3}}));
  EXPECT_EQ(v.shadow_finish_reasons,
            (std::map<std::string, int64_t>{{"", 1}, {"length", 1}, {"stop", 2}}));

  // S4's body was sampled away: three pairs compare, S1 exactly, S2 after normalizing.
  EXPECT_EQ(v.match.pairs_with_bodies, 3);
  EXPECT_EQ(v.match.exact, 1);
  EXPECT_EQ(v.match.normalized, 2);
  EXPECT_DOUBLE_EQ(*v.match.exact_rate(), 1.0 / 3);
  EXPECT_DOUBLE_EQ(*v.match.normalized_rate(), 2.0 / 3);
  EXPECT_EQ(v.judge.judged(), 0);
}

TEST_P(ShadowReportTest, JudgeVerdictsInEitherOrder) {
  seed_four_pairs();
  judge("S1", "P1", "clearer");
  judge("P2", "S2", "the shadow added spaces");
  judge("P3", "S3", "TIE: both wrong");
  judge("S4", "P4", "ties in entities are not ties? no: shadow better");  // "ties" is no tie
  judge("P1", "P2", "two primaries: not a pair");
  judge("S5", "P1", "a failed shadow: not a pair");
  const ShadowVersionReport v = report().versions.at(0);
  EXPECT_EQ(v.judge.shadow_wins, 2);
  EXPECT_EQ(v.judge.primary_wins, 1);
  EXPECT_EQ(v.judge.ties, 1);
  EXPECT_EQ(v.judge.judged(), 4);
  const Json json = shadow_report_to_json(report());
  EXPECT_EQ(json["versions"][0]["judge"]["summary"], "shadow 2, primary 1, ties 1");
}

TEST_P(ShadowReportTest, NoBodiesNoMatchRate) {
  primary("P1", {.keep_body = false});
  shadow("S1", "P1", {});
  primary("P2", {});
  shadow("S2", "P2", {.keep_body = false});
  const ShadowVersionReport v = report().versions.at(0);
  EXPECT_EQ(v.pairs, 2);
  EXPECT_EQ(v.match.pairs_with_bodies, 0);
  EXPECT_FALSE(v.match.exact_rate());
  const Json match = shadow_report_to_json(report())["versions"][0]["match"];
  EXPECT_TRUE(match["exact_rate"].is_null());
  EXPECT_TRUE(match["normalized_rate"].is_null());
}

TEST_P(ShadowReportTest, TwoShadowVersionsAndOneOfThem) {
  primary("P1", {.latency = 1.0});
  primary("P2", {.latency = 2.0});
  shadow("S1a", "P1", {.latency = 2.0});
  shadow("S2a", "P2", {.latency = 4.0});
  shadow("S1b", "P1", {.latency = 0.5}, kOtherShadow);
  const ShadowReport both = report();
  ASSERT_EQ(both.versions.size(), 2u);
  EXPECT_EQ(both.versions[0].version, kShadow);  // in name order
  EXPECT_EQ(both.versions[0].pairs, 2);
  EXPECT_DOUBLE_EQ(both.versions[0].latency_seconds.mean_delta, 1.5);
  EXPECT_DOUBLE_EQ(*both.versions[0].latency_seconds.ratio, 2.0);
  EXPECT_EQ(both.versions[1].version, kOtherShadow);
  EXPECT_EQ(both.versions[1].pairs, 1);
  EXPECT_DOUBLE_EQ(both.versions[1].latency_seconds.mean_delta, -0.5);
  EXPECT_EQ(both.pairs(), 3);

  const ShadowReport one = report({.route = "support", .since_ms = kDec1, .version = kOtherShadow});
  ASSERT_EQ(one.versions.size(), 1u);
  EXPECT_EQ(one.versions[0].version, kOtherShadow);
  EXPECT_EQ(one.pairs(), 1);
}

TEST_P(ShadowReportTest, RangeIsTheShadowsAndUntilIsExclusive) {
  const int64_t two = kDec1 + 2 * kHour;
  primary("P1", {.created_ms = kDec1 + kHour});
  shadow("S1", "P1", {.created_ms = kDec1 + kHour});
  primary("P2", {.created_ms = two - kMinute});  // its primary before the range still pairs
  shadow("S2", "P2", {.created_ms = two});
  primary("P3", {.created_ms = two + kHour});
  shadow("S3", "P3", {.created_ms = two + kHour});
  EXPECT_EQ(report({.route = "support", .since_ms = two}).pairs(), 2);
  EXPECT_EQ(report({.route = "support", .since_ms = two, .until_ms = two + kHour}).pairs(), 1);
  EXPECT_EQ(report({.route = "support", .since_ms = kDec1, .until_ms = two}).pairs(), 1);
  EXPECT_THROW(report({.route = "support", .since_ms = two, .until_ms = two}),
               std::invalid_argument);
  EXPECT_THROW(build_shadow_report(*store_, {.route = "", .since_ms = two}), std::invalid_argument);
}

TEST_P(ShadowReportTest, EmptyReportSaysWhy) {
  primary("P1", {});
  const ShadowReport none = report();
  EXPECT_EQ(none.pairs(), 0);
  EXPECT_TRUE(none.versions.empty());
  EXPECT_TRUE(contains(none.empty_reason,
                       "No shadow answers for route `support` since "
                       "2026-12-01T00:00:00Z"))
      << none.empty_reason;
  const Json json = shadow_report_to_json(none);
  EXPECT_EQ(json["pairs"], 0);
  EXPECT_EQ(json["message"], none.empty_reason);
  EXPECT_TRUE(json["versions"].empty());

  shadow("S1", "P1", {.status = 500});
  const ShadowReport failed = report();
  EXPECT_EQ(failed.pairs(), 0);
  ASSERT_EQ(failed.versions.size(), 1u);
  EXPECT_EQ(failed.versions[0].shadow_answers, 1);
  EXPECT_TRUE(contains(failed.empty_reason, "none pairs with a primary answer"))
      << failed.empty_reason;
  const Json version = shadow_report_to_json(failed)["versions"][0];
  EXPECT_TRUE(version["latency_seconds"].is_null());  // no figure reads as 0
  EXPECT_EQ(version["judge"]["summary"], "none yet");
}

TEST_P(ShadowReportTest, JsonShapeIsStable) {
  seed_four_pairs();
  const Json json = shadow_report_to_json(report());
  EXPECT_EQ(json["object"], "shadow.report");
  EXPECT_EQ(json["route"], "support");
  EXPECT_EQ(json["since"], "2026-12-01T00:00:00Z");
  EXPECT_TRUE(json["until"].is_null());
  EXPECT_TRUE(json["version"].is_null());
  EXPECT_EQ(json["pairs"], 4);
  EXPECT_FALSE(json.contains("message"));
  const Json& v = json["versions"][0];
  EXPECT_EQ(v["primary_versions"].dump(), R"({"support-model/1":3,"support-model/3":1})");
  EXPECT_EQ(v["finish_reasons"]["shadow"].dump(), R"({"length":1,"stop":2,"unknown":1})");
  EXPECT_NEAR(v["latency_seconds"]["shadow"]["p95"].get<double>(), 5.475, 1e-9);
  EXPECT_EQ(v["ttft_seconds"]["pairs"], 2);
  EXPECT_EQ(v["match"]["pairs_with_bodies"], 3);
  EXPECT_EQ(json.dump(), shadow_report_to_json(report()).dump());  // deterministic
}

// More pairs than one page, many created in the same millisecond: none read twice or skipped.
TEST_P(ShadowReportTest, ReadsPairsAcrossPages) {
  constexpr int kPairs = 450;
  for (int i = 0; i < kPairs; ++i) {
    const std::string n = std::to_string(i);
    const int64_t created = kDec1 + kHour + (i / 100);
    primary("P" + n, {.latency = 1.0, .created_ms = created, .keep_body = false});
    shadow("S" + n, "P" + n, {.latency = 1.0 + i, .created_ms = created, .keep_body = false});
  }
  const ShadowVersionReport v = report().versions.at(0);
  EXPECT_EQ(v.pairs, kPairs);
  EXPECT_DOUBLE_EQ(v.latency_seconds.shadow.mean, 1.0 + (kPairs - 1) / 2.0);
}

INSTANTIATE_TEST_SUITE_P(Backends, ShadowReportTest, slipway::test::kBothBackends, backend_name);

TEST(ShadowFigures, NormalizedWhitespaceAndTies) {
  EXPECT_EQ(normalize_whitespace("  a \t b\n\nc  "), "a b c");
  EXPECT_EQ(normalize_whitespace(" \n "), "");
  EXPECT_TRUE(detail::says_tie("tie"));
  EXPECT_TRUE(detail::says_tie("Verdict: TIE."));
  EXPECT_FALSE(detail::says_tie("entities"));
  EXPECT_FALSE(detail::says_tie("ties"));
  EXPECT_EQ(detail::percentile({5.0}, 95), 5.0);
  EXPECT_EQ(detail::percentile({}, 50), 0.0);
  EXPECT_EQ(detail::first_output_text(R"([{"role":"assistant","content":"hi"}])"), "hi");
  EXPECT_EQ(detail::first_output_text(R"([{"text":" a time"}])"), " a time");
  EXPECT_EQ(detail::first_output_text("[]"), std::nullopt);
  EXPECT_EQ(detail::first_output_text("not json"), std::nullopt);
}

}  // namespace
}  // namespace slipway::feedback::test
