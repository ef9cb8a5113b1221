// Routes through the service: pinned versions, loading, picks with their backends, updates.
#include "traffic_service_support.h"

namespace slipway::traffic::test {
namespace {

TEST_P(TrafficServiceTest, CreatePinsAliasesLoadsTheStableAndServesIt) {
  registry_->set_alias("support", "production", 2, "test", "setup");
  auto service = make_service();
  service->start();
  const Json route =
      service->create_route({{"name", "cs"}, {"stable", "support@production"}}, "tester");
  EXPECT_EQ(route["stable"], "support/2");
  EXPECT_TRUE(versions_.is_loaded("support/2"));

  auto routed = service->route("cs", "alice");
  ASSERT_TRUE(routed);
  EXPECT_EQ(routed->pick.version, "support/2");
  EXPECT_EQ(routed->pick.arm, "stable");
  EXPECT_EQ(routed->primary, versions_.backend("support/2"));
  EXPECT_FALSE(service->route("nope", "alice"));
  EXPECT_TRUE(service->has_route("cs"));
}

TEST_P(TrafficServiceTest, CreateRefusesBadInput) {
  auto service = service_with_route();
  expect_traffic_error(
      [&] {
        service->create_route({{"name", "cs"}, {"stable", "support/1"}}, "t");
      },
      TrafficError::Code::Conflict, "exists");
  expect_traffic_error(
      [&] {
        service->create_route({{"name", "bad name"}, {"stable", "support/1"}}, "t");
      },
      TrafficError::Code::Invalid, "name");
  expect_traffic_error(
      [&] {
        service->create_route({{"name", "x"}}, "t");
      },
      TrafficError::Code::Invalid, "stable");
  expect_traffic_error(
      [&] {
        service->create_route({{"name", "x"}, {"stable", "support/1"}, {"colour", 1}}, "t");
      },
      TrafficError::Code::Invalid, "colour");
  EXPECT_THROW(service->create_route({{"name", "x"}, {"stable", "support/9"}}, "t"),
               registry::RegistryError);
  versions_.unloadable.insert("other/1");
  expect_traffic_error(
      [&] {
        service->create_route({{"name", "y"}, {"stable", "other/1"}}, "t");
      },
      TrafficError::Code::Unavailable, "no memory");
  EXPECT_FALSE(service->has_route("y"));
}

TEST_P(TrafficServiceTest, ShadowsAndFallbackComeWithTheirBackends) {
  auto service = service_with_route();
  const Json updated = service->update_route(
      "cs", {{"shadows", {"support/2", "other/1"}}, {"fallback", "support/3"}}, "tester");
  EXPECT_EQ(updated["shadows"], Json({"support/2", "other/1"}));
  EXPECT_TRUE(versions_.is_loaded("support/2")) << "shadows load before the change returns";
  EXPECT_TRUE(versions_.is_loaded("support/3"));
  versions_.unload("other/1");  // a shadow that went down later
  auto routed = service->route("cs", "");
  ASSERT_TRUE(routed);
  ASSERT_EQ(routed->shadows.size(), 2u);
  EXPECT_EQ(routed->shadows[0].version, "support/2");
  EXPECT_EQ(routed->shadows[0].backend, versions_.backend("support/2"));
  EXPECT_EQ(routed->shadows[1].backend, nullptr);
  EXPECT_EQ(routed->fallback, versions_.backend("support/3"));

  versions_.unloadable.insert("other/2");
  expect_traffic_error(
      [&] {
        service->update_route("cs", {{"shadows", {"other/2"}}}, "t");
      },
      TrafficError::Code::Unavailable, "no memory");
  service->update_route("cs", {{"shadows", nullptr}, {"fallback", nullptr}}, "tester");
  routed = service->route("cs", "");
  EXPECT_TRUE(routed->shadows.empty());
  EXPECT_EQ(routed->fallback, nullptr);
  expect_traffic_error(
      [&] {
        service->update_route("nope", {{"shadows", nullptr}}, "t");
      },
      TrafficError::Code::NotFound, "nope");
}

TEST_P(TrafficServiceTest, ChangesFromAnotherReplicaReachTheTable) {
  auto replica_a = service_with_route();
  auto replica_b = make_service();
  replica_b->start();
  ASSERT_TRUE(replica_b->has_route("cs"));
  versions_.ensure_loaded("support/2");
  replica_a->update_route("cs", {{"shadows", {"support/2"}}}, "tester");
  // The bound: every replica applies a change within 2 seconds.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (std::chrono::steady_clock::now() < deadline) {
    auto routes = replica_b->routes();
    if (!routes.empty() && routes[0].shadows.size() == 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(replica_b->routes().at(0).shadows, std::vector<std::string>{"support/2"});
}

TEST_P(TrafficServiceTest, DeleteRemovesTheRoute) {
  auto service = service_with_route();
  service->delete_route("cs", "tester");
  EXPECT_FALSE(service->has_route("cs"));
  EXPECT_EQ(service->list_routes()["data"].size(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Stores, TrafficServiceTest, slipway::test::kBothBackends, backend_name);

}  // namespace
}  // namespace slipway::traffic::test
