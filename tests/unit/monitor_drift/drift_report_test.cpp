// compare_drift on a table of sample pairs, the truncated-canary case, and the report's JSON.
#include "monitor/drift/drift_report.h"

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <stdexcept>

namespace slipway::monitor {
namespace {

// 100 answers spread over 10..59 tokens, mostly finishing "stop", 2 refusals, 5 hedges.
DriftSample baseline_sample() {
  DriftSample sample;
  sample.answers = 100;
  sample.refusals = 2;
  sample.uncertain = 5;
  for (int64_t length = 10; length < 60; ++length) sample.lengths[length] = 2;
  sample.finish_reasons = {{"stop", 95}, {"length", 5}};
  sample.prompt_terms = {{"order", 40}, {"refund", 30}, {"shipping", 20}, {"invoice", 10}};
  sample.response_terms = {{"order", 50}, {"refund", 30}, {"delivery", 20}};
  return sample;
}

// The baseline with every length moved by `by` tokens.
ValueCounts shifted_lengths(int64_t by) {
  ValueCounts lengths;
  for (const auto& [length, count] : baseline_sample().lengths) lengths[length + by] = count;
  return lengths;
}

using States = std::map<std::string, DriftState>;

States states_of(const DriftReport& report) {
  States states;
  for (const auto& check : report.checks) states[check.name] = check.state;
  return states;
}

const DriftCheck& check_named(const DriftReport& report, const std::string& name) {
  for (const auto& check : report.checks) {
    if (check.name == name) return check;
  }
  throw std::runtime_error("no check " + name);
}

// Every check Ok except the ones named.
States ok_except(States changed) {
  States states;
  for (const char* name : {"length_psi", "length_ks", "refusal_rate", "uncertainty_rate",
                           "response_topics", "prompt_topics", "finish_reasons"}) {
    states[name] = DriftState::Ok;
  }
  for (const auto& [name, state] : changed) states[name] = state;
  return states;
}

struct Row {
  const char* what;
  std::function<void(DriftSample&)> change;  // applied to a copy of the baseline
  States expected;
};

TEST(CompareDrift, TableOfSamplePairs) {
  using enum DriftState;
  const std::vector<Row> rows = {
      {"identical", [](DriftSample&) {}, ok_except({})},
      // PSI of a 4-token shift is 0.152, of a 7-token shift 0.421 (bins of 5 values); K-S D is
      // 0.08 and 0.14, the second with p 0.26: no K-S warning for either.
      {"lengths +4", [](DriftSample& s) { s.lengths = shifted_lengths(4); },
       ok_except({{"length_psi", Warning}})},
      {"lengths +7", [](DriftSample& s) { s.lengths = shifted_lengths(7); },
       ok_except({{"length_psi", Critical}})},
      // Refusals 2% -> 6% (+4 points) stays under 5; 7% is +5 (the warning itself); 12% is +10.
      {"refusals +4", [](DriftSample& s) { s.refusals = 6; }, ok_except({})},
      {"refusals +5", [](DriftSample& s) { s.refusals = 7; },
       ok_except({{"refusal_rate", Warning}})},
      {"refusals +10", [](DriftSample& s) { s.refusals = 12; },
       ok_except({{"refusal_rate", Critical}})},
      {"refusals fall", [](DriftSample& s) { s.refusals = 0; }, ok_except({})},
      {"hedges +6", [](DriftSample& s) { s.uncertain = 11; },
       ok_except({{"uncertainty_rate", Warning}})},
      {"hedges +20", [](DriftSample& s) { s.uncertain = 25; },
       ok_except({{"uncertainty_rate", Critical}})},
      // Response terms (0.5, 0.3, 0.2) against (0.3, 0.2, 0.2, billing 0.3): JS distance 0.419;
      // against (0.25, 0.15, 0.1, billing 0.5): 0.558.
      {"topics drift",
       [](DriftSample& s) {
         s.response_terms = {{"order", 30}, {"refund", 20}, {"delivery", 20}, {"billing", 30}};
       },
       ok_except({{"response_topics", Warning}})},
      {"topics move",
       [](DriftSample& s) {
         s.response_terms = {{"order", 25}, {"refund", 15}, {"delivery", 10}, {"billing", 50}};
       },
       ok_except({{"response_topics", Critical}})},
      {"prompts change",
       [](DriftSample& s) {
         s.prompt_terms = {{"password", 80}};
       },
       ok_except({{"prompt_topics", Critical}})},
      {"no response terms", [](DriftSample& s) { s.response_terms.clear(); },
       ok_except({{"response_topics", Insufficient}})},
      // Finish reasons (0.95, 0.05) against (0.83, 0.17): TVD 0.12; against (0.6, 0.4): 0.35.
      {"finish drift",
       [](DriftSample& s) {
         s.finish_reasons = {{"stop", 83}, {"length", 17}};
       },
       ok_except({{"finish_reasons", Warning}})},
      {"finish move",
       [](DriftSample& s) {
         s.finish_reasons = {{"stop", 60}, {"length", 40}};
       },
       ok_except({{"finish_reasons", Critical}})},
  };
  const DriftThresholds thresholds;
  for (const auto& row : rows) {
    DriftSample current = baseline_sample();
    row.change(current);
    const auto report = compare_drift(baseline_sample(), current, thresholds);
    EXPECT_EQ(states_of(report), row.expected) << row.what;
  }
}

TEST(CompareDrift, TruncatedAnswersAreCritical) {
  // The canary with max_new_tokens 4: every answer is 4 tokens and finishes "length".
  DriftSample current = baseline_sample();
  current.lengths = {{4, 100}};
  current.finish_reasons = {{"length", 100}};
  const auto report = compare_drift(baseline_sample(), current, DriftThresholds{});
  EXPECT_EQ(states_of(report), ok_except({{"length_psi", DriftState::Critical},
                                          {"length_ks", DriftState::Warning},
                                          {"finish_reasons", DriftState::Critical}}));
  EXPECT_EQ(report.state(), DriftState::Critical);
  ASSERT_EQ(report.crossings().size(), 3u);
  EXPECT_EQ(report.crossings()[0]->name, "length_psi");

  const auto& psi = check_named(report, "length_psi");
  // All 100 current answers in the first of ten bins (<= 14): PSI 4.55.
  EXPECT_NEAR(*psi.value, 4.5456899, 1e-6);
  EXPECT_EQ(psi.sentence, "length PSI 4.55 ≥ 0.2: mean 34.5 → 4.0 tokens");
  EXPECT_EQ(psi.detail["bins"].size(), 10u);
  EXPECT_EQ(psi.detail["bins"][0]["upper"], 14);
  EXPECT_TRUE(psi.detail["bins"][9]["upper"].is_null());
  EXPECT_NEAR(psi.detail["bins"][0]["current"].get<double>(), 100.5 / 105, 1e-9);
  EXPECT_EQ(psi.detail["current_median"], 4);

  const auto& ks = check_named(report, "length_ks");
  EXPECT_NEAR(*ks.value, 1.0, 1e-12);
  EXPECT_LT(ks.detail["p_value"].get<double>(), 1e-20);
  EXPECT_EQ(ks.sentence.rfind("length K-S D 1.00 ≥ 0.1, p ", 0), 0u) << ks.sentence;

  const auto& finish = check_named(report, "finish_reasons");
  EXPECT_NEAR(*finish.value, 0.95, 1e-12);  // (|0.95 - 0| + |0.05 - 1|) / 2
  EXPECT_EQ(finish.sentence, "finish reasons TVD 0.95 ≥ 0.25: length 5.0% → 100.0%");
  EXPECT_NEAR(finish.detail["current"]["length"].get<double>(), 1.0, 1e-12);
  EXPECT_NEAR(finish.detail["baseline"]["stop"].get<double>(), 0.95, 1e-12);
  EXPECT_EQ(finish.detail["baseline_counts"]["stop"], 95);
}

TEST(CompareDrift, RatesCarryBothSidesAndTheirSentence) {
  DriftSample current = baseline_sample();
  current.refusals = 14;
  const auto report = compare_drift(baseline_sample(), current, DriftThresholds{});
  const auto& refusal = check_named(report, "refusal_rate");
  EXPECT_NEAR(*refusal.baseline, 0.02, 1e-12);
  EXPECT_NEAR(*refusal.current, 0.14, 1e-12);
  EXPECT_NEAR(*refusal.value, 0.12, 1e-12);
  EXPECT_EQ(refusal.warning, 0.05);
  EXPECT_EQ(refusal.critical, 0.1);
  EXPECT_EQ(refusal.sentence, "refusal rate 2.0% → 14.0% (+12.0 points ≥ 10)");
  EXPECT_EQ(check_named(report, "uncertainty_rate").sentence,
            "uncertainty rate 5.0% → 5.0% (+0.0 points < 5)");
}

TEST(CompareDrift, TopicsShowEachSidesTopTerms) {
  DriftSample baseline = baseline_sample();
  for (int i = 0; i < 15; ++i) baseline.response_terms["term" + std::to_string(i)] = 1;
  DriftSample current = baseline_sample();
  current.response_terms = {{"billing", 60}, {"order", 10}};
  const auto report = compare_drift(baseline, current, DriftThresholds{});
  const auto& topics = check_named(report, "response_topics");
  EXPECT_EQ(topics.detail["baseline_top"].size(), 10u);  // at most 10 per side
  EXPECT_EQ(topics.detail["baseline_top"][0], (nlohmann::json{{"term", "order"}, {"count", 50}}));
  EXPECT_EQ(topics.detail["current_top"].size(), 2u);
  EXPECT_EQ(topics.state, DriftState::Critical);
  EXPECT_EQ(topics.sentence.rfind("response topics JS distance ", 0), 0u);
  EXPECT_NE(topics.sentence.find("(top now: billing, order; before: order, refund, delivery)"),
            std::string::npos)
      << topics.sentence;
}

TEST(CompareDrift, IdenticalSamplesAreAllOk) {
  const auto report = compare_drift(baseline_sample(), baseline_sample(), DriftThresholds{});
  EXPECT_EQ(report.checks.size(), 7u);
  EXPECT_EQ(states_of(report), ok_except({}));
  EXPECT_EQ(report.state(), DriftState::Ok);
  EXPECT_TRUE(report.crossings().empty());
  EXPECT_EQ(check_named(report, "length_psi").sentence,
            "length PSI 0.00 < 0.1: mean 34.5 → 34.5 tokens");
}

TEST(CompareDrift, SmallSamplesAreAllInsufficient) {
  DriftSample small = baseline_sample();
  small.answers = 49;  // under the 50 each side needs
  DriftSample truncated = small;
  truncated.lengths = {{4, 49}};
  truncated.finish_reasons = {{"length", 49}};
  truncated.refusals = 40;
  for (const auto& [baseline, current] :
       {std::pair{small, truncated}, std::pair{baseline_sample(), truncated},
        std::pair{truncated, baseline_sample()}, std::pair{DriftSample{}, DriftSample{}}}) {
    const auto report = compare_drift(baseline, current, DriftThresholds{});
    for (const auto& check : report.checks) {
      EXPECT_EQ(check.state, DriftState::Insufficient) << check.name;
    }
    EXPECT_EQ(report.state(), DriftState::Insufficient);
    EXPECT_TRUE(report.crossings().empty());
  }
  // Shown with their figures, never alerted on.
  const auto report = compare_drift(baseline_sample(), truncated, DriftThresholds{});
  const auto& psi = check_named(report, "length_psi");
  ASSERT_TRUE(psi.value);
  EXPECT_GT(*psi.value, 0.2);
  EXPECT_EQ(psi.sentence.substr(psi.sentence.find('(')),
            "(too few answers: 100 → 49, need 50 each)");
  const auto empty = compare_drift(DriftSample{}, DriftSample{}, DriftThresholds{});
  EXPECT_FALSE(check_named(empty, "length_psi").value);
  EXPECT_FALSE(check_named(empty, "refusal_rate").value);
}

TEST(CompareDrift, ThresholdsAreApplied) {
  DriftThresholds strict;
  strict.min_answers = 10;
  strict.psi_warning = 0.01;
  strict.psi_critical = 0.05;
  DriftSample current = baseline_sample();
  current.lengths = shifted_lengths(2);  // PSI 0.031
  const auto report = compare_drift(baseline_sample(), current, strict);
  EXPECT_EQ(check_named(report, "length_psi").state, DriftState::Warning);
  EXPECT_EQ(check_named(report, "length_psi").warning, 0.01);
  EXPECT_EQ(check_named(report, "length_psi").critical, 0.05);
  EXPECT_EQ(check_named(report, "length_ks").critical, 0);  // no critical level
}

TEST(CompareDrift, KsNeedsBothASmallPValueAndALargeEnoughShift) {
  // 100 000 answers each side, lengths moved by 2 of a 50-token range: D = 0.04 with a p-value
  // far below 0.01, still no warning (D < 0.1); with the minimum at 0.03 it warns.
  DriftSample baseline = baseline_sample();
  DriftSample current = baseline_sample();
  baseline.answers = current.answers = 100'000;
  for (auto& [length, count] : baseline.lengths) count = 2'000;
  current.lengths = shifted_lengths(2);
  for (auto& [length, count] : current.lengths) count = 2'000;
  const auto report = compare_drift(baseline, current, DriftThresholds{});
  const auto& ks = check_named(report, "length_ks");
  EXPECT_NEAR(*ks.value, 0.04, 1e-12);
  EXPECT_LT(ks.detail["p_value"].get<double>(), 1e-10);
  EXPECT_EQ(ks.state, DriftState::Ok);
  DriftThresholds sensitive;
  sensitive.ks_min_statistic = 0.03;
  EXPECT_EQ(check_named(compare_drift(baseline, current, sensitive), "length_ks").state,
            DriftState::Warning);
}

TEST(CompareDrift, BadThresholdsAreClearErrors) {
  const auto rejects = [](const std::function<void(DriftThresholds&)>& change) {
    DriftThresholds thresholds;
    change(thresholds);
    EXPECT_THROW(validate_drift_thresholds(thresholds), std::invalid_argument);
    EXPECT_THROW(compare_drift(baseline_sample(), baseline_sample(), thresholds),
                 std::invalid_argument);
  };
  rejects([](DriftThresholds& t) { t.min_answers = 0; });
  rejects([](DriftThresholds& t) { t.length_bins = 0; });
  rejects([](DriftThresholds& t) { t.psi_critical = 0.05; });  // below its warning
  rejects([](DriftThresholds& t) { t.ks_alpha = 1.5; });
  rejects([](DriftThresholds& t) { t.refusal_increase = 0; });
  rejects([](DriftThresholds& t) { t.top_terms = 0; });
  rejects([](DriftThresholds& t) { t.topic_warning = std::nan(""); });
  EXPECT_NO_THROW(validate_drift_thresholds(DriftThresholds{}));
}

TEST(DriftReportJson, Shape) {
  DriftSample current = baseline_sample();
  current.refusals = 9;
  const auto report = compare_drift(baseline_sample(), current, DriftThresholds{});
  const auto json = drift_report_to_json(report);
  EXPECT_EQ(json["state"], "warning");
  EXPECT_EQ(json["baseline_answers"], 100);
  EXPECT_EQ(json["current_answers"], 100);
  ASSERT_EQ(json["checks"].size(), 7u);
  std::vector<std::string> names;
  for (const auto& check : json["checks"]) names.push_back(check["name"]);
  EXPECT_EQ(names,
            (std::vector<std::string>{"length_psi", "length_ks", "refusal_rate", "uncertainty_rate",
                                      "response_topics", "prompt_topics", "finish_reasons"}));
  const auto& refusal = json["checks"][2];
  EXPECT_EQ(refusal["state"], "warning");
  EXPECT_NEAR(refusal["value"].get<double>(), 0.07, 1e-12);
  EXPECT_NEAR(refusal["baseline"].get<double>(), 0.02, 1e-12);
  EXPECT_EQ(refusal["warning"], 0.05);
  EXPECT_EQ(refusal["critical"], 0.1);
  EXPECT_EQ(refusal["detail"]["current_count"], 9);
  EXPECT_EQ(refusal["sentence"], "refusal rate 2.0% → 9.0% (+7.0 points ≥ 5)");
  const auto& psi = json["checks"][0];
  EXPECT_TRUE(psi["baseline"].is_null());  // only rates have sides
  EXPECT_TRUE(psi["detail"]["bins"].is_array());
  EXPECT_EQ(json["checks"][1]["detail"]["alpha"], 0.01);
  EXPECT_EQ(drift_report_to_json(compare_drift({}, {}, DriftThresholds{}))["state"],
            "insufficient");
  EXPECT_TRUE(drift_report_to_json(compare_drift({}, {}, DriftThresholds{}))["checks"][0]["value"]
                  .is_null());
}

TEST(DriftState, Names) {
  EXPECT_STREQ(drift_state_name(DriftState::Ok), "ok");
  EXPECT_STREQ(drift_state_name(DriftState::Insufficient), "insufficient");
  EXPECT_STREQ(drift_state_name(DriftState::Warning), "warning");
  EXPECT_STREQ(drift_state_name(DriftState::Critical), "critical");
  DriftReport mixed;
  mixed.checks.resize(3);
  mixed.checks[1].state = DriftState::Ok;
  EXPECT_EQ(mixed.state(), DriftState::Ok);  // insufficient checks do not hide an ok one
  mixed.checks[2].state = DriftState::Warning;
  EXPECT_EQ(mixed.state(), DriftState::Warning);
  EXPECT_EQ(DriftReport{}.state(), DriftState::Insufficient);
}

}  // namespace
}  // namespace slipway::monitor
