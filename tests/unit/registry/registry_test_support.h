#pragma once
// Registry tests run against both dialects: a fresh SQLite file or a fresh PostgreSQL database
// (on the ctest fixture's server) per test, with a clock the test sets and small fake model
// folders (the registry hashes files; it never parses weights).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "notification_inbox.h"
#include "postgres_test_db.h"
#include "registry/registry.h"
#include "store/store.h"
#include "store_backend_param.h"
#include "test_dir.h"

namespace slipway::registry::test {

namespace fs = std::filesystem;

using slipway::test::Backend;
using slipway::test::backend_name;

// 2026-11-29 12:00:00 UTC
inline constexpr int64_t kNov29 = 1795953600000;

inline void write_file(const fs::path& path, const std::string& bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

inline std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Moves a file's mtime forward, as an edit (or `touch`) would.
inline void bump_mtime(const fs::path& path, int seconds = 5) {
  fs::last_write_time(path, fs::last_write_time(path) + std::chrono::seconds(seconds));
}

// An embedded model folder: config.json, model.safetensors with `weights`, tokenizer.json and
// a hidden .cache entry the registry must skip.
inline fs::path make_model_folder(const fs::path& dir, const std::string& weights = "weights-1",
                                  const std::string& name_or_path = "meta-llama/Llama-3.2-1B") {
  fs::create_directories(dir);
  write_file(dir / "config.json", R"({"_name_or_path": ")" + name_or_path +
                                      R"(", "model_type": "llama", "torch_dtype": "bfloat16"})");
  write_file(dir / "model.safetensors", weights);
  write_file(dir / "tokenizer.json", R"({"model": {}})");
  write_file(dir / ".cache" / "ignored.bin", "cache");
  return dir;
}

inline fs::path make_lora_folder(const fs::path& dir, const std::string& weights = "adapter-1") {
  fs::create_directories(dir);
  write_file(dir / "adapter_config.json",
             R"({"r": 16, "lora_alpha": 32, "base_model_name_or_path": "meta-llama/Llama-3.2-1B",)"
             R"( "target_modules": ["q_proj", "v_proj"]})");
  write_file(dir / "adapter_model.safetensors", weights);
  return dir;
}

using slipway::test::Inbox;

class RegistryTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    dir_ = slipway::test::fresh_test_dir("registry", "work");
    location_ = GetParam() == Backend::Postgres ? slipway::test::fresh_postgres_url("registry")
                                                : (dir_ / "registry.db").string();
    store::StoreOptions options;
    options.poll_interval = std::chrono::milliseconds(20);
    store_ = store::Store::open(location_, options);
    registry_ = std::make_unique<Registry>(*store_, [this] { return now_ms_.load(); });
  }

  bool postgres() const { return GetParam() == Backend::Postgres; }

  fs::path model_folder(const std::string& name, const std::string& weights = "weights-1") {
    return make_model_folder(dir_ / name, weights);
  }

  RegisterRequest embedded(const std::string& model, const fs::path& folder) {
    RegisterRequest request;
    request.model = model;
    request.source.kind = SourceKind::Embedded;
    request.source.path = folder;
    request.actor = "cli:tester";
    return request;
  }

  // Registers a fresh folder with distinct weights; returns the version.
  Version register_new(const std::string& model, const std::string& weights) {
    return registry_
        ->register_version(embedded(model, model_folder(model + "-" + weights, weights)))
        .version;
  }

  fs::path dir_;
  std::string location_;
  std::atomic<int64_t> now_ms_{kNov29};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Registry> registry_;
};

// Runs `body` expecting a RegistryError with `code` whose message contains every `part`.
template <class Body>
void expect_registry_error(Body&& body, RegistryError::Code code,
                           const std::vector<std::string>& parts) {
  try {
    body();
    ADD_FAILURE() << "no RegistryError thrown";
  } catch (const RegistryError& e) {
    EXPECT_EQ(static_cast<int>(e.code()), static_cast<int>(code)) << e.what();
    for (const auto& part : parts) {
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos)
          << "\"" << part << "\" not in: " << e.what();
    }
  }
}

}  // namespace slipway::registry::test
