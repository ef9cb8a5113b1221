// LoRA adapters served as registered versions on a shared base (ServedModels against a real
// SQLite registry, tiny models and random tiny adapters): one engine per base, memory counted
// once per base plus each adapter's file, the max_loras limit, bad adapters refused with a
// clear error while the rest keeps serving, and idempotent registration of configured adapters.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "app/serve/config_registration.h"
#include "app/serve/memory_budget.h"
#include "app/serve/model_loader.h"
#include "app/tiny_model/tiny_adapter.h"
#include "app/tiny_model/tiny_model.h"
#include "served_models_fixture.h"

namespace slipway::app {
namespace {

namespace fs = std::filesystem;
using backends::ApiError;
using backends::Json;

class LoraServingTest : public ServedModelsFixture {
 protected:
  void SetUp() override {
    open_registry("lora_serving", "lora");
    TinyModelOptions options;
    options.seed = 1;
    base_folder_ = dir_ / "base";
    write_tiny_model(base_folder_, options);
    register_folder("bot", base_folder_, "bot-base");
  }

  fs::path adapter(const std::string& name, int64_t rank, uint64_t seed,
                   const fs::path& base = {}) {
    TinyAdapterOptions options;
    options.rank = rank;
    options.seed = seed;
    const fs::path folder = dir_ / name;
    write_tiny_adapter(folder, base.empty() ? base_folder_ : base, options);
    return folder;
  }

  registry::Version register_adapter(const std::string& model, const fs::path& folder) {
    registry::RegisterRequest request = registration(model, folder, model + "-v1");
    request.source.kind = registry::SourceKind::Lora;
    request.source.base = "bot/1";
    return registry_->register_version(request).version;
  }

  std::unique_ptr<ServedModels> loader(int64_t max_loras = 8, int64_t max_lora_rank = 64) {
    ServedModels::Options options;
    options.engine.kv_cache_mb = 1;
    options.engine.max_loras = max_loras;
    options.engine.max_lora_rank = max_lora_rank;
    options.memory_budget_bytes = int64_t{8} << 30;
    return start_loader(options);
  }

  int64_t base_bytes() {
    VersionServing serving;
    serving.engine.kv_cache_mb = 1;
    return version_memory(*registry_, registry_->get_version(registry::parse_version_ref("bot/1")),
                          serving)
        .base_bytes;
  }

  static int64_t adapter_bytes(const fs::path& folder) {
    return static_cast<int64_t>(fs::file_size(folder / "adapter_model.safetensors")) +
           kAdapterOverheadBytes;
  }

  fs::path base_folder_;
};

TEST_F(LoraServingTest, AdaptersShareTheBaseAndCountTheirFileOnly) {
  const fs::path one = adapter("a1", 4, 11);
  const fs::path two = adapter("a2", 8, 12);
  register_adapter("a1", one);
  register_adapter("a2", two);
  auto models = loader();
  models->load(Json{{"version", "bot/1"}}, "test");
  const Json entry = models->load(Json{{"version", "a1/1"}}, "test");
  models->load(Json{{"version", "a2/1"}}, "test");

  EXPECT_EQ(entry["name"], "a1");
  EXPECT_EQ(entry["source"], "lora");
  EXPECT_EQ(entry["base"], "bot/1");
  EXPECT_EQ(entry["memory_bytes"], adapter_bytes(one));
  EXPECT_EQ(models->memory_used_bytes(), base_bytes() + adapter_bytes(one) + adapter_bytes(two));
  EXPECT_EQ(models->list()["data"].size(), 3u);

  const auto backend = backends_->find("a1");
  ASSERT_NE(backend, nullptr);
  const Json card = backend->model_card();
  EXPECT_EQ(card["parent"], "bot/1");
  EXPECT_EQ(card["root"], fs::canonical(one).string());
  EXPECT_FALSE(backends_->find("bot")->model_card().contains("parent"));
  EXPECT_EQ(backends_->find("a2/1"), backends_->find("a2"));  // resolved like any version
}

TEST_F(LoraServingTest, AnAdapterAloneLoadsItsBaseWhichThenCostsNothingMore) {
  const fs::path one = adapter("a1", 4, 11);
  register_adapter("a1", one);
  auto models = loader();
  models->load(Json{{"version", "a1/1"}}, "test");
  const int64_t with_base = base_bytes() + adapter_bytes(one);
  EXPECT_EQ(models->memory_used_bytes(), with_base);
  models->load(Json{{"version", "bot/1"}}, "test");  // the same engine, served by name
  EXPECT_EQ(models->memory_used_bytes(), with_base);

  // Unloading the base by name keeps its engine for the adapter, and the other way round.
  models->unload("bot", "test");
  EXPECT_EQ(backends_->find("bot"), nullptr);
  EXPECT_NE(backends_->find("a1"), nullptr);
  EXPECT_EQ(models->memory_used_bytes(), with_base);
  models->unload("a1", "test");
  EXPECT_EQ(models->memory_used_bytes(), 0);
}

TEST_F(LoraServingTest, MaxLorasRefusesAnotherAdapterUntilOneIsUnloaded) {
  register_adapter("a1", adapter("a1", 4, 11));
  register_adapter("a2", adapter("a2", 4, 12));
  auto models = loader(/*max_loras=*/1);
  models->load(Json{{"version", "bot/1"}}, "test");
  models->load(Json{{"version", "a1/1"}}, "test");
  const ApiError error = api_error_of([&] { models->load(Json{{"version", "a2/1"}}, "test"); });
  EXPECT_EQ(error.status, 409);
  EXPECT_EQ(error.code, "too_many_adapters");
  EXPECT_NE(error.message.find("max_loras = 1"), std::string::npos) << error.message;
  EXPECT_NE(error.message.find("(a1)"), std::string::npos) << error.message;
  EXPECT_EQ(backends_->find("a2"), nullptr);
  models->unload("a1", "test");
  EXPECT_EQ(models->load(Json{{"version", "a2/1"}}, "test")["name"], "a2");
}

TEST_F(LoraServingTest, BadAdaptersAreRefusedNamingThemAndTheRestKeepsServing) {
  const fs::path big = adapter("big", 8, 11);
  register_adapter("big", big);
  // An adapter shaped for a base with another hidden size: only config.json is read.
  const fs::path other_base = dir_ / "other-base";
  fs::create_directories(other_base);
  {
    std::ifstream in(base_folder_ / "config.json");
    nlohmann::json config = nlohmann::json::parse(in);
    config["hidden_size"] = config["hidden_size"].get<int64_t>() * 2;
    std::ofstream(other_base / "config.json") << config.dump();
  }
  const fs::path foreign = adapter("foreign", 4, 13, other_base);
  register_adapter("foreign", foreign);

  auto models = loader(8, /*max_lora_rank=*/4);
  models->load(Json{{"version", "bot/1"}}, "test");
  for (const auto& [ref, folder] : {std::pair{"big/1", big}, std::pair{"foreign/1", foreign}}) {
    const ApiError error = api_error_of([&] { models->load(Json{{"version", ref}}, "test"); });
    EXPECT_EQ(error.status, 400) << ref;
    EXPECT_EQ(error.code, "invalid_adapter") << ref;
    EXPECT_NE(error.message.find(fs::canonical(folder).string()), std::string::npos)
        << error.message;
  }
  EXPECT_EQ(models->list()["data"].size(), 1u);
  EXPECT_NE(backends_->find("bot"), nullptr);
  EXPECT_EQ(models->memory_used_bytes(), base_bytes());
}

TEST_F(LoraServingTest, ArchivedBaseOrChangedAdapterIsRefused) {
  const fs::path one = adapter("a1", 4, 11);
  register_adapter("a1", one);
  register_adapter("a2", adapter("a2", 4, 12));
  auto models = loader();
  fs::remove(one / "adapter_model.safetensors");
  const ApiError missing = api_error_of([&] { models->load(Json{{"version", "a1/1"}}, "test"); });
  EXPECT_EQ(missing.status, 409);
  EXPECT_EQ(missing.code, "artifact_changed");
  EXPECT_NE(missing.message.find("adapter_model.safetensors"), std::string::npos)
      << missing.message;

  registry_->set_stage("bot", 1, registry::Stage::Archived, "test", "old");
  const ApiError archived = api_error_of([&] { models->load(Json{{"version", "a2/1"}}, "test"); });
  EXPECT_EQ(archived.status, 409);
  EXPECT_EQ(archived.code, "version_archived");
  EXPECT_NE(archived.message.find("bot/1"), std::string::npos) << archived.message;
  EXPECT_EQ(models->memory_used_bytes(), 0);
}

TEST_F(LoraServingTest, ConfiguredAdaptersRegisterOnceOnTheirBase) {
  ModelSettings model;
  model.name = "support v2";
  model.adapter = adapter("support", 4, 21);
  model.base = "bot";
  const ConfiguredVersion first =
      register_configured_model(*registry_, registry_model_name(model.name), model, "bot/1");
  EXPECT_TRUE(first.created);
  EXPECT_EQ(first.version.model, "support-v2");
  EXPECT_EQ(first.version.source.kind, registry::SourceKind::Lora);
  EXPECT_EQ(first.version.source.base, "bot/1");
  const ConfiguredVersion again =
      register_configured_model(*registry_, registry_model_name(model.name), model, "bot/1");
  EXPECT_FALSE(again.created);
  EXPECT_EQ(again.version.version, first.version.version);

  auto models = loader();
  VersionServing serving;
  serving.served_name = model.name;
  serving.engine.kv_cache_mb = 1;
  serving.folder = again.folder;
  serving.verified = true;
  EXPECT_EQ(models->load_version(again.version, serving).entry["base"], "bot/1");
  EXPECT_NE(backends_->find("support v2"), nullptr);
}

}  // namespace
}  // namespace slipway::app
