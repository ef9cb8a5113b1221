#include "app/serve/serve_config.h"

#include <gtest/gtest.h>

namespace slipway::app {
namespace {

ServeConfig parse(const std::string& yaml) {
  return parse_serve_config(yaml, "test.yaml", "/cfg");
}

std::string error_of(const std::string& yaml) {
  try {
    validate_serve_config(parse(yaml));
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(ServeConfig, EmptyFileGivesDefaults) {
  const ServeConfig config = parse("");
  EXPECT_EQ(config.server.host, "127.0.0.1");
  EXPECT_EQ(config.server.port, 8000);
  EXPECT_EQ(config.engine.max_batch_tokens, 128);
  EXPECT_TRUE(config.models.empty());
}

TEST(ServeConfig, ReadsEverySection) {
  const ServeConfig config = parse(R"(
server:
  host: 0.0.0.0
  port: 9001
  request_timeout_seconds: 2.5
  drain_timeout_seconds: 7
  max_body_bytes: 4096
engine:
  kv_cache_mb: 64
  max_num_seqs: 8
models:
  - name: local
    path: models/tiny
    engine: {max_batch_tokens: 64}
  - name: remote
    upstream:
      base_url: https://gpu:8000/v1
      api_key_env: GPU_KEY
      model: meta-llama/Llama-3.1-8B-Instruct
      read_timeout_seconds: 30
)");
  EXPECT_EQ(config.server.host, "0.0.0.0");
  EXPECT_EQ(config.server.port, 9001);
  EXPECT_EQ(config.server.request_timeout.count(), 2500);
  EXPECT_EQ(config.server.drain_timeout.count(), 7000);
  EXPECT_EQ(config.server.max_body_bytes, 4096u);
  ASSERT_EQ(config.models.size(), 2u);
  EXPECT_EQ(config.models[0].path, std::filesystem::path("/cfg/models/tiny"));
  EXPECT_EQ(config.models[0].engine.max_batch_tokens, 64);
  EXPECT_EQ(config.models[0].engine.kv_cache_mb, 64);  // inherited from engine:
  EXPECT_EQ(config.models[0].engine.max_num_seqs, 8);
  ASSERT_TRUE(config.models[1].upstream.has_value());
  EXPECT_EQ(config.models[1].upstream->api_key_env, "GPU_KEY");
  EXPECT_EQ(config.models[1].upstream->read_timeout_seconds, 30);
  EXPECT_EQ(
      error_of(R"(models: [{name: a, path: x}, {name: b, upstream: {base_url: "http://h/v1"}}])"),
      "");
}

TEST(ServeConfig, UnknownKeyIsAnErrorWithItsLine) {
  const std::string message = error_of("server:\n  host: 127.0.0.1\n  prot: 8000\n");
  EXPECT_NE(message.find("test.yaml:3"), std::string::npos) << message;
  EXPECT_NE(message.find("server.prot"), std::string::npos) << message;
}

TEST(ServeConfig, WrongTypeNamesTheField) {
  const std::string message = error_of("engine:\n  max_num_seqs: many\n");
  EXPECT_NE(message.find("engine.max_num_seqs"), std::string::npos) << message;
}

TEST(ServeConfig, ModelNeedsExactlyOneSource) {
  EXPECT_NE(error_of("models: [{name: a}]").find("exactly one of path, upstream, version"),
            std::string::npos);
  EXPECT_NE(error_of("models: [{name: a, path: x, version: a/1}]").find("exactly one"),
            std::string::npos);
  EXPECT_NE(error_of("models: [{name: a, path: x, upstream: {base_url: 'http://h'}}]")
                .find("exactly one"),
            std::string::npos);
}

TEST(ServeConfig, ReadsStateFieldsOfTheServerSection) {
  const ServeConfig config = parse(R"(
server:
  data_dir: /var/lib/slipway
  store: postgresql://slipway@db/slipway
  memory_budget_mb: 2048
  port: 9000
)");
  EXPECT_EQ(config.state.data_dir, "/var/lib/slipway");
  EXPECT_EQ(config.state.store, "postgresql://slipway@db/slipway");
  EXPECT_EQ(config.state.memory_budget_mb, 2048);
  EXPECT_EQ(config.server.port, 9000);
  const ServeConfig defaults = parse("");
  EXPECT_EQ(defaults.state.data_dir, "");
  EXPECT_EQ(defaults.state.store, "");
  EXPECT_EQ(defaults.state.memory_budget_mb, 0);
  EXPECT_NE(error_of("server: {memory_budget_mb: -1}").find("memory_budget_mb"), std::string::npos);
  EXPECT_NE(error_of("server: {data_directory: /x}").find("unknown key server.data_directory"),
            std::string::npos);
}

TEST(ServeConfig, ModelByRegisteredVersion) {
  const ServeConfig config = parse(R"(
models:
  - version: support-bot@production
  - name: canary
    version: support-bot/7
    engine: {kv_cache_mb: 16}
  - version: support-bot/llama-1b-v3-20260101
)");
  ASSERT_EQ(config.models.size(), 3u);
  EXPECT_EQ(config.models[0].version, "support-bot@production");
  EXPECT_EQ(config.models[0].name, "support-bot");  // the ref's model name
  EXPECT_TRUE(config.models[0].path.empty());
  EXPECT_EQ(config.models[1].name, "canary");
  EXPECT_EQ(config.models[1].version, "support-bot/7");
  EXPECT_EQ(config.models[1].engine.kv_cache_mb, 16);
  EXPECT_EQ(config.models[2].name, "support-bot");
  // Two models of one name: the served names must differ.
  EXPECT_NE(error_of(R"(models: [{version: a@production}, {version: a/2}])").find("two models"),
            std::string::npos);
  EXPECT_EQ(error_of(R"(models: [{version: a@production}, {name: b, version: a/2}])"), "");
}

TEST(ServeConfig, BadVersionReferenceNamesTheLine) {
  const std::string message = error_of("models:\n  - version: 'bad name@@x'\n");
  EXPECT_NE(message.find("test.yaml:2"), std::string::npos) << message;
  EXPECT_NE(message.find("models[0].version"), std::string::npos) << message;
  EXPECT_NE(error_of("models: [{version: [1, 2]}]").find("wrong type"), std::string::npos);
}

TEST(ServeConfig, DuplicateNamesAreRejected) {
  EXPECT_NE(error_of("models: [{name: a, path: x}, {name: a, path: y}]").find("two models"),
            std::string::npos);
}

TEST(ServeConfig, NameDefaultsToTheFolderName) {
  const ServeConfig config = parse("models: [{path: /models/my-llama}]");
  ASSERT_EQ(config.models.size(), 1u);
  EXPECT_EQ(config.models[0].name, "my-llama");
}

TEST(ServeConfig, OutOfRangeValuesAreRejected) {
  EXPECT_NE(error_of("server: {port: 70000}").find("0-65535"), std::string::npos);
  EXPECT_NE(error_of("server: {request_timeout_seconds: 0}").find("positive"), std::string::npos);
  EXPECT_NE(
      error_of("engine: {max_num_seqs: 0}\nmodels: [{name: a, path: x}]").find("out of range"),
      std::string::npos);
}

TEST(ServeConfig, MalformedYamlIsAConfigError) {
  EXPECT_NE(error_of("server: [1, 2").find("test.yaml"), std::string::npos);
  EXPECT_NE(error_of("models: {a: 1}").find("models must be a list"), std::string::npos);
}

}  // namespace
}  // namespace slipway::app

namespace slipway::app {
namespace {

constexpr const char* kAdapters = R"(
engine:
  max_lora_rank: 16
  max_loras: 3
models:
  - name: support-v2
    adapter: adapters/support-v2
    base: base
  - name: base
    path: /models/llama
  - adapter: /adapters/billing
    base: base
)";

TEST(ServeConfigAdapters, ReadsAdapterEntriesAndLimits) {
  const ServeConfig config = parse(kAdapters);
  validate_serve_config(config);
  EXPECT_EQ(config.engine.max_lora_rank, 16);
  EXPECT_EQ(config.engine.max_loras, 3);
  ASSERT_EQ(config.models.size(), 3u);
  EXPECT_EQ(config.models[0].adapter, "/cfg/adapters/support-v2");  // relative to the file
  EXPECT_EQ(config.models[0].base, "base");
  EXPECT_TRUE(config.models[0].path.empty());
  EXPECT_EQ(config.models[0].engine.max_loras, 3);
  EXPECT_EQ(config.models[2].name, "billing");  // the folder's name
  EXPECT_EQ(config.models[2].adapter, "/adapters/billing");
}

TEST(ServeConfigAdapters, DefaultLimits) {
  const ServeConfig config = parse("");
  EXPECT_EQ(config.engine.max_lora_rank, 64);
  EXPECT_EQ(config.engine.max_loras, 8);
}

TEST(ServeConfigAdapters, BaseMayBeARegisteredVersion) {
  EXPECT_EQ(error_of("models: [{name: b, version: llama/2}, {name: a, adapter: x, base: b}]"), "");
}

TEST(ServeConfigAdapters, AdapterNeedsAnEmbeddedBaseOfTheConfig) {
  EXPECT_NE(error_of("models: [{name: a, adapter: x}]").find("an adapter needs base"),
            std::string::npos);
  EXPECT_NE(error_of("models: [{name: a, adapter: x, base: nope}]")
                .find("base \"nope\" is not another model of this config"),
            std::string::npos);
  EXPECT_NE(error_of("models: [{name: a, adapter: x, base: a}]").find("not another model"),
            std::string::npos);
  EXPECT_NE(error_of("models: [{name: u, upstream: {base_url: 'http://h'}}, "
                     "{name: a, adapter: x, base: u}]")
                .find("is an upstream"),
            std::string::npos);
  EXPECT_NE(error_of("models: [{name: b, path: m}, {name: a1, adapter: x, base: b}, "
                     "{name: a2, adapter: y, base: a1}]")
                .find("is an adapter"),
            std::string::npos);
}

TEST(ServeConfigAdapters, AdapterIsOneSourceAndBaseOnlyGoesWithIt) {
  EXPECT_NE(error_of("models: [{name: b, path: m}, {name: a, path: m2, adapter: x, base: b}]")
                .find("exactly one"),
            std::string::npos);
  EXPECT_NE(error_of("models: [{name: b, path: m}, {name: c, path: m2, base: b}]")
                .find("base is only for adapter models"),
            std::string::npos);
}

TEST(ServeConfigAdapters, AdapterTakesNoEngineOverrides) {
  const std::string message = error_of(
      "models:\n  - {name: b, path: m}\n  - name: a\n    adapter: x\n    base: b\n"
      "    engine: {kv_cache_mb: 4}\n");
  EXPECT_NE(message.find("test.yaml:6"), std::string::npos) << message;
  EXPECT_NE(message.find("runs on its base's engine"), std::string::npos) << message;
}

TEST(ServeConfigAdapters, LimitsOutOfRangeAreRejected) {
  EXPECT_NE(error_of("engine: {max_loras: 0}\nmodels: [{name: b, path: m}]").find("max_loras"),
            std::string::npos);
  EXPECT_NE(
      error_of("engine: {max_lora_rank: 0}\nmodels: [{name: b, path: m}]").find("max_lora_rank"),
      std::string::npos);
}

}  // namespace
}  // namespace slipway::app
