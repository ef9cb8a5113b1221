#include "registry/artifacts.h"

#include <gtest/gtest.h>

#include "registry/registry_error.h"
#include "registry_test_support.h"

namespace slipway::registry::test {
namespace {

TEST(Artifacts, Sha256OfKnownInputs) {
  const auto dir = slipway::test::fresh_test_dir("registry", "sha");
  write_file(dir / "abc", "abc");
  write_file(dir / "empty", "");
  EXPECT_EQ(sha256_file(dir / "abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_file(dir / "empty"),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  // Larger than one read: 3 MiB + 1 bytes of 'a'.
  write_file(dir / "big", std::string((3 << 20) + 1, 'a'));
  EXPECT_EQ(sha256_file(dir / "big").size(), 64u);
  EXPECT_NE(sha256_file(dir / "big"), sha256_file(dir / "abc"));
}

TEST(Artifacts, ScanIsRecursiveSortedAndSkipsHiddenEntries) {
  const auto dir = slipway::test::fresh_test_dir("registry", "scan");
  write_file(dir / "z.bin", "z");
  write_file(dir / "a" / "b.txt", "b");
  write_file(dir / "config.json", "{}");
  write_file(dir / ".git" / "HEAD", "ref");
  write_file(dir / ".hidden", "h");
  write_file(dir / "a" / ".DS_Store", "x");
  const auto artifacts = scan_artifacts(dir);
  ASSERT_EQ(artifacts.size(), 3u);
  EXPECT_EQ(artifacts[0].path, "a/b.txt");
  EXPECT_EQ(artifacts[1].path, "config.json");
  EXPECT_EQ(artifacts[2].path, "z.bin");
  EXPECT_EQ(artifacts[2].size, 1);
  EXPECT_EQ(artifacts[2].sha256, sha256_file(dir / "z.bin"));
  EXPECT_GT(artifacts[2].mtime_ns, 0);
}

TEST(Artifacts, ScanRefusesMissingOrEmptyFolders) {
  const auto dir = slipway::test::fresh_test_dir("registry", "scan-empty");
  EXPECT_THROW(scan_artifacts(dir), RegistryError);
  EXPECT_THROW(scan_artifacts(dir / "nope"), RegistryError);
}

TEST(Artifacts, VerifyFastTrustsMatchingStatsAndFullHashesAll) {
  const auto dir = make_model_folder(slipway::test::fresh_test_dir("registry", "verify"));
  const auto recorded = scan_artifacts(dir);
  auto fast = verify_artifacts(dir, recorded, VerifyMode::Fast);
  EXPECT_EQ(fast.files_hashed, 0);
  EXPECT_FALSE(fast.mtimes_changed);
  auto full = verify_artifacts(dir, recorded, VerifyMode::Full);
  EXPECT_EQ(full.files_hashed, static_cast<int>(recorded.size()));

  bump_mtime(dir / "tokenizer.json");
  auto touched = verify_artifacts(dir, recorded, VerifyMode::Fast);
  EXPECT_EQ(touched.files_hashed, 1);
  EXPECT_TRUE(touched.mtimes_changed);
  ASSERT_EQ(touched.current.size(), recorded.size());
  EXPECT_NE(touched.current[2].mtime_ns, recorded[2].mtime_ns);
  EXPECT_EQ(touched.current[0].mtime_ns, recorded[0].mtime_ns);
}

TEST(Artifacts, VerifyNamesAChangedOrMissingFile) {
  const auto dir = make_model_folder(slipway::test::fresh_test_dir("registry", "verify-bad"));
  const auto recorded = scan_artifacts(dir);
  write_file(dir / "model.safetensors", "weights-2");  // same size, new bytes
  bump_mtime(dir / "model.safetensors");
  expect_registry_error([&] { verify_artifacts(dir, recorded, VerifyMode::Fast); },
                        RegistryError::Code::Integrity,
                        {"model.safetensors", (dir / "model.safetensors").string(), "sha256 is",
                         "registered", "new version"});
  fs::remove(dir / "tokenizer.json");
  expect_registry_error([&] { verify_artifacts(dir, recorded, VerifyMode::Full); },
                        RegistryError::Code::Integrity, {"model.safetensors"});
  write_file(dir / "model.safetensors", "weights-1");
  expect_registry_error([&] { verify_artifacts(dir, recorded, VerifyMode::Full); },
                        RegistryError::Code::Integrity, {"missing", "tokenizer.json"});
}

TEST(Artifacts, ContentHashCoversKindBaseAndFiles) {
  Source embedded;
  std::vector<Artifact> files = {{"a", 1, "11", 0}, {"b", 2, "22", 0}};
  const auto base = content_hash(embedded, files);
  EXPECT_EQ(base.size(), 64u);
  EXPECT_EQ(content_hash(embedded, files), base);
  Source elsewhere = embedded;
  elsewhere.path = "/other/place";  // where the bytes live is not what they are
  EXPECT_EQ(content_hash(elsewhere, files), base);
  Source lora;
  lora.kind = SourceKind::Lora;
  lora.base = "llama/1";
  EXPECT_NE(content_hash(lora, files), base);
  Source lora2 = lora;
  lora2.base = "llama/2";
  EXPECT_NE(content_hash(lora2, files), content_hash(lora, files));
  auto changed = files;
  changed[1].sha256 = "23";
  EXPECT_NE(content_hash(embedded, changed), base);
  Source upstream;
  upstream.kind = SourceKind::Upstream;
  upstream.url = "http://gpu:8000/v1";
  Source upstream2 = upstream;
  upstream2.upstream_model = "other";
  EXPECT_NE(content_hash(upstream, {}), content_hash(upstream2, {}));
}

}  // namespace
}  // namespace slipway::registry::test
