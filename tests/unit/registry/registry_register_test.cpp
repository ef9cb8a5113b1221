// Registration: validation, detected params, labels, numbering, reuse, lineage.
#include <gtest/gtest.h>

#include "registry/artifacts.h"
#include "registry_test_support.h"

namespace slipway::registry::test {
namespace {

class RegistryRegisterTest : public RegistryTest {};

TEST_P(RegistryRegisterTest, RegistersShowsAndLists) {
  const auto folder = model_folder("demo-folder");
  auto request = embedded("demo", folder);
  request.metrics = Json{{"val_loss", 1.5}};
  request.tags = Json{{"team", "support"}};
  request.description = "first";
  const auto result = registry_->register_version(request);
  EXPECT_TRUE(result.created);
  const Version& v = result.version;
  EXPECT_EQ(v.model, "demo");
  EXPECT_EQ(v.version, 1);
  EXPECT_EQ(v.ref(), "demo/1");
  EXPECT_EQ(v.label, "llama-3.2-1b-20261129");
  EXPECT_EQ(v.stage, Stage::Candidate);
  EXPECT_EQ(v.creator, "cli:tester");
  EXPECT_EQ(v.created_at_ms, kNov29);
  EXPECT_EQ(v.description, "first");
  EXPECT_EQ(v.source.kind, SourceKind::Embedded);
  EXPECT_EQ(v.source.path, fs::canonical(folder));
  EXPECT_EQ(v.params["base_model"], "meta-llama/Llama-3.2-1B");
  EXPECT_EQ(v.params["model_type"], "llama");
  EXPECT_EQ(v.params["torch_dtype"], "bfloat16");
  EXPECT_EQ(v.metrics["val_loss"], 1.5);
  EXPECT_EQ(v.tags["team"], "support");
  ASSERT_EQ(v.artifacts.size(), 3u);  // .cache skipped
  EXPECT_EQ(v.artifacts[0].path, "config.json");
  EXPECT_EQ(v.artifacts[1].path, "model.safetensors");
  EXPECT_EQ(v.artifacts[1].size, 9);
  EXPECT_EQ(v.artifacts[1].sha256, sha256_file(folder / "model.safetensors"));
  EXPECT_EQ(v.artifacts[2].path, "tokenizer.json");
  EXPECT_EQ(v.content_hash, content_hash(v.source, v.artifacts));

  for (const char* ref : {"demo/1", "demo", "demo/llama-3.2-1b-20261129"}) {
    const Version shown = registry_->get_version(parse_version_ref(ref));
    EXPECT_EQ(shown.version, 1) << ref;
    EXPECT_EQ(shown.content_hash, v.content_hash) << ref;
    EXPECT_EQ(shown.artifacts.size(), 3u) << ref;
    EXPECT_EQ(shown.params, v.params) << ref;
  }
  const Model model = registry_->get_model("demo");
  EXPECT_EQ(model.version_count, 1);
  EXPECT_EQ(model.latest_version, 1);
  EXPECT_EQ(model.creator, "cli:tester");
  EXPECT_EQ(model.created_at_ms, kNov29);
  const auto models = registry_->list_models();
  ASSERT_EQ(models.size(), 1u);
  EXPECT_EQ(models[0].name, "demo");
  EXPECT_EQ(models[0].version_count, 1);
  ASSERT_EQ(registry_->list_versions("demo").size(), 1u);

  const auto events = registry_->history("demo");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].kind, "model_created");
  EXPECT_EQ(events[1].kind, "registered");
  EXPECT_EQ(events[1].version, 1);
  EXPECT_EQ(events[1].actor, "cli:tester");
  EXPECT_EQ(events[1].at_ms, kNov29);
}

TEST_P(RegistryRegisterTest, NumbersCountUpAndSuggestedLabelsGetSuffixes) {
  EXPECT_EQ(registry_->suggest_label(embedded("demo", model_folder("f0"))),
            "llama-3.2-1b-20261129");
  for (int i = 1; i <= 3; ++i) {
    const Version v = register_new("demo", "weights-" + std::to_string(i));
    EXPECT_EQ(v.version, i);
    EXPECT_EQ(v.label,
              i == 1 ? "llama-3.2-1b-20261129" : "llama-3.2-1b-20261129-" + std::to_string(i));
  }
  EXPECT_EQ(registry_->suggest_label(embedded("demo", model_folder("f4", "weights-4"))),
            "llama-3.2-1b-20261129-4");
  // Another model's labels do not collide with these.
  EXPECT_EQ(register_new("other", "weights-1").label, "llama-3.2-1b-20261129");
  const auto versions = registry_->list_versions("demo");
  ASSERT_EQ(versions.size(), 3u);
  EXPECT_EQ(versions[2].version, 3);
  EXPECT_EQ(registry_->get_version(parse_version_ref("demo")).version, 3);
}

TEST_P(RegistryRegisterTest, SuggestedLabelUsesDatasetVersionUserParamsAndTheClock) {
  auto request = embedded("demo", model_folder("f1"));
  request.params = Json{{"dataset_version", "Support V3"}, {"learning_rate", 0.0002}};
  now_ms_ = 1796083140000;  // 2026-11-30 23:59 UTC
  const Version v = registry_->register_version(request).version;
  EXPECT_EQ(v.label, "llama-3.2-1b-support-v3-20261130");
  EXPECT_EQ(v.created_at_ms, 1796083140000);
  EXPECT_EQ(v.params["learning_rate"], 0.0002);

  // The user's base_model wins over config.json's.
  auto mine = embedded("demo", model_folder("f2", "weights-2"));
  mine.params = Json{{"base_model", "acme/Tiny Model"}};
  const Version v2 = registry_->register_version(mine).version;
  EXPECT_EQ(v2.params["base_model"], "acme/Tiny Model");
  EXPECT_EQ(v2.label, "tiny-model-20261130");

  // No base model anywhere: the model name stands in.
  const auto bare = dir_ / "bare";
  fs::create_directories(bare);
  write_file(bare / "config.json", "{}");
  write_file(bare / "model.safetensors", "w");
  EXPECT_EQ(registry_->register_version(embedded("Demo_Bot", bare)).version.label,
            "demo_bot-20261130");
}

TEST_P(RegistryRegisterTest, AGivenLabelThatIsTakenIsAConflictAndWritesNothing) {
  auto first = embedded("demo", model_folder("f1"));
  first.label = "v1";
  EXPECT_EQ(registry_->register_version(first).version.label, "v1");
  const auto events_before = registry_->history("demo").size();
  auto second = embedded("demo", model_folder("f2", "weights-2"));
  second.label = "v1";
  expect_registry_error([&] { registry_->register_version(second); }, RegistryError::Code::Conflict,
                        {"\"v1\"", "demo/1"});
  EXPECT_EQ(registry_->list_versions("demo").size(), 1u);
  EXPECT_EQ(registry_->history("demo").size(), events_before);
  // A new model whose registration fails leaves no model behind either.
  auto bad = embedded("fresh", model_folder("f3", "weights-3"));
  bad.label = "12345";
  expect_registry_error([&] { registry_->register_version(bad); }, RegistryError::Code::Invalid,
                        {"12345"});
  expect_registry_error([&] { registry_->get_model("fresh"); }, RegistryError::Code::NotFound,
                        {"fresh"});
}

TEST_P(RegistryRegisterTest, BadSourcesAreRefusedNamingThePath) {
  using Code = RegistryError::Code;
  const auto missing = dir_ / "no-such-folder";
  expect_registry_error([&] { registry_->register_version(embedded("demo", missing)); },
                        Code::Invalid, {missing.string(), "does not exist"});
  const auto file = dir_ / "a-file";
  write_file(file, "x");
  expect_registry_error([&] { registry_->register_version(embedded("demo", file)); }, Code::Invalid,
                        {file.string(), "not a folder"});
  expect_registry_error([&] { registry_->register_version(embedded("demo", "")); }, Code::Invalid,
                        {"path"});

  const auto no_config = dir_ / "no-config";
  write_file(no_config / "model.safetensors", "w");
  expect_registry_error([&] { registry_->register_version(embedded("demo", no_config)); },
                        Code::Invalid, {no_config.string(), "config.json"});
  const auto bad_config = dir_ / "bad-config";
  write_file(bad_config / "config.json", "[1, 2]");
  write_file(bad_config / "model.safetensors", "w");
  expect_registry_error([&] { registry_->register_version(embedded("demo", bad_config)); },
                        Code::Invalid, {(bad_config / "config.json").string(), "JSON object"});
  const auto no_weights = dir_ / "no-weights";
  write_file(no_weights / "config.json", "{}");
  write_file(no_weights / "model.bin", "w");
  expect_registry_error([&] { registry_->register_version(embedded("demo", no_weights)); },
                        Code::Invalid, {no_weights.string(), "safetensors"});

  auto bad_name = embedded("bad name", model_folder("ok"));
  expect_registry_error([&] { registry_->register_version(bad_name); }, Code::Invalid,
                        {"bad name"});
  auto bad_commit = embedded("demo", model_folder("ok"));
  bad_commit.git_commit = "not-a-sha";
  expect_registry_error([&] { registry_->register_version(bad_commit); }, Code::Invalid,
                        {"not-a-sha", "git_commit"});
  bad_commit.git_commit = "abc12";  // too short
  expect_registry_error([&] { registry_->register_version(bad_commit); }, Code::Invalid, {"abc12"});
  auto orphan = embedded("demo", model_folder("ok"));
  orphan.parent = "demo/7";
  expect_registry_error([&] { registry_->register_version(orphan); }, Code::NotFound,
                        {"parent", "demo/7"});
  auto tags = embedded("demo", model_folder("ok"));
  tags.tags = Json{{"n", 1}};
  expect_registry_error([&] { registry_->register_version(tags); }, Code::Invalid, {"tags"});
  // Nothing was written by any of these.
  EXPECT_TRUE(registry_->list_models().empty());
}

TEST_P(RegistryRegisterTest, LoraNeedsItsFilesAndAnExistingBase) {
  using Code = RegistryError::Code;
  const Version base = register_new("llama", "base-weights");
  registry_->set_alias("llama", "production", base.version, "cli:tester", "first");

  auto lora = [&](const fs::path& folder, const std::string& base_ref) {
    RegisterRequest request;
    request.model = "support";
    request.source.kind = SourceKind::Lora;
    request.source.path = folder;
    request.source.base = base_ref;
    request.actor = "cli:tester";
    return request;
  };
  const auto adapter = make_lora_folder(dir_ / "adapter");
  const Version v = registry_->register_version(lora(adapter, "llama@production")).version;
  EXPECT_EQ(v.source.kind, SourceKind::Lora);
  EXPECT_EQ(v.source.base, "llama/1");
  EXPECT_EQ(v.params["lora_r"], 16);
  EXPECT_EQ(v.params["lora_alpha"], 32);
  EXPECT_EQ(v.params["base_model"], "meta-llama/Llama-3.2-1B");
  EXPECT_EQ(v.params["target_modules"], (Json{"q_proj", "v_proj"}));
  EXPECT_EQ(v.artifacts.size(), 2u);

  const auto no_adapter = dir_ / "no-adapter";
  make_lora_folder(no_adapter);
  fs::remove(no_adapter / "adapter_model.safetensors");
  expect_registry_error([&] { registry_->register_version(lora(no_adapter, "llama/1")); },
                        Code::Invalid, {no_adapter.string(), "adapter_model.safetensors"});
  const auto no_config = dir_ / "no-adapter-config";
  make_lora_folder(no_config);
  fs::remove(no_config / "adapter_config.json");
  expect_registry_error([&] { registry_->register_version(lora(no_config, "llama/1")); },
                        Code::Invalid, {no_config.string(), "adapter_config.json"});
  expect_registry_error([&] { registry_->register_version(lora(adapter, "")); }, Code::Invalid,
                        {adapter.string(), "base"});
  expect_registry_error([&] { registry_->register_version(lora(adapter, "llama/9")); },
                        Code::NotFound, {adapter.string(), "llama/9"});
  expect_registry_error([&] { registry_->register_version(lora(adapter, "nobody/1")); },
                        Code::NotFound, {adapter.string(), "nobody"});
  expect_registry_error([&] { registry_->register_version(lora(adapter, "llama//1")); },
                        Code::Invalid, {adapter.string()});

  // An adapter folder registered as a plain model: say what it is and how to register it.
  RegisterRequest as_embedded = lora(adapter, "");
  as_embedded.source.kind = SourceKind::Embedded;
  expect_registry_error([&] { registry_->register_version(as_embedded); }, Code::Invalid,
                        {adapter.string(), "LoRA adapter", "--lora-base"});

  const Version old = register_new("llama", "old-weights");
  registry_->set_stage("llama", old.version, Stage::Archived, "cli:tester", "superseded");
  expect_registry_error([&] { registry_->register_version(lora(adapter, old.ref())); },
                        Code::StageRule, {old.ref(), "archived"});
}

TEST_P(RegistryRegisterTest, UpstreamSourcesNeedAnHttpUrlAndNoPath) {
  RegisterRequest request;
  request.model = "remote";
  request.source.kind = SourceKind::Upstream;
  request.source.url = "http://gpu:8000/v1";
  request.source.upstream_model = "llama-70b";
  request.actor = "cli:tester";
  const Version v = registry_->register_version(request).version;
  EXPECT_TRUE(v.artifacts.empty());
  EXPECT_EQ(v.source.url, "http://gpu:8000/v1");
  EXPECT_EQ(v.source.upstream_model, "llama-70b");
  EXPECT_EQ(v.label, "remote-20261129");
  EXPECT_EQ(registry_->verify(v, VerifyMode::Full).files_hashed, 0);

  auto bad = request;
  bad.source.url = "gpu:8000";
  expect_registry_error([&] { registry_->register_version(bad); }, RegistryError::Code::Invalid,
                        {"http://", "gpu:8000"});
  bad.source.url = "ftp://gpu/v1";
  expect_registry_error([&] { registry_->register_version(bad); }, RegistryError::Code::Invalid,
                        {"ftp://gpu/v1"});
  bad = request;
  bad.source.path = dir_;
  expect_registry_error([&] { registry_->register_version(bad); }, RegistryError::Code::Invalid,
                        {"path"});

  auto same = request;
  same.reuse_identical = true;
  const auto reused = registry_->register_version(same);
  EXPECT_FALSE(reused.created);
  EXPECT_EQ(reused.version.version, 1);
}

TEST_P(RegistryRegisterTest, ReuseIdenticalReturnsTheExistingVersion) {
  const auto folder = model_folder("f1");
  auto request = embedded("demo", folder);
  const auto first = registry_->register_version(request);
  ASSERT_TRUE(first.created);
  request.reuse_identical = true;
  const auto again = registry_->register_version(request);
  EXPECT_FALSE(again.created);
  EXPECT_EQ(again.version.version, 1);
  EXPECT_EQ(registry_->list_versions("demo").size(), 1u);
  EXPECT_EQ(registry_->history("demo").size(), 2u);  // model_created, registered

  // The same bytes copied elsewhere are the same content.
  const auto copy = dir_ / "copy";
  fs::copy(folder, copy, fs::copy_options::recursive);
  auto copied = embedded("demo", copy);
  copied.reuse_identical = true;
  EXPECT_FALSE(registry_->register_version(copied).created);

  // Without reuse_identical the same bytes become a new version; changed bytes always do.
  request.reuse_identical = false;
  EXPECT_EQ(registry_->register_version(request).version.version, 2);
  write_file(folder / "model.safetensors", "weights-2");
  request.reuse_identical = true;
  const auto changed = registry_->register_version(request);
  EXPECT_TRUE(changed.created);
  EXPECT_EQ(changed.version.version, 3);
}

TEST_P(RegistryRegisterTest, LineageIsRecorded) {
  const Version parent = register_new("demo", "w1");
  auto request = embedded("demo", model_folder("child", "w2"));
  request.parent = "demo";  // the latest, stored as a number
  request.git_commit = "ABCDEF1234567";
  request.dataset = "export-2026-11-28";
  const Version child = registry_->register_version(request).version;
  EXPECT_EQ(child.parent, parent.ref());
  EXPECT_EQ(child.git_commit, "abcdef1234567");
  EXPECT_EQ(child.dataset, "export-2026-11-28");
  const Version shown = registry_->get_version(parse_version_ref(child.ref()));
  EXPECT_EQ(shown.parent, "demo/1");
  EXPECT_EQ(shown.git_commit, "abcdef1234567");
}

TEST_P(RegistryRegisterTest, CreateModelThenConflict) {
  const Model model =
      registry_->create_model("demo", "support bot", Json{{"team", "support"}}, "cli:alice");
  EXPECT_EQ(model.name, "demo");
  EXPECT_EQ(model.description, "support bot");
  EXPECT_EQ(model.version_count, 0);
  EXPECT_EQ(model.latest_version, 0);
  expect_registry_error([&] { registry_->create_model("demo", "", Json::object(), "cli:bob"); },
                        RegistryError::Code::Conflict, {"demo"});
  expect_registry_error([&] { registry_->get_version(parse_version_ref("demo")); },
                        RegistryError::Code::NotFound, {"no versions"});
  // Registering into an existing model keeps its description and adds no model_created.
  register_new("demo", "w1");
  EXPECT_EQ(registry_->get_model("demo").description, "support bot");
  const auto events = registry_->history("demo");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].actor, "cli:alice");
}

INSTANTIATE_TEST_SUITE_P(Registry, RegistryRegisterTest, slipway::test::kBothBackends,
                         backend_name);

}  // namespace
}  // namespace slipway::registry::test
