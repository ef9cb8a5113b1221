#include "registry/stage_rules.h"

#include <gtest/gtest.h>

namespace slipway::registry {
namespace {

TEST(StageRules, AllowedTransitions) {
  const std::vector<std::pair<Stage, Stage>> allowed = {
      {Stage::Candidate, Stage::Staging},   {Stage::Candidate, Stage::Archived},
      {Stage::Staging, Stage::Production},  {Stage::Staging, Stage::Candidate},
      {Stage::Staging, Stage::Archived},    {Stage::Production, Stage::Staging},
      {Stage::Production, Stage::Archived}, {Stage::Archived, Stage::Candidate},
  };
  for (auto [from, to] : allowed) {
    EXPECT_FALSE(stage_change_refusal(from, to, {})) << to_string(from) << " -> " << to_string(to);
  }
}

TEST(StageRules, RefusalsSayWhatToDo) {
  EXPECT_NE(stage_change_refusal(Stage::Candidate, Stage::Production, {})->find("staging first"),
            std::string::npos);
  EXPECT_NE(stage_change_refusal(Stage::Production, Stage::Candidate, {})->find("staging first"),
            std::string::npos);
  EXPECT_NE(stage_change_refusal(Stage::Archived, Stage::Staging, {})->find("candidate first"),
            std::string::npos);
  EXPECT_NE(stage_change_refusal(Stage::Archived, Stage::Production, {})->find("candidate first"),
            std::string::npos);
  for (Stage stage : {Stage::Candidate, Stage::Staging, Stage::Production, Stage::Archived}) {
    EXPECT_NE(stage_change_refusal(stage, stage, {})->find("already " + to_string(stage)),
              std::string::npos);
  }
}

TEST(StageRules, ArchivingAnAliasedVersionNamesTheAliases) {
  auto refusal = stage_change_refusal(Stage::Production, Stage::Archived, {"canary", "production"});
  ASSERT_TRUE(refusal);
  EXPECT_NE(refusal->find("canary, production"), std::string::npos) << *refusal;
  EXPECT_NE(refusal->find("move or remove"), std::string::npos) << *refusal;
}

}  // namespace
}  // namespace slipway::registry
