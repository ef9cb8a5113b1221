// Rollback through the service: the previous stable (or a named version), health checks before
// the switch, the switch in memory at once, during a rollout, and the production alias.
#include "traffic_service_support.h"

namespace slipway::traffic::test {
namespace {

// The route's stable goes support/1 -> support/2 through a completed rollout.
void release_support_2(TrafficService& service) {
  service.start_rollout("cs", {{"canary", "support/2"}, {"steps", {50, 100}}}, "tester");
  service.promote("cs", "tester", "");
}

TEST_P(TrafficServiceTest, RollbackGoesToThePreviousStableAtOnce) {
  auto service = service_with_route();
  release_support_2(*service);
  ASSERT_EQ(service->routes().at(0).stable, "support/2");
  EXPECT_TRUE(versions_.is_loaded("support/1")) << "the previous stable stays loaded";

  const Json result = service->rollback("cs", Json::object(), "oncall");
  EXPECT_EQ(result["stable"], "support/1");
  EXPECT_EQ(result["rolled_back_from"], "support/2");
  EXPECT_TRUE(result.contains("switch_ms"));
  // The very next pick, before any notification, gets the target.
  EXPECT_EQ(service->route("cs", "anyone")->pick.version, "support/1");
  EXPECT_EQ(registry_->get_version(registry::parse_version_ref("support@production")).version, 1);
  EXPECT_EQ(service->events("cs", 1)["data"][0]["kind"], "rollback");
}

TEST_P(TrafficServiceTest, RollbackWithoutAPreviousVersionIsRefused) {
  auto service = service_with_route();
  expect_traffic_error([&] { service->rollback("cs", Json::object(), "oncall"); },
                       TrafficError::Code::Conflict, "no previous stable version");
  expect_traffic_error(
      [&] {
        service->rollback("cs", {{"to", "support/1"}}, "oncall");
      },
      TrafficError::Code::Conflict, "already serves");
  expect_traffic_error([&] { service->rollback("nope", Json::object(), "oncall"); },
                       TrafficError::Code::NotFound, "nope");
  expect_traffic_error(
      [&] {
        service->rollback("cs", {{"to", 3}}, "oncall");
      },
      TrafficError::Code::Invalid, "to");
}

TEST_P(TrafficServiceTest, AnUnhealthyTargetIsRefusedUnlessForced) {
  auto service = service_with_route();
  release_support_2(*service);
  versions_.backend("support/1")->healthy = false;
  expect_traffic_error([&] { service->rollback("cs", Json::object(), "oncall"); },
                       TrafficError::Code::Unhealthy, "unhealthy");
  EXPECT_EQ(service->routes().at(0).stable, "support/2");
  versions_.backend("support/1")->silent = true;
  expect_traffic_error([&] { service->rollback("cs", Json::object(), "oncall"); },
                       TrafficError::Code::Unhealthy, "in time");
  service->rollback("cs", {{"force", true}}, "oncall");
  EXPECT_EQ(service->routes().at(0).stable, "support/1");
}

TEST_P(TrafficServiceTest, RollbackDuringARolloutReturnsToStable) {
  auto service = service_with_route();
  service->start_rollout("cs", {{"canary", "support/2"}}, "tester");
  const Json result = service->rollback("cs", Json::object(), "oncall");
  EXPECT_EQ(result["stable"], "support/1");
  EXPECT_EQ(service->routes().at(0).canary, "");
  EXPECT_EQ(service->rollout_status("cs")["state"], "rolled_back");
}

TEST_P(TrafficServiceTest, RollbackToANamedVersion) {
  auto service = service_with_route();
  service->rollback("cs", {{"to", "support/3"}}, "oncall");
  EXPECT_EQ(service->routes().at(0).stable, "support/3");
  EXPECT_TRUE(versions_.is_loaded("support/3"));
  service->rollback("cs", Json::object(), "oncall");
  EXPECT_EQ(service->routes().at(0).stable, "support/1");
}

}  // namespace
}  // namespace slipway::traffic::test
