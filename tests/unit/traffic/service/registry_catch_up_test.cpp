// A crash between a route's stable change and the registry following it (the production alias
// and the stage are separate writes after the route's): the next start follows, unless the
// alias was moved by hand since.
#include "registry/registry_error.h"
#include "traffic_service_support.h"

namespace slipway::traffic::test {
namespace {

registry::Version production(registry::Registry& registry) {
  return registry.get_version(registry::parse_version_ref("support@production"));
}

// What a crash right after a rollout's completion leaves: the route on support/2 (with its
// history row), the registry untouched.
void switch_route_without_registry(TrafficService& service, const std::string& version) {
  TrafficEvent completed;
  completed.kind = "completed";
  completed.actor = "controller";
  service.route_store().update_route(
      "cs", [&](Route& route) { route.stable = version; }, completed);
}

TEST_P(TrafficServiceTest, StartFollowsASwitchTheRegistryMissed) {
  service_with_route();
  ASSERT_EQ(production(*registry_).version, 1);
  now_ms_ += kMinute;
  auto crashed = make_service();
  switch_route_without_registry(*crashed, "support/2");
  crashed.reset();
  ASSERT_EQ(production(*registry_).version, 1) << "the crash left the alias behind";

  now_ms_ += kMinute;
  make_service()->start();
  EXPECT_EQ(production(*registry_).version, 2);
  EXPECT_EQ(production(*registry_).stage, registry::Stage::Production);
  const auto history = registry_->history("support");
  EXPECT_EQ(history.back().kind, "alias_set") << "the alias is the follow's last write";
  EXPECT_EQ(history.back().actor, "controller") << "the switch's actor";

  now_ms_ += kMinute;
  make_service()->start();
  EXPECT_EQ(registry_->history("support").size(), history.size()) << "nothing more to follow";
}

TEST_P(TrafficServiceTest, StartLeavesAnAliasMovedByHandSinceTheSwitch) {
  service_with_route();
  now_ms_ += kMinute;
  registry_->set_alias("support", "production", 3, "ana", "hotfix");
  make_service()->start();
  EXPECT_EQ(production(*registry_).version, 3);

  now_ms_ += kMinute;
  registry_->remove_alias("support", "production", "ana", "no production for now");
  make_service()->start();
  EXPECT_THROW(production(*registry_), registry::RegistryError);
}

}  // namespace
}  // namespace slipway::traffic::test
