// The controller's decisions on synthetic rollouts: a week-long plan runs in milliseconds by
// moving now_ms, with the figures each arm would show.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "traffic/rollout_decision.h"

namespace slipway::traffic::test {
namespace {

using Kind = RolloutDecision::Kind;

constexpr int64_t kStart = 1'796'126'400'000;  // 2026-12-01T12:00:00Z
constexpr int64_t kHour = 3'600'000;
constexpr int64_t kDay = 24 * kHour;

ArmFigures healthy(int64_t requests = 500) {
  ArmFigures arm;
  arm.requests = requests;
  arm.errors = 0;
  arm.p95_latency_seconds = 1.0;
  return arm;  // no feedback and no judge: those gates are not tracked
}

// A daily plan: 5, 20, 50, 100, each step at least a day and 100 requests per arm.
Rollout daily_rollout() {
  Rollout rollout;
  rollout.id = 1;
  rollout.route = "cs";
  rollout.stable = "support/1";
  rollout.canary = "support/2";
  rollout.plan = plan_from_json({{"min_duration", "1d"}, {"min_requests", 100}});
  rollout.step_started_ms = kStart;
  return rollout;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// What a controller does with each decision, enough to run a plan through.
struct SimulatedController {
  Rollout rollout = daily_rollout();
  std::vector<std::pair<int64_t, RolloutDecision>> changes;  // (when, decision) except waits

  void tick(int64_t now, const ArmFigures& stable, const ArmFigures& canary) {
    const RolloutDecision decision = decide_rollout(rollout, now, stable, canary);
    if (decision.kind == Kind::Wait) return;
    changes.emplace_back(now, decision);
    if (decision.kind == Kind::Advance) {
      rollout.step = decision.next_step;
      rollout.step_started_ms = now;
    } else if (decision.kind == Kind::Complete) {
      rollout.state = RolloutState::Completed;
    } else {
      rollout.state = rollout.plan.on_gate_fail == GateFailAction::Pause ? RolloutState::Paused
                                                                         : RolloutState::RolledBack;
    }
  }
  // Hourly ticks for a week with the same figures throughout.
  void week(const ArmFigures& stable, const ArmFigures& canary) {
    for (int64_t now = kStart; now <= kStart + 7 * kDay; now += kHour) tick(now, stable, canary);
  }
};

TEST(RolloutDecision, AWeekLongPlanAdvancesDailyAndCompletes) {
  SimulatedController run;
  run.week(healthy(), healthy());
  ASSERT_EQ(run.changes.size(), 3u);
  EXPECT_EQ(run.changes[0].first, kStart + kDay);
  EXPECT_EQ(run.changes[0].second.kind, Kind::Advance);
  EXPECT_EQ(run.changes[0].second.next_step, 1);
  EXPECT_EQ(run.changes[1].first, kStart + 2 * kDay);
  EXPECT_EQ(run.changes[1].second.next_step, 2);
  EXPECT_EQ(run.changes[2].first, kStart + 3 * kDay);
  EXPECT_EQ(run.changes[2].second.kind, Kind::Complete) << "50% passing completes: 100 is last";
  EXPECT_EQ(run.rollout.state, RolloutState::Completed);
  EXPECT_EQ(run.changes[0].second.gates.size(), 5u);
}

TEST(RolloutDecision, NotTrackedGatesDoNotBlock) {
  const RolloutDecision decision =
      decide_rollout(daily_rollout(), kStart + kDay, healthy(), healthy());
  EXPECT_EQ(decision.kind, Kind::Advance);
  EXPECT_TRUE(contains(decision.reason,
                       "not tracked: completion_rate, satisfaction, "
                       "judged_quality"))
      << decision.reason;
  EXPECT_TRUE(contains(decision.reason, "next 20%")) << decision.reason;
}

TEST(RolloutDecision, AMissedGatePausesTheRollout) {
  ArmFigures slow = healthy();
  slow.p95_latency_seconds = 1.5;  // beyond 1.2 × 1.0
  SimulatedController run;
  run.week(healthy(), slow);
  ASSERT_EQ(run.changes.size(), 1u);
  const auto& [when, decision] = run.changes[0];
  EXPECT_EQ(when, kStart + kDay) << "judged only once the step lasted its day";
  EXPECT_EQ(decision.kind, Kind::GateMiss);
  EXPECT_TRUE(contains(decision.reason, "p95_latency (canary 1.5 s > 1.2 × stable 1 s = 1.2 s)"))
      << decision.reason;
  EXPECT_EQ(run.rollout.state, RolloutState::Paused);
  EXPECT_EQ(run.rollout.step, 0);
}

TEST(RolloutDecision, AFailBeatsAWait) {
  ArmFigures failing = healthy();
  failing.errors = 50;
  failing.completion_reports = 3;  // waiting, but the error rate already failed
  failing.completion_rate = 0.5;
  const RolloutDecision decision =
      decide_rollout(daily_rollout(), kStart + kDay, healthy(), failing);
  EXPECT_EQ(decision.kind, Kind::GateMiss);
  EXPECT_TRUE(contains(decision.reason, "error_rate")) << decision.reason;
  EXPECT_FALSE(contains(decision.reason, "completion_rate")) << decision.reason;
}

TEST(RolloutDecision, TooFewRequestsWaitsAndSaysWhatIsMissing) {
  SimulatedController run;
  run.week(healthy(500), healthy(20));
  EXPECT_TRUE(run.changes.empty());
  EXPECT_EQ(run.rollout.state, RolloutState::Running);
  const RolloutDecision decision =
      decide_rollout(run.rollout, kStart + 7 * kDay, healthy(500), healthy(20));
  EXPECT_EQ(decision.kind, Kind::Wait);
  EXPECT_TRUE(decision.gates.empty());
  EXPECT_TRUE(contains(decision.reason, "100 requests per arm (stable 500, canary 20)"))
      << decision.reason;
  // Per arm: a short stable arm waits too.
  EXPECT_EQ(decide_rollout(run.rollout, kStart + kDay, healthy(99), healthy()).kind, Kind::Wait);
  EXPECT_EQ(decide_rollout(run.rollout, kStart + kDay, healthy(100), healthy(100)).kind,
            Kind::Advance);
}

TEST(RolloutDecision, AYoungStepWaitsForItsDuration) {
  const RolloutDecision decision =
      decide_rollout(daily_rollout(), kStart + 6 * kHour, healthy(), healthy());
  EXPECT_EQ(decision.kind, Kind::Wait);
  EXPECT_TRUE(decision.gates.empty());
  EXPECT_EQ(decision.reason, "step 1 of 4 (5%) has run 6 h of its 1 d; 18 h to go");
  EXPECT_EQ(decide_rollout(daily_rollout(), kStart + kDay - 1, healthy(), healthy()).kind,
            Kind::Wait);
}

TEST(RolloutDecision, AWaitingGateWaits) {
  ArmFigures stable = healthy();
  ArmFigures canary = healthy();
  stable.completion_reports = 40;
  stable.completion_rate = 0.9;
  canary.completion_reports = 12;
  canary.completion_rate = 0.95;
  SimulatedController run;
  run.week(stable, canary);
  EXPECT_TRUE(run.changes.empty()) << "a waiting gate never passes";
  const RolloutDecision decision = decide_rollout(run.rollout, kStart + kDay, stable, canary);
  EXPECT_EQ(decision.kind, Kind::Wait);
  EXPECT_EQ(decision.gates.size(), 5u);
  EXPECT_TRUE(contains(decision.reason, "completion_rate (waiting for 20 task_completed reports"))
      << decision.reason;

  canary.completion_reports = 20;
  EXPECT_EQ(decide_rollout(run.rollout, kStart + kDay, stable, canary).kind, Kind::Advance);
}

TEST(RolloutDecision, RolloutsThatAreNotRunningWait) {
  for (const RolloutState state : {RolloutState::Paused, RolloutState::Completed,
                                   RolloutState::Aborted, RolloutState::RolledBack}) {
    Rollout rollout = daily_rollout();
    rollout.state = state;
    const RolloutDecision decision =
        decide_rollout(rollout, kStart + 7 * kDay, healthy(), healthy());
    EXPECT_EQ(decision.kind, Kind::Wait) << to_string(state);
    EXPECT_TRUE(contains(decision.reason, to_string(state))) << decision.reason;
  }
}

TEST(RolloutDecision, TheStepBeforeTheLastCompletes) {
  Rollout rollout = daily_rollout();
  rollout.plan = plan_from_json({{"steps", {50, 100}}, {"min_duration", "1h"}});
  const RolloutDecision decision = decide_rollout(rollout, kStart + kHour, healthy(), healthy());
  EXPECT_EQ(decision.kind, Kind::Complete);
  EXPECT_TRUE(contains(decision.reason, "the canary becomes the stable version"))
      << decision.reason;
}

TEST(RolloutDecision, AtTheLastStepOnlyTheCanaryArmCounts) {
  Rollout rollout = daily_rollout();
  rollout.step = 3;  // 100%: the stable arm gets nothing
  EXPECT_EQ(decide_rollout(rollout, kStart + kDay, healthy(0), healthy()).kind, Kind::Complete);
  EXPECT_EQ(decide_rollout(rollout, kStart + kDay, healthy(0), healthy(10)).kind, Kind::Wait);
}

TEST(RolloutDecision, OddRolloutsWaitInsteadOfCrashing) {
  Rollout rollout = daily_rollout();
  rollout.step = 9;
  EXPECT_EQ(decide_rollout(rollout, kStart + kDay, healthy(), healthy()).kind, Kind::Wait);
  rollout = daily_rollout();
  rollout.plan.gates = {{"latency_p95_ratio", "fast"}};
  const RolloutDecision decision = decide_rollout(rollout, kStart + kDay, healthy(), healthy());
  EXPECT_EQ(decision.kind, Kind::Wait);
  EXPECT_TRUE(contains(decision.reason, "latency_p95_ratio")) << decision.reason;
}

TEST(RolloutDecision, PlanGatesChangeTheVerdict) {
  ArmFigures slow = healthy();
  slow.p95_latency_seconds = 1.5;
  Rollout rollout = daily_rollout();
  rollout.plan.gates = {{"latency_p95_ratio", 1.6}};
  EXPECT_EQ(decide_rollout(rollout, kStart + kDay, healthy(), slow).kind, Kind::Advance);
}

TEST(RolloutDecision, AsJson) {
  const Json advance =
      decision_to_json(decide_rollout(daily_rollout(), kStart + kDay, healthy(), healthy()));
  EXPECT_EQ(advance["kind"], "advance");
  EXPECT_EQ(advance["next_step"], 1);
  EXPECT_EQ(advance["gates"].size(), 5u);
  EXPECT_EQ(advance["gates"][1]["name"], "p95_latency");
  const Json waiting =
      decision_to_json(decide_rollout(daily_rollout(), kStart, healthy(), healthy()));
  EXPECT_EQ(waiting["kind"], "wait");
  EXPECT_FALSE(waiting.contains("next_step"));
  EXPECT_EQ(waiting["gates"], Json::array());
  ArmFigures failing = healthy();
  failing.errors = 100;
  EXPECT_EQ(
      decision_to_json(decide_rollout(daily_rollout(), kStart + kDay, healthy(), failing))["kind"],
      "gate_miss");
  Rollout last = daily_rollout();
  last.step = 2;
  EXPECT_EQ(decision_to_json(decide_rollout(last, kStart + kDay, healthy(), healthy()))["kind"],
            "complete");
}

}  // namespace
}  // namespace slipway::traffic::test
