// ServedModels against a real SQLite registry and tiny model folders: admission, artifact
// checks, names, unloading and the "name@alias" / "name/N" resolution of requests.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "app/serve/config_registration.h"
#include "app/serve/memory_budget.h"
#include "app/serve/model_loader.h"
#include "app/tiny_model/tiny_model.h"
#include "served_models_fixture.h"

namespace slipway::app {
namespace {

namespace fs = std::filesystem;
using backends::ApiError;
using backends::Json;

class ServedModelsTest : public ServedModelsFixture {
 protected:
  void SetUp() override { open_registry("serve_model_loader", "loader"); }

  fs::path tiny(const std::string& name, uint64_t seed) {
    const fs::path folder = dir_ / name;
    TinyModelOptions options;
    options.seed = seed;
    write_tiny_model(folder, options);
    return folder;
  }

  std::unique_ptr<ServedModels> loader(int64_t budget = int64_t{8} << 30) {
    ServedModels::Options options;
    options.engine.kv_cache_mb = 1;
    options.memory_budget_bytes = budget;
    return start_loader(options);
  }

  VersionServing serving(const std::string& name) {
    VersionServing s;
    s.served_name = name;
    s.engine.kv_cache_mb = 1;
    return s;
  }
};

TEST_F(ServedModelsTest, LoadsListsResolvesAndUnloads) {
  const auto v1 = register_folder("bot", tiny("a", 1), "bot-a");
  auto models = loader();
  const Json entry = models->load(Json{{"version", "bot/1"}}, "test");
  EXPECT_EQ(entry["name"], "bot");
  EXPECT_EQ(entry["version"], "bot/1");
  EXPECT_EQ(entry["label"], "bot-a");
  EXPECT_EQ(entry["source"], "embedded");
  EXPECT_GT(entry["memory_bytes"].get<int64_t>(), 0);
  ASSERT_NE(backends_->find("bot"), nullptr);
  EXPECT_EQ(backends_->find("bot/1"), backends_->find("bot"));
  EXPECT_EQ(backends_->find("bot/bot-a"), backends_->find("bot"));

  // The same version under the same name again: nothing new.
  EXPECT_EQ(models->load(Json{{"version", "bot/bot-a"}}, "test"), entry);
  const Json list = models->list();
  ASSERT_EQ(list["data"].size(), 1u);
  EXPECT_EQ(list["memory_used_bytes"], entry["memory_bytes"]);
  EXPECT_EQ(list["memory_budget_bytes"], int64_t{8} << 30);

  models->unload("bot", "test");
  EXPECT_EQ(backends_->find("bot"), nullptr);
  EXPECT_EQ(backends_->find("bot/1"), nullptr);
  EXPECT_EQ(models->list()["memory_used_bytes"], 0);
  EXPECT_EQ(api_error_of([&] { models->unload("bot", "test"); }).status, 404);
  (void)v1;
}

TEST_F(ServedModelsTest, AliasesFollowTheRegistry) {
  register_folder("bot", tiny("a", 1), "bot-a");
  register_folder("bot", tiny("b", 2), "bot-b");
  registry_->set_alias("bot", "production", 1, "test", "first");
  auto models = loader();
  models->load(Json{{"version", "bot@production"}}, "test");
  models->load(Json{{"version", "bot/2"}, {"name", "bot-next"}}, "test");
  EXPECT_EQ(backends_->find("bot@production"), backends_->find("bot"));
  registry_->set_alias("bot", "production", 2, "test", "promote");
  // The change arrives through the store's notifications.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (backends_->find("bot@production") != backends_->find("bot-next") &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(backends_->find("bot@production"), backends_->find("bot-next"));
  EXPECT_EQ(backends_->find("bot@staging"), nullptr);
}

TEST_F(ServedModelsTest, NameServingAnotherVersionIsAConflict) {
  register_folder("bot", tiny("a", 1), "bot-a");
  register_folder("bot", tiny("b", 2), "bot-b");
  auto models = loader();
  models->load(Json{{"version", "bot/1"}}, "test");
  const ApiError error = api_error_of([&] {
    models->load(Json{{"version", "bot/2"}, {"name", "bot"}}, "test");
  });
  EXPECT_EQ(error.status, 409);
  EXPECT_NE(error.message.find("bot/1"), std::string::npos) << error.message;
}

TEST_F(ServedModelsTest, UnnamedSecondVersionIsServedUnderItsRef) {
  register_folder("bot", tiny("a", 1), "bot-a");
  register_folder("bot", tiny("b", 2), "bot-b");
  auto models = loader();
  EXPECT_EQ(models->load(Json{{"version", "bot/1"}}, "test")["name"], "bot");
  EXPECT_EQ(models->load(Json{{"version", "bot/2"}}, "test")["name"], "bot/2");
  EXPECT_EQ(models->load(Json{{"version", "bot/1"}}, "test")["name"], "bot");  // idempotent
}

TEST_F(ServedModelsTest, AdmissionCountsWhatIsLoaded) {
  const auto v1 = register_folder("bot", tiny("a", 1), "bot-a");
  register_folder("bot", tiny("b", 2), "bot-b");
  const int64_t one = version_memory(*registry_, v1, serving("x")).base_bytes;
  auto models = loader(one + one / 2);  // room for one
  models->load(Json{{"version", "bot/1"}}, "test");
  const ApiError error = api_error_of([&] {
    models->load(Json{{"version", "bot/2"}, {"name", "b"}}, "test");
  });
  EXPECT_EQ(error.status, 409);
  EXPECT_EQ(error.code, "memory_budget_exceeded");
  EXPECT_NE(error.message.find("MiB"), std::string::npos) << error.message;
  EXPECT_EQ(backends_->find("b"), nullptr);
  models->unload("bot", "test");
  EXPECT_EQ(models->load(Json{{"version", "bot/2"}, {"name", "b"}}, "test")["version"], "bot/2");
}

TEST_F(ServedModelsTest, ChangedArtifactRefusesToServe) {
  const fs::path folder = tiny("a", 1);
  register_folder("bot", folder, "bot-a");
  {
    std::fstream file(folder / "model.safetensors",
                      std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(static_cast<std::streamoff>(fs::file_size(folder / "model.safetensors") / 2));
    file.put('\x5a');
  }
  auto models = loader();
  const ApiError error = api_error_of([&] { models->load(Json{{"version", "bot/1"}}, "test"); });
  EXPECT_EQ(error.status, 409);
  EXPECT_EQ(error.code, "artifact_changed");
  EXPECT_NE(error.message.find("model.safetensors"), std::string::npos) << error.message;
  EXPECT_EQ(models->list()["data"].size(), 0u);
  EXPECT_EQ(models->list()["memory_used_bytes"], 0);
}

TEST_F(ServedModelsTest, ArchivedAndBadRequestsAreRefused) {
  register_folder("bot", tiny("a", 1), "bot-a");
  registry_->set_stage("bot", 1, registry::Stage::Archived, "test", "old");
  auto models = loader();
  const ApiError archived = api_error_of([&] { models->load(Json{{"version", "bot/1"}}, "test"); });
  EXPECT_EQ(archived.status, 409);
  EXPECT_EQ(archived.code, "version_archived");
  EXPECT_EQ(api_error_of([&] { models->load(Json{{"name", "x"}}, "test"); }).status, 400);
  EXPECT_EQ(api_error_of([&] { models->load(Json::array(), "test"); }).status, 400);
  EXPECT_THROW(models->load(Json{{"version", "bot/7"}}, "test"), registry::RegistryError);
}

TEST_F(ServedModelsTest, ConfiguredFoldersRegisterOnce) {
  const fs::path folder = tiny("a", 1);
  ModelSettings model;
  model.name = "bot";
  model.path = folder;
  const ConfiguredVersion first = register_configured_model(*registry_, "bot", model);
  EXPECT_TRUE(first.created);
  EXPECT_EQ(first.version.creator, "config");
  const ConfiguredVersion again = register_configured_model(*registry_, "bot", model);
  EXPECT_FALSE(again.created);
  EXPECT_EQ(again.version.version, first.version.version);
  // Same bytes, new mtime: still the same version.
  fs::last_write_time(folder / "config.json",
                      fs::last_write_time(folder / "config.json") + std::chrono::seconds(5));
  EXPECT_EQ(register_configured_model(*registry_, "bot", model).version.version,
            first.version.version);
  // Changed weights: a new version.
  write_tiny_model(folder, TinyModelOptions{engine::Architecture::Llama, TinyPreset::Tiny, {}, 9});
  const ConfiguredVersion changed = register_configured_model(*registry_, "bot", model);
  EXPECT_TRUE(changed.created);
  EXPECT_EQ(changed.version.version, first.version.version + 1);
  EXPECT_EQ(registry_->list_versions("bot").size(), 2u);
}

TEST_F(ServedModelsTest, SameBytesInAnotherFolderAreServedFromThatFolder) {
  const fs::path first = tiny("a", 1);
  ModelSettings model;
  model.name = "bot";
  model.path = first;
  const ConfiguredVersion registered = register_configured_model(*registry_, "bot", model);
  // The same bytes elsewhere; the first folder goes away.
  const fs::path second = dir_ / "b";
  fs::copy(first, second, fs::copy_options::recursive);
  fs::remove_all(first);
  model.path = second;
  const ConfiguredVersion copy = register_configured_model(*registry_, "bot", model);
  EXPECT_FALSE(copy.created);
  EXPECT_EQ(copy.version.version, registered.version.version);
  EXPECT_EQ(copy.folder, fs::canonical(second));

  auto models = loader();
  VersionServing s = serving("bot");
  s.folder = copy.folder;
  s.verified = true;
  models->load_version(copy.version, s);
  EXPECT_NE(backends_->find("bot/1"), nullptr);
  // Without the folder, the version's own (gone) folder is checked: refused, naming a file.
  models->unload("bot", "test");
  try {
    models->load_version(copy.version, serving("bot"));
    ADD_FAILURE() << "loaded from a missing folder";
  } catch (const ServeRefusal& e) {
    EXPECT_EQ(e.error().code, "artifact_changed");
  }
}

TEST(RegistryModelName, ReplacesWhatANameCannotHave) {
  EXPECT_EQ(registry_model_name("tiny"), "tiny");
  EXPECT_EQ(registry_model_name("meta-llama/Llama-3.1-8B"), "meta-llama-Llama-3.1-8B");
  EXPECT_EQ(registry_model_name("_x y"), "x-y");
  EXPECT_EQ(registry_model_name("//"), "");
  EXPECT_EQ(registry_model_name(std::string(200, 'a')).size(), 128u);
}

}  // namespace
}  // namespace slipway::app
