// The direct RegistryClient of `slipway models` on a fresh SQLite data folder.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "app/models/registry_client.h"
#include "app/tiny_model/tiny_model.h"
#include "registry/registry_error.h"
#include "test_dir.h"

namespace slipway::app::models {
namespace {

namespace fs = std::filesystem;
using registry::RegistryError;

class ModelsDirectClient : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::fresh_test_dir("app", "models_direct");
    DataLocation location;
    location.data_dir = (dir_ / "data").string();
    client_ = make_direct_client(location);
  }

  fs::path tiny_model(const std::string& name, uint64_t seed) {
    TinyModelOptions options;
    options.seed = seed;
    const fs::path folder = dir_ / name;
    write_tiny_model(folder, options);
    return folder;
  }

  registry::RegisterRequest request(const fs::path& folder, const std::string& label) {
    registry::RegisterRequest r;
    r.model = "demo";
    r.label = label;
    r.source.kind = registry::SourceKind::Embedded;
    r.source.path = folder;
    return r;
  }

  fs::path dir_;
  std::unique_ptr<RegistryClient> client_;
};

TEST_F(ModelsDirectClient, RegisterListShowAliasStageHistory) {
  const fs::path a = tiny_model("a", 1);
  const fs::path b = tiny_model("b", 2);
  auto first = request(a, "first");
  first.params = {{"learning_rate", 0.0002}};
  const auto one = client_->register_version(first);
  EXPECT_TRUE(one.created);
  EXPECT_EQ(one.version.ref(), "demo/1");
  EXPECT_EQ(one.version.creator, cli_actor());
  EXPECT_FALSE(one.version.artifacts.empty());
  auto second = request(b, "second");
  second.params = {{"learning_rate", 0.0001}};
  second.parent = "demo/1";
  const auto two = client_->register_version(second);
  EXPECT_EQ(two.version.version, 2);

  const auto models = client_->list_models();
  ASSERT_EQ(models.size(), 1u);
  EXPECT_EQ(models[0].name, "demo");
  EXPECT_EQ(models[0].version_count, 2);
  EXPECT_EQ(client_->list_versions("demo", {}).size(), 2u);

  EXPECT_EQ(client_->get_version("demo/second").version, 2);
  EXPECT_EQ(client_->get_version("demo").version, 2);  // latest
  EXPECT_EQ(client_->get_version("demo/1").label, "first");

  const auto diff = client_->diff("demo/1", "demo/2");
  EXPECT_TRUE(diff.contains("params"));
  EXPECT_TRUE(diff["params"].contains("learning_rate"));

  const auto aliased = client_->set_alias("demo", "production", 1, "first release");
  EXPECT_EQ(aliased.aliases, std::vector<std::string>{"production"});
  EXPECT_EQ(client_->get_version("demo@production").version, 1);

  const auto staged = client_->set_stage("demo", 2, registry::Stage::Staging, "canary");
  EXPECT_EQ(staged.stage, registry::Stage::Staging);
  try {
    client_->set_stage("demo", 1, registry::Stage::Production, "skip");
    FAIL() << "candidate -> production was allowed";
  } catch (const RegistryError& e) {
    EXPECT_EQ(e.code(), RegistryError::Code::StageRule);
  }

  client_->remove_alias("demo", "production", "rollback");
  EXPECT_THROW(client_->get_version("demo@production"), RegistryError);

  const auto events = client_->history("demo", 0);
  std::vector<std::string> kinds;
  for (const auto& event : events) kinds.push_back(event.kind);
  EXPECT_EQ(kinds, (std::vector<std::string>{"model_created", "registered", "registered",
                                             "alias_set", "stage", "alias_removed"}));
  EXPECT_EQ(events.back().reason, "rollback");
  EXPECT_EQ(events.back().actor, cli_actor());
  EXPECT_EQ(client_->history("demo", 2).size(), 2u);  // registered, stage
}

TEST_F(ModelsDirectClient, VerifyNamesTheChangedFile) {
  const fs::path a = tiny_model("a", 1);
  const auto version = client_->register_version(request(a, "v1")).version;
  EXPECT_EQ(client_->verify(version, registry::VerifyMode::Full),
            static_cast<int>(version.artifacts.size()));
  {
    std::fstream file(a / "config.json", std::ios::in | std::ios::out | std::ios::binary);
    char first = 0;
    file.get(first);
    file.seekp(0);
    file.put(first == ' ' ? '\t' : ' ');
  }
  try {
    client_->verify(version, registry::VerifyMode::Full);
    FAIL() << "a changed file passed";
  } catch (const RegistryError& e) {
    EXPECT_EQ(e.code(), RegistryError::Code::Integrity);
    EXPECT_NE(std::string(e.what()).find("config.json"), std::string::npos) << e.what();
  }
}

TEST_F(ModelsDirectClient, ErrorsLeaveTheStoreUnchanged) {
  const fs::path a = tiny_model("a", 1);
  client_->register_version(request(a, "v1"));
  EXPECT_THROW(client_->register_version(request(dir_ / "missing", "v2")), RegistryError);
  try {
    client_->register_version(request(a, "v1"));
    FAIL() << "a taken label was accepted";
  } catch (const RegistryError& e) {
    EXPECT_EQ(e.code(), RegistryError::Code::Conflict);
    EXPECT_NE(std::string(e.what()).find("v1"), std::string::npos);
  }
  EXPECT_EQ(client_->list_versions("demo", {}).size(), 1u);
  EXPECT_THROW(client_->get_version("nothing/1"), RegistryError);
}

TEST(ModelsDataLocation, StoreWinsThenDataThenEnvironment) {
  DataLocation location;
  location.store = "postgresql://u@h/db";
  location.data_dir = "/d";
  EXPECT_EQ(resolve_store_location(location), "postgresql://u@h/db");
  location.store.clear();
  EXPECT_EQ(resolve_store_location(location), "/d/slipway.db");
  location.data_dir.clear();
  ::setenv("SLIPWAY_DATA", "/from-env", 1);
  EXPECT_EQ(resolve_store_location(location), "/from-env/slipway.db");
  ::unsetenv("SLIPWAY_DATA");
  ::setenv("XDG_DATA_HOME", "/xdg", 1);
  EXPECT_EQ(resolve_store_location(location), "/xdg/slipway/slipway.db");
  ::unsetenv("XDG_DATA_HOME");
  const char* home = std::getenv("HOME");
  const std::string saved_home = home != nullptr ? home : "";
  ::setenv("HOME", "/home/someone", 1);
  EXPECT_EQ(resolve_store_location(location), "/home/someone/.local/share/slipway/slipway.db");
  if (home != nullptr) ::setenv("HOME", saved_home.c_str(), 1);
  EXPECT_EQ(cli_actor().rfind("cli:", 0), 0u);
}

}  // namespace
}  // namespace slipway::app::models
