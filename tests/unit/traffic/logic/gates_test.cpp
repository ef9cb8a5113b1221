// Gate arithmetic on hand-computed cases: a pass, the edge (equal passes), just past it, too
// few samples, and nothing tracked, for each gate.
#include "traffic/gates.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "traffic/traffic_error.h"

namespace slipway::traffic::test {
namespace {

// An arm with plenty of everything, the figures a healthy version would show.
ArmFigures healthy() {
  return {.requests = 1'000,
          .errors = 2,
          .p95_latency_seconds = 1.8,
          .completion_reports = 50,
          .completion_rate = 0.90,
          .ratings = 50,
          .satisfaction = 0.80,
          .judged = 50,
          .judged_quality = 8.0};
}

const GateResult& gate_named(const std::vector<GateResult>& gates, const std::string& name) {
  for (const GateResult& gate : gates)
    if (gate.name == name) return gate;
  throw std::runtime_error("no gate " + name);
}

struct GateCase {
  const char* label;
  const char* gate;
  void (*change_canary)(ArmFigures&);
  GateStatus expected;
  void (*change_stable)(ArmFigures&) = [](ArmFigures&) {};
};

void check(const GateCase& c, const GateSettings& settings = {}) {
  ArmFigures stable = healthy();
  ArmFigures canary = healthy();
  c.change_stable(stable);
  c.change_canary(canary);
  const GateResult& result = gate_named(evaluate_gates(stable, canary, settings), c.gate);
  EXPECT_EQ(to_string(result.status), to_string(c.expected)) << c.label << ": " << result.detail;
  EXPECT_FALSE(result.detail.empty()) << c.label;
}

TEST(Gates, InTheDocumentedOrder) {
  std::vector<std::string> names;
  for (const GateResult& gate : evaluate_gates(healthy(), healthy(), {})) {
    names.push_back(gate.name);
    EXPECT_EQ(gate.status, GateStatus::Pass) << gate.name << ": " << gate.detail;
  }
  EXPECT_EQ(names, (std::vector<std::string>{"completion_rate", "p95_latency", "error_rate",
                                             "satisfaction", "judged_quality"}));
}

TEST(Gates, CompletionRate) {
  // stable 90%, 2 points allowed: the bound is 88%.
  for (const GateCase& c : {
           GateCase{"a point lower", "completion_rate",
                    [](ArmFigures& a) { a.completion_rate = 0.89; }, GateStatus::Pass},
           GateCase{"exactly at the bound", "completion_rate",
                    [](ArmFigures& a) { a.completion_rate = 0.88; }, GateStatus::Pass},
           GateCase{"just below the bound", "completion_rate",
                    [](ArmFigures& a) { a.completion_rate = 0.8799; }, GateStatus::Fail},
           GateCase{"19 reports on the canary", "completion_rate",
                    [](ArmFigures& a) { a.completion_reports = 19; }, GateStatus::Waiting},
           GateCase{"none on the canary", "completion_rate",
                    [](ArmFigures& a) {
                      a.completion_reports = 0;
                      a.completion_rate.reset();
                    },
                    GateStatus::Waiting},
           GateCase{"none on either arm", "completion_rate",
                    [](ArmFigures& a) {
                      a.completion_reports = 0;
                      a.completion_rate.reset();
                    },
                    GateStatus::NotTracked,
                    [](ArmFigures& a) {
                      a.completion_reports = 0;
                      a.completion_rate.reset();
                    }},
       })
    check(c);
}

TEST(Gates, P95Latency) {
  // stable 1.8 s × 1.2: the bound is 2.16 s.
  for (const GateCase& c : {
           GateCase{"faster", "p95_latency", [](ArmFigures& a) { a.p95_latency_seconds = 1.2; },
                    GateStatus::Pass},
           GateCase{"exactly at the bound", "p95_latency",
                    [](ArmFigures& a) { a.p95_latency_seconds = 2.16; }, GateStatus::Pass},
           GateCase{"just above the bound", "p95_latency",
                    [](ArmFigures& a) { a.p95_latency_seconds = 2.1601; }, GateStatus::Fail},
           GateCase{"no p95 on the canary", "p95_latency",
                    [](ArmFigures& a) { a.p95_latency_seconds.reset(); }, GateStatus::Waiting},
           GateCase{"no p95 on the stable arm", "p95_latency", [](ArmFigures&) {},
                    GateStatus::Waiting, [](ArmFigures& a) { a.p95_latency_seconds.reset(); }},
       })
    check(c);
}

TEST(Gates, ErrorRate) {
  // stable 2/1000 = 0.2% + 0.5 points: the bound is 0.7%.
  for (const GateCase& c : {
           GateCase{"no errors", "error_rate", [](ArmFigures& a) { a.errors = 0; },
                    GateStatus::Pass},
           GateCase{"exactly at the bound", "error_rate", [](ArmFigures& a) { a.errors = 7; },
                    GateStatus::Pass},
           GateCase{"one error more", "error_rate", [](ArmFigures& a) { a.errors = 8; },
                    GateStatus::Fail},
           GateCase{"no canary requests", "error_rate",
                    [](ArmFigures& a) {
                      a.requests = 0;
                      a.errors = 0;
                    },
                    GateStatus::Waiting},
           GateCase{"no stable requests", "error_rate", [](ArmFigures&) {}, GateStatus::Waiting,
                    [](ArmFigures& a) {
                      a.requests = 0;
                      a.errors = 0;
                    }},
       })
    check(c);
}

TEST(Gates, Satisfaction) {
  // stable 80% thumbs up, 5 points allowed: the bound is 75%.
  for (const GateCase& c : {
           GateCase{"better", "satisfaction", [](ArmFigures& a) { a.satisfaction = 0.9; },
                    GateStatus::Pass},
           GateCase{"exactly at the bound", "satisfaction",
                    [](ArmFigures& a) { a.satisfaction = 0.75; }, GateStatus::Pass},
           GateCase{"just below the bound", "satisfaction",
                    [](ArmFigures& a) { a.satisfaction = 0.7499; }, GateStatus::Fail},
           GateCase{"19 ratings", "satisfaction", [](ArmFigures& a) { a.ratings = 19; },
                    GateStatus::Waiting},
           GateCase{"no ratings anywhere", "satisfaction",
                    [](ArmFigures& a) {
                      a.ratings = 0;
                      a.satisfaction.reset();
                    },
                    GateStatus::NotTracked,
                    [](ArmFigures& a) {
                      a.ratings = 0;
                      a.satisfaction.reset();
                    }},
       })
    check(c);
}

TEST(Gates, JudgedQuality) {
  // stable 8.0, 0.5 allowed: the bound is 7.5.
  for (const GateCase& c : {
           GateCase{"equal", "judged_quality", [](ArmFigures&) {}, GateStatus::Pass},
           GateCase{"exactly at the bound", "judged_quality",
                    [](ArmFigures& a) { a.judged_quality = 7.5; }, GateStatus::Pass},
           GateCase{"just below the bound", "judged_quality",
                    [](ArmFigures& a) { a.judged_quality = 7.49; }, GateStatus::Fail},
           GateCase{"19 judged", "judged_quality", [](ArmFigures& a) { a.judged = 19; },
                    GateStatus::Waiting},
           GateCase{"no judge yet", "judged_quality",
                    [](ArmFigures& a) {
                      a.judged = 0;
                      a.judged_quality.reset();
                    },
                    GateStatus::NotTracked,
                    [](ArmFigures& a) {
                      a.judged = 0;
                      a.judged_quality.reset();
                    }},
       })
    check(c);
}

TEST(Gates, SettingsMoveTheBoundsAndSampleCounts) {
  GateSettings strict;
  strict.latency_p95_ratio = 1.0;
  strict.min_feedback_samples = 5;
  strict.min_judged_samples = 60;
  check({"slower at ratio 1", "p95_latency", [](ArmFigures& a) { a.p95_latency_seconds = 1.81; },
         GateStatus::Fail},
        strict);
  check({"6 reports are enough", "completion_rate", [](ArmFigures& a) { a.completion_reports = 6; },
         GateStatus::Pass},
        strict);
  check({"50 judged are not", "judged_quality", [](ArmFigures&) {}, GateStatus::Waiting}, strict);
}

TEST(Gates, ResultsCarryValuesBoundsAndASentence) {
  ArmFigures canary = healthy();
  canary.p95_latency_seconds = 1.9;
  canary.completion_rate = 0.87;
  const auto gates = evaluate_gates(healthy(), canary, {});
  const GateResult& latency = gate_named(gates, "p95_latency");
  EXPECT_EQ(latency.detail, "canary 1.9 s ≤ 1.2 × stable 1.8 s = 2.16 s");
  EXPECT_DOUBLE_EQ(*latency.stable, 1.8);
  EXPECT_DOUBLE_EQ(*latency.canary, 1.9);
  EXPECT_NEAR(*latency.threshold, 2.16, 1e-12);
  const GateResult& completion = gate_named(gates, "completion_rate");
  EXPECT_EQ(completion.status, GateStatus::Fail);
  EXPECT_EQ(completion.detail, "canary 87% < stable 90% − 2 points = 88%");
  EXPECT_EQ(gate_named(gates, "error_rate").detail,
            "canary 0.2% ≤ stable 0.2% + 0.5 points = 0.7%");

  ArmFigures quiet = healthy();
  quiet.ratings = 3;
  EXPECT_EQ(gate_named(evaluate_gates(healthy(), quiet, {}), "satisfaction").detail,
            "waiting for 20 ratings per arm (stable 50, canary 3)");
}

TEST(Gates, ErrorRateIsAFractionOfRequests) {
  ArmFigures arm;
  EXPECT_FALSE(arm.error_rate().has_value());
  arm.requests = 400;
  arm.errors = 3;
  EXPECT_DOUBLE_EQ(*arm.error_rate(), 0.0075);
}

}  // namespace
}  // namespace slipway::traffic::test
