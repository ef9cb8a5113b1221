#include "registry/record_json.h"

#include <gtest/gtest.h>

#include "registry/registry_error.h"
#include "registry/version_diff.h"

namespace slipway::registry {
namespace {

Version sample_version() {
  Version v;
  v.model = "demo";
  v.version = 3;
  v.label = "llama-3.2-1b-20261129";
  v.source.kind = SourceKind::Lora;
  v.source.path = "/models/adapter";
  v.source.base = "llama/1";
  v.params = Json{{"base_model", "meta-llama/Llama-3.2-1B"}, {"lora_r", 16}};
  v.metrics = Json{{"val_loss", 1.25}};
  v.tags = Json{{"team", "support"}};
  v.description = "first try";
  v.creator = "cli:alice";
  v.created_at_ms = 1795953600000;
  v.git_commit = "abc1234";
  v.parent = "demo/2";
  v.dataset = "export-7";
  v.artifacts = {{"adapter_config.json", 10, "aa", 0}, {"adapter_model.safetensors", 20, "bb", 0}};
  v.content_hash = "cc";
  v.stage = Stage::Staging;
  v.aliases = {"canary"};
  return v;
}

TEST(RecordJson, VersionRoundTrips) {
  const Version v = sample_version();
  const Json json = to_json(v);
  EXPECT_EQ(json["ref"], "demo/3");
  EXPECT_EQ(json["stage"], "staging");
  EXPECT_EQ(json["source"]["kind"], "lora");
  const Version back = version_from_json(json);
  EXPECT_EQ(to_json(back), json);
}

TEST(RecordJson, ModelAndEventRoundTrip) {
  Model model;
  model.name = "demo";
  model.description = "support bot";
  model.tags = Json{{"team", "support"}};
  model.creator = "cli:alice";
  model.created_at_ms = 5;
  model.version_count = 3;
  model.latest_version = 3;
  model.aliases = {{"production", 2}};
  EXPECT_EQ(to_json(model_from_json(to_json(model))), to_json(model));

  Event event;
  event.id = 7;
  event.model = "demo";
  event.version = 2;
  event.kind = "alias_set";
  event.alias = "production";
  event.from = "1";
  event.to = "2";
  event.actor = "key:ci";
  event.reason = "eval passed";
  event.automatic = true;
  event.at_ms = 9;
  EXPECT_EQ(to_json(event_from_json(to_json(event))), to_json(event));
}

TEST(RecordJson, FromJsonNamesTheBadField) {
  auto expect_invalid = [](const Json& json, const std::string& field) {
    try {
      version_from_json(json);
      ADD_FAILURE() << "accepted " << json.dump();
    } catch (const RegistryError& e) {
      EXPECT_EQ(e.code(), RegistryError::Code::Invalid);
      EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
    }
  };
  Json good = to_json(sample_version());
  Json bad = good;
  bad["params"] = "x";
  expect_invalid(bad, "version.params");
  bad = good;
  bad["version"] = "3";
  expect_invalid(bad, "version.version");
  bad = good;
  bad.erase("model");
  expect_invalid(bad, "version.model");
  bad = good;
  bad["source"]["kind"] = "ftp";
  expect_invalid(bad, "version.source.kind");
  bad = good;
  bad["tags"]["team"] = 3;
  expect_invalid(bad, "version.tags.team");
  bad = good;
  bad["artifacts"][1]["size"] = "big";
  expect_invalid(bad, "version.artifacts[1].size");
  expect_invalid(Json::array(), "version");

  try {
    source_from_json(Json{{"kind", "upstream"}, {"url", 5}});
    ADD_FAILURE();
  } catch (const RegistryError& e) {
    EXPECT_NE(std::string(e.what()).find("source.url"), std::string::npos) << e.what();
  }
}

TEST(VersionDiff, ShowsOnlyDifferences) {
  Version a = sample_version();
  Version b = sample_version();
  b.version = 4;
  b.params["learning_rate"] = 0.0001;
  b.params.erase("lora_r");
  b.metrics["val_loss"] = 1.0;
  b.tags["team"] = "support";  // same
  b.artifacts = {{"adapter_config.json", 10, "aa", 0},
                 {"adapter_model.safetensors", 20, "bX", 0},
                 {"extra.txt", 1, "dd", 0}};
  b.git_commit = "def5678";
  b.content_hash = "ee";
  const Json diff = diff_versions(a, b);
  EXPECT_EQ(diff["a"], "demo/3");
  EXPECT_EQ(diff["b"], "demo/4");
  EXPECT_EQ(diff["params"]["lora_r"], (Json{{"a", 16}, {"b", nullptr}}));
  EXPECT_EQ(diff["params"]["learning_rate"], (Json{{"a", nullptr}, {"b", 0.0001}}));
  EXPECT_FALSE(diff["params"].contains("base_model"));
  EXPECT_EQ(diff["metrics"]["val_loss"], (Json{{"a", 1.25}, {"b", 1.0}}));
  EXPECT_TRUE(diff["tags"].empty());
  EXPECT_EQ(diff["artifacts"]["added"], Json::array({"extra.txt"}));
  EXPECT_EQ(diff["artifacts"]["removed"], Json::array());
  EXPECT_EQ(diff["artifacts"]["changed"], Json::array({"adapter_model.safetensors"}));
  EXPECT_EQ(diff["lineage"]["git_commit"], (Json{{"a", "abc1234"}, {"b", "def5678"}}));
  EXPECT_FALSE(diff["lineage"].contains("parent"));
  EXPECT_FALSE(diff["lineage"].contains("source"));
  EXPECT_FALSE(diff["identical_content"].get<bool>());

  const Json same = diff_versions(a, a);
  EXPECT_TRUE(same["identical_content"].get<bool>());
  EXPECT_TRUE(same["lineage"].empty());
}

}  // namespace
}  // namespace slipway::registry
