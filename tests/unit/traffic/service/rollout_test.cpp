// Rollouts through the service on a fake clock: a week-long plan in milliseconds, pauses on a
// missed gate, waits on too few samples, the commands, and the production alias.
#include "traffic_service_support.h"

namespace slipway::traffic::test {
namespace {

std::string state_of(TrafficService& service) {
  return service.rollout_status("cs")["state"].get<std::string>();
}

int32_t canary_weight(TrafficService& service) {
  return service.routes().at(0).canary_weight_bp;
}

std::vector<std::string> event_kinds(TrafficService& service) {
  std::vector<std::string> kinds;
  const Json events = service.events("cs", 100);  // held: the loop reads into it
  for (const auto& event : events["data"]) kinds.push_back(event["kind"]);
  return kinds;
}

TEST_P(TrafficServiceTest, AWeekLongPlanAdvancesDailyAndCompletes) {
  auto service = service_with_route();
  figures_.set("support/1", "stable", healthy_figures());
  figures_.set("support/2", "canary", healthy_figures());
  service->start_rollout("cs", daily_plan("support/2"), "tester");
  EXPECT_EQ(canary_weight(*service), 500);
  EXPECT_TRUE(versions_.is_loaded("support/2"));

  now_ms_ += kDay / 2;
  service->tick();
  EXPECT_EQ(canary_weight(*service), 500) << "a step lasts its minimum duration";
  now_ms_ += kDay / 2;
  service->tick();
  EXPECT_EQ(canary_weight(*service), 2000);
  EXPECT_EQ(figures_.last_since, kStart) << "gates judge the step's own window";
  now_ms_ += kDay;
  service->tick();
  EXPECT_EQ(canary_weight(*service), 5000);
  now_ms_ += kDay;
  service->tick();
  EXPECT_EQ(state_of(*service), "completed");
  const Route route = service->routes().at(0);
  EXPECT_EQ(route.stable, "support/2");
  EXPECT_EQ(route.canary, "");
  EXPECT_EQ(registry_->get_version(registry::parse_version_ref("support@production")).version, 2);
  EXPECT_EQ(registry_->get_version(registry::parse_version_ref("support/2")).stage,
            registry::Stage::Production);
  const auto kinds = event_kinds(*service);
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), "step_advanced"), 2);
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), "completed"), 1);
}

TEST_P(TrafficServiceTest, AMissedGatePausesAndResumeOpensAFreshWindow) {
  auto service = service_with_route();
  figures_.set("support/1", "stable", healthy_figures(500, 1.0));
  figures_.set("support/2", "canary", healthy_figures(500, 1.5));  // p95 beyond 1.2x
  service->start_rollout("cs", daily_plan("support/2"), "tester");
  now_ms_ += kDay;
  service->tick();
  const Json status = service->rollout_status("cs");
  EXPECT_EQ(status["state"], "paused");
  EXPECT_NE(status["reason"].get<std::string>().find("p95"), std::string::npos) << status.dump();
  EXPECT_EQ(canary_weight(*service), 500) << "a pause keeps the weight";
  EXPECT_EQ(event_kinds(*service).front(), "gate_missed");

  figures_.set("support/2", "canary", healthy_figures(500, 1.0));
  now_ms_ += kMinute;
  service->resume("cs", "tester", "fixed");
  EXPECT_EQ(state_of(*service), "running");
  service->tick();
  EXPECT_EQ(canary_weight(*service), 500) << "the resumed step needs its full duration again";
  now_ms_ += kDay;
  service->tick();
  EXPECT_EQ(canary_weight(*service), 2000);
}

TEST_P(TrafficServiceTest, AMissedGateRollsBackWhenThePlanSaysSo) {
  auto service = service_with_route();
  figures_.set("support/1", "stable", healthy_figures());
  ArmFigures failing = healthy_figures();
  failing.errors = 50;  // 10% errors against 0%
  figures_.set("support/2", "canary", failing);
  Json plan = daily_plan("support/2");
  plan["on_gate_fail"] = "rollback";
  service->start_rollout("cs", plan, "tester");
  now_ms_ += kDay;
  service->tick();
  EXPECT_EQ(state_of(*service), "rolled_back");
  EXPECT_EQ(service->routes().at(0).canary, "");
  EXPECT_EQ(service->routes().at(0).stable, "support/1");
}

TEST_P(TrafficServiceTest, TooFewSamplesMeansWaitNotPass) {
  auto service = service_with_route();
  figures_.set("support/1", "stable", healthy_figures(500));
  figures_.set("support/2", "canary", healthy_figures(20));
  service->start_rollout("cs", daily_plan("support/2", 100), "tester");
  for (int day = 0; day < 7; ++day) {
    now_ms_ += kDay;
    service->tick();
  }
  EXPECT_EQ(state_of(*service), "running");
  EXPECT_EQ(canary_weight(*service), 500);
  const Json status = service->rollout_status("cs");
  EXPECT_EQ(status["decision"]["kind"], "wait") << status.dump();
}

TEST_P(TrafficServiceTest, CommandsPromotePauseResumeAbort) {
  auto service = service_with_route();
  service->start_rollout("cs", daily_plan("support/2"), "tester");
  service->promote("cs", "tester", "looks fine");
  EXPECT_EQ(canary_weight(*service), 2000);
  service->pause("cs", "tester", "");
  EXPECT_EQ(state_of(*service), "paused");
  now_ms_ += 2 * kDay;
  figures_.set("support/1", "stable", healthy_figures());
  figures_.set("support/2", "canary", healthy_figures());
  service->tick();
  EXPECT_EQ(canary_weight(*service), 2000) << "a paused rollout does not advance";
  service->resume("cs", "tester", "");
  service->abort("cs", "tester", "changed our mind");
  EXPECT_EQ(state_of(*service), "aborted");
  EXPECT_EQ(service->routes().at(0).canary, "");
  expect_traffic_error([&] { service->pause("cs", "t", ""); }, TrafficError::Code::Conflict,
                       "no rollout");
  const auto kinds = event_kinds(*service);
  for (const char* kind : {"rollout_started", "promoted", "paused", "resumed", "aborted"})
    EXPECT_NE(std::find(kinds.begin(), kinds.end(), kind), kinds.end()) << kind;
}

TEST_P(TrafficServiceTest, BadRolloutsAreRefused) {
  auto service = service_with_route();
  expect_traffic_error(
      [&] {
        service->start_rollout("cs", {{"canary", "support/1"}}, "t");
      },
      TrafficError::Code::Invalid, "stable version already");
  expect_traffic_error(
      [&] {
        service->start_rollout("cs", {{"canary", "support/2"}, {"steps", {0, 150}}}, "t");
      },
      TrafficError::Code::Invalid, "");
  expect_traffic_error(
      [&] {
        service->start_rollout("nope", {{"canary", "support/2"}}, "t");
      },
      TrafficError::Code::NotFound, "nope");
  expect_traffic_error([&] { service->start_rollout("cs", Json::object(), "t"); },
                       TrafficError::Code::Invalid, "canary");

  versions_.ensure_loaded("support/3");
  versions_.backend("support/3")->healthy = false;
  expect_traffic_error(
      [&] {
        service->start_rollout("cs", {{"canary", "support/3"}}, "t");
      },
      TrafficError::Code::Unhealthy, "unhealthy");
  service->start_rollout("cs", {{"canary", "support/2"}}, "t");
  expect_traffic_error(
      [&] {
        service->start_rollout("cs", {{"canary", "support/3"}, {"force", true}}, "t");
      },
      TrafficError::Code::Conflict, "already has a rollout");
}

TEST_P(TrafficServiceTest, ReplicasTickingTogetherAdvanceOnce) {
  auto replica_a = service_with_route();
  auto replica_b = make_service();
  replica_b->start();
  figures_.set("support/1", "stable", healthy_figures());
  figures_.set("support/2", "canary", healthy_figures());
  replica_a->start_rollout("cs", daily_plan("support/2"), "tester");
  now_ms_ += kDay;
  std::thread other([&] { replica_b->tick(); });
  replica_a->tick();
  other.join();
  const auto kinds = event_kinds(*replica_a);
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), "step_advanced"), 1);
  EXPECT_EQ(replica_a->rollout_status("cs")["step"], 1);
}

TEST_P(TrafficServiceTest, RouteActionsPauseAndRollBackForAlertRules) {
  auto service = service_with_route();
  RouteActions& actions = *service;
  EXPECT_FALSE(actions.pause_rollout("cs", "alert:latency", "p95 up")) << "nothing to pause";
  service->start_rollout("cs", daily_plan("support/2"), "tester");
  EXPECT_TRUE(actions.pause_rollout("cs", "alert:latency", "p95 up"));
  EXPECT_EQ(state_of(*service), "paused");
  EXPECT_FALSE(actions.pause_rollout("cs", "alert:latency", "p95 up")) << "already paused";
  actions.roll_back("cs", "alert:drift", "length drift");
  EXPECT_EQ(state_of(*service), "rolled_back");
  EXPECT_EQ(service->events("cs", 1)["data"][0]["actor"], "alert:drift");
}

}  // namespace
}  // namespace slipway::traffic::test
