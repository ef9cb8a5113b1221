// Aliases, stages and the history they leave.
#include <gtest/gtest.h>

#include "registry/version_diff.h"
#include "registry_test_support.h"

namespace slipway::registry::test {
namespace {

class RegistryAliasStageTest : public RegistryTest {
 protected:
  void SetUp() override {
    RegistryTest::SetUp();
    for (int i = 1; i <= 3; ++i) register_new("demo", std::string("w").append(std::to_string(i)));
  }
};

TEST_P(RegistryAliasStageTest, AliasesSetMoveAndRemoveWithHistory) {
  now_ms_ = kNov29 + 1000;
  Version v = registry_->set_alias("demo", "production", 1, "alice", "first release");
  EXPECT_EQ(v.version, 1);
  EXPECT_EQ(v.aliases, std::vector<std::string>{"production"});
  EXPECT_EQ(registry_->get_version(parse_version_ref("demo@production")).version, 1);

  now_ms_ = kNov29 + 2000;
  v = registry_->set_alias("demo", "production", 2, "bob", "better eval");
  EXPECT_EQ(v.version, 2);
  registry_->set_alias("demo", "canary", 2, "bob", "");
  EXPECT_EQ(registry_->get_version(parse_version_ref("demo@production")).version, 2);
  EXPECT_TRUE(registry_->get_version(parse_version_ref("demo/1")).aliases.empty());
  EXPECT_EQ(registry_->get_version(parse_version_ref("demo/2")).aliases,
            (std::vector<std::string>{"canary", "production"}));
  const Model model = registry_->get_model("demo");
  EXPECT_EQ(model.aliases, (std::map<std::string, int64_t>{{"canary", 2}, {"production", 2}}));

  now_ms_ = kNov29 + 3000;
  registry_->remove_alias("demo", "production", "carol", "rollback drill");
  expect_registry_error([&] { registry_->get_version(parse_version_ref("demo@production")); },
                        RegistryError::Code::NotFound, {"production", "canary"});

  std::vector<Event> aliases;
  for (const auto& event : registry_->history("demo")) {
    if (event.alias == "production") aliases.push_back(event);
  }
  ASSERT_EQ(aliases.size(), 3u);
  EXPECT_EQ(aliases[0].kind, "alias_set");
  EXPECT_EQ(aliases[0].from, "");
  EXPECT_EQ(aliases[0].to, "1");
  EXPECT_EQ(aliases[0].actor, "alice");
  EXPECT_EQ(aliases[0].reason, "first release");
  EXPECT_EQ(aliases[0].at_ms, kNov29 + 1000);
  EXPECT_EQ(aliases[1].from, "1");
  EXPECT_EQ(aliases[1].to, "2");
  EXPECT_EQ(aliases[1].actor, "bob");
  EXPECT_EQ(aliases[2].kind, "alias_removed");
  EXPECT_EQ(aliases[2].from, "2");
  EXPECT_EQ(aliases[2].to, "");
  EXPECT_EQ(aliases[2].actor, "carol");
  EXPECT_EQ(aliases[2].reason, "rollback drill");
  EXPECT_EQ(aliases[2].version, 2);
}

TEST_P(RegistryAliasStageTest, AliasErrors) {
  using Code = RegistryError::Code;
  expect_registry_error([&] { registry_->set_alias("demo", "production", 9, "a", ""); },
                        Code::NotFound, {"demo/9", "3 versions"});
  expect_registry_error([&] { registry_->set_alias("nobody", "production", 1, "a", ""); },
                        Code::NotFound, {"nobody"});
  expect_registry_error([&] { registry_->set_alias("demo", "bad alias", 1, "a", ""); },
                        Code::Invalid, {"bad alias"});
  expect_registry_error([&] { registry_->remove_alias("demo", "production", "a", ""); },
                        Code::NotFound, {"production"});
  registry_->set_stage("demo", 3, Stage::Archived, "a", "bad run");
  expect_registry_error([&] { registry_->set_alias("demo", "production", 3, "a", ""); },
                        Code::StageRule, {"demo/3", "archived", "candidate"});
}

TEST_P(RegistryAliasStageTest, StagesFollowTheRules) {
  using Code = RegistryError::Code;
  expect_registry_error(
      [&] { registry_->set_stage("demo", 1, Stage::Production, "alice", "ship it"); },
      Code::StageRule, {"demo/1", "candidate", "production", "staging first"});
  expect_registry_error([&] { registry_->set_stage("demo", 1, Stage::Candidate, "alice", "x"); },
                        Code::StageRule, {"already candidate"});
  expect_registry_error([&] { registry_->set_stage("demo", 1, Stage::Staging, "alice", " "); },
                        Code::Invalid, {"reason"});

  Version v = registry_->set_stage("demo", 1, Stage::Staging, "alice", "canary passed");
  EXPECT_EQ(v.stage, Stage::Staging);
  v = registry_->set_stage("demo", 1, Stage::Production, "rollout", "", /*automatic=*/true);
  EXPECT_EQ(v.stage, Stage::Production);
  expect_registry_error([&] { registry_->set_stage("demo", 1, Stage::Candidate, "alice", "x"); },
                        Code::StageRule, {"staging first"});

  registry_->set_alias("demo", "production", 1, "alice", "");
  registry_->set_alias("demo", "stable", 1, "alice", "");
  expect_registry_error([&] { registry_->set_stage("demo", 1, Stage::Archived, "alice", "old"); },
                        Code::StageRule, {"production, stable", "move or remove"});
  registry_->remove_alias("demo", "production", "alice", "");
  registry_->remove_alias("demo", "stable", "alice", "");
  EXPECT_EQ(registry_->set_stage("demo", 1, Stage::Archived, "alice", "old").stage,
            Stage::Archived);
  // Archived versions stay inspectable but cannot be served or skip back.
  EXPECT_EQ(registry_->get_version(parse_version_ref("demo/1")).stage, Stage::Archived);
  expect_registry_error([&] { registry_->set_stage("demo", 1, Stage::Staging, "alice", "x"); },
                        Code::StageRule, {"candidate first"});
  EXPECT_EQ(registry_->set_stage("demo", 1, Stage::Candidate, "alice", "restored").stage,
            Stage::Candidate);

  std::vector<Event> stages;
  for (const auto& event : registry_->history("demo", 1)) {
    if (event.kind == "stage") stages.push_back(event);
  }
  ASSERT_EQ(stages.size(), 4u);
  EXPECT_EQ(stages[0].from, "candidate");
  EXPECT_EQ(stages[0].to, "staging");
  EXPECT_EQ(stages[0].reason, "canary passed");
  EXPECT_FALSE(stages[0].automatic);
  EXPECT_EQ(stages[1].to, "production");
  EXPECT_EQ(stages[1].actor, "rollout");
  EXPECT_TRUE(stages[1].automatic);
  EXPECT_EQ(stages[2].to, "archived");
  EXPECT_EQ(stages[3].from, "archived");
  EXPECT_EQ(stages[3].to, "candidate");

  EXPECT_EQ(registry_->list_versions("demo", {Stage::Candidate, {}, {}}).size(), 3u);
  registry_->set_stage("demo", 2, Stage::Staging, "alice", "try");
  const auto staging = registry_->list_versions("demo", {Stage::Staging, {}, {}});
  ASSERT_EQ(staging.size(), 1u);
  EXPECT_EQ(staging[0].version, 2);
}

TEST_P(RegistryAliasStageTest, HistoryIsOldestFirstAndFiltersByVersion) {
  registry_->set_alias("demo", "production", 2, "alice", "");
  registry_->set_stage("demo", 2, Stage::Staging, "alice", "why not");
  const auto all = registry_->history("demo");
  ASSERT_EQ(all.size(), 6u);  // created, 3 registered, alias, stage
  EXPECT_EQ(all[0].kind, "model_created");
  EXPECT_EQ(all[0].version, 0);
  for (std::size_t i = 1; i < all.size(); ++i) EXPECT_LT(all[i - 1].id, all[i].id);
  EXPECT_EQ(all[3].version, 3);
  EXPECT_EQ(all[4].kind, "alias_set");
  EXPECT_EQ(all[5].kind, "stage");
  const auto two = registry_->history("demo", 2);
  ASSERT_EQ(two.size(), 3u);
  EXPECT_EQ(two[0].kind, "registered");
  EXPECT_EQ(two[2].kind, "stage");
  expect_registry_error([&] { registry_->history("nobody"); }, RegistryError::Code::NotFound,
                        {"nobody"});
}

TEST_P(RegistryAliasStageTest, NotFoundSaysWhatIsMissing) {
  using Code = RegistryError::Code;
  expect_registry_error([&] { registry_->get_version(parse_version_ref("demo/7")); },
                        Code::NotFound, {"demo/7", "3 versions", "1 to 3"});
  expect_registry_error([&] { registry_->get_version(parse_version_ref("demo@production")); },
                        Code::NotFound, {"production", "no aliases"});
  expect_registry_error([&] { registry_->get_version(parse_version_ref("demo/nope")); },
                        Code::NotFound, {"nope", "demo"});
  expect_registry_error([&] { registry_->get_version(parse_version_ref("nobody/1")); },
                        Code::NotFound, {"nobody", "not registered"});
  expect_registry_error([&] { registry_->list_versions("nobody"); }, Code::NotFound, {"nobody"});
  expect_registry_error([&] { registry_->get_model("nobody"); }, Code::NotFound, {"nobody"});
}

TEST_P(RegistryAliasStageTest, ListFiltersByTag) {
  auto request = embedded("demo", model_folder("tagged", "w9"));
  request.tags = Json{{"team", "support"}, {"gpu", "a100"}};
  registry_->register_version(request);
  EXPECT_EQ(registry_->list_versions("demo", {std::nullopt, "team", std::nullopt}).size(), 1u);
  EXPECT_EQ(registry_->list_versions("demo", {std::nullopt, "team", "support"}).size(), 1u);
  EXPECT_TRUE(registry_->list_versions("demo", {std::nullopt, "team", "sales"}).empty());
  EXPECT_TRUE(registry_->list_versions("demo", {std::nullopt, "owner", std::nullopt}).empty());
}

TEST_P(RegistryAliasStageTest, DiffOfStoredVersions) {
  auto request = embedded("demo", model_folder("d4", "w4"));
  request.params = Json{{"learning_rate", 0.0001}};
  request.parent = "demo/3";
  const Version b = registry_->register_version(request).version;
  const Version a = registry_->get_version(parse_version_ref("demo/3"));
  const Json diff = diff_versions(a, b);
  EXPECT_EQ(diff["params"]["learning_rate"]["b"], 0.0001);
  EXPECT_EQ(diff["artifacts"]["changed"], Json::array({"model.safetensors"}));
  EXPECT_EQ(diff["lineage"]["parent"]["b"], "demo/3");
  EXPECT_TRUE(diff["lineage"].contains("source"));  // another folder
  EXPECT_FALSE(diff["identical_content"].get<bool>());
}

TEST_P(RegistryAliasStageTest, SubscribersHearEveryChange) {
  Inbox inbox;
  auto subscription = registry_->on_change(inbox.callback());
  register_new("other", "o1");
  registry_->set_alias("demo", "production", 1, "alice", "");
  registry_->set_stage("demo", 2, Stage::Staging, "alice", "canary");
  const auto payloads = inbox.wait_for(3);
  EXPECT_EQ(payloads, (std::vector<std::string>{"other", "demo", "demo"}));
}

INSTANTIATE_TEST_SUITE_P(Registry, RegistryAliasStageTest, slipway::test::kBothBackends,
                         backend_name);

}  // namespace
}  // namespace slipway::registry::test
