// Verification before serving, database-enforced immutability, concurrent registration.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "registry_test_support.h"

namespace slipway::registry::test {
namespace {

class RegistryVerifyTest : public RegistryTest {
 protected:
  void SetUp() override {
    RegistryTest::SetUp();
    folder_ = model_folder("served");
    version_ = registry_->register_version(embedded("demo", folder_)).version;
  }
  fs::path folder_;
  Version version_;
};

TEST_P(RegistryVerifyTest, UnchangedFilesPassWithoutHashing) {
  const auto fast = registry_->verify(version_, VerifyMode::Fast);
  EXPECT_EQ(fast.files_hashed, 0);
  EXPECT_FALSE(fast.mtimes_changed);
  const auto full = registry_->verify(version_, VerifyMode::Full);
  EXPECT_EQ(full.files_hashed, 3);
}

TEST_P(RegistryVerifyTest, AChangedByteIsAnIntegrityErrorNamingVersionAndFile) {
  write_file(folder_ / "model.safetensors", "weights-X");  // same size
  bump_mtime(folder_ / "model.safetensors");
  expect_registry_error(
      [&] { registry_->verify(version_, VerifyMode::Fast); }, RegistryError::Code::Integrity,
      {"demo/1", "model.safetensors", (folder_ / "model.safetensors").string(), "new version"});
}

TEST_P(RegistryVerifyTest, ASizeChangeIsCaughtToo) {
  write_file(folder_ / "tokenizer.json", R"({"model": {"x": 1}})");
  expect_registry_error([&] { registry_->verify(version_, VerifyMode::Fast); },
                        RegistryError::Code::Integrity, {"demo/1", "tokenizer.json", "size"});
}

TEST_P(RegistryVerifyTest, TouchedButIdenticalFilesPassAndTheMtimeIsRefreshed) {
  bump_mtime(folder_ / "model.safetensors");
  const auto first = registry_->verify(version_, VerifyMode::Fast);
  EXPECT_EQ(first.files_hashed, 1);
  EXPECT_TRUE(first.mtimes_changed);
  const auto second = registry_->verify(version_, VerifyMode::Fast);
  EXPECT_EQ(second.files_hashed, 0);
  EXPECT_FALSE(second.mtimes_changed);
  // A second process (another Registry on the same database) sees the refreshed cache.
  auto other_store = store::Store::open(location_);
  Registry other(*other_store);
  EXPECT_EQ(other.verify(version_, VerifyMode::Fast).files_hashed, 0);
}

TEST_P(RegistryVerifyTest, AMissingFileIsAnIntegrityError) {
  fs::remove(folder_ / "tokenizer.json");
  expect_registry_error([&] { registry_->verify(version_, VerifyMode::Fast); },
                        RegistryError::Code::Integrity, {"demo/1", "tokenizer.json", "missing"});
  fs::remove_all(folder_);
  expect_registry_error([&] { registry_->verify(version_, VerifyMode::Fast); },
                        RegistryError::Code::Integrity, {"demo/1", folder_.string()});
}

TEST_P(RegistryVerifyTest, FullModeCatchesWhatTheFastPathTrusts) {
  const auto file = folder_ / "model.safetensors";
  const auto mtime = fs::last_write_time(file);
  write_file(file, "weights-Y");  // same size, mtime put back: the fast path cannot tell
  fs::last_write_time(file, mtime);
  EXPECT_EQ(registry_->verify(version_, VerifyMode::Fast).files_hashed, 0);
  expect_registry_error([&] { registry_->verify(version_, VerifyMode::Full); },
                        RegistryError::Code::Integrity, {"demo/1", "model.safetensors"});
}

TEST_P(RegistryVerifyTest, ArchivedVersionsCannotBeServed) {
  registry_->set_stage("demo", 1, Stage::Archived, "alice", "retired");
  expect_registry_error([&] { registry_->verify(version_, VerifyMode::Fast); },
                        RegistryError::Code::StageRule,
                        {"demo/1 is archived", "restore it to candidate"});
}

TEST_P(RegistryVerifyTest, TheDatabaseRefusesChangesToImmutableRows) {
  auto expect_refused = [&](const std::string& sql) {
    try {
      store_->write([&](store::Transaction& tx) { tx.execute(sql); });
      ADD_FAILURE() << "the database accepted: " << sql;
    } catch (const store::StoreError& e) {
      EXPECT_EQ(e.kind(), store::StoreError::Kind::Constraint) << sql << ": " << e.what();
    }
  };
  expect_refused("UPDATE registry_versions SET params_json = '{\"lora_r\": 99}'");
  expect_refused("UPDATE registry_versions SET label = 'renamed'");
  expect_refused("UPDATE registry_versions SET content_hash = 'x'");
  expect_refused("DELETE FROM registry_versions");
  expect_refused("UPDATE registry_artifacts SET sha256 = 'x'");
  expect_refused("DELETE FROM registry_artifacts WHERE path = 'model.safetensors'");
  expect_refused("UPDATE registry_events SET actor = 'mallory'");
  expect_refused("DELETE FROM registry_events");
  // The stage and the mtime cache stay writable.
  store_->write([](store::Transaction& tx) {
    tx.execute("UPDATE registry_versions SET stage = 'staging'");
    tx.execute("UPDATE registry_artifact_stats SET mtime_ns = 1");
  });
  const Version shown = registry_->get_version(parse_version_ref("demo/1"));
  EXPECT_EQ(shown.stage, Stage::Staging);
  EXPECT_EQ(shown.params, version_.params);
  EXPECT_EQ(shown.artifacts.size(), 3u);
  EXPECT_EQ(registry_->history("demo").size(), 2u);
}

TEST_P(RegistryVerifyTest, ConcurrentRegistrationsGetDistinctNumbers) {
  constexpr int kThreads = 8;
  constexpr int kEach = 5;
  std::vector<fs::path> folders;
  for (int t = 0; t < kThreads; ++t) {
    folders.push_back(model_folder("t" + std::to_string(t), "thread-" + std::to_string(t)));
  }
  std::vector<std::vector<int64_t>> numbers(kThreads);
  std::vector<std::string> errors(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      try {
        for (int i = 0; i < kEach; ++i) {
          numbers[t].push_back(
              registry_->register_version(embedded("busy", folders[t])).version.version);
        }
      } catch (const std::exception& e) {
        errors[t] = e.what();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  std::set<int64_t> all;
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(errors[t], "") << "thread " << t;
    all.insert(numbers[t].begin(), numbers[t].end());
  }
  EXPECT_EQ(all.size(), static_cast<std::size_t>(kThreads * kEach));
  EXPECT_EQ(*all.begin(), 1);
  EXPECT_EQ(*all.rbegin(), kThreads * kEach);
  const auto versions = registry_->list_versions("busy");
  ASSERT_EQ(versions.size(), static_cast<std::size_t>(kThreads * kEach));
  std::set<std::string> labels;
  for (const auto& v : versions) labels.insert(v.label);
  EXPECT_EQ(labels.size(), versions.size());
  EXPECT_EQ(registry_->history("busy").size(), static_cast<std::size_t>(kThreads * kEach + 1));
}

INSTANTIATE_TEST_SUITE_P(Registry, RegistryVerifyTest, slipway::test::kBothBackends, backend_name);

}  // namespace
}  // namespace slipway::registry::test
