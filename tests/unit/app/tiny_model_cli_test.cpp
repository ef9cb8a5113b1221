#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "app/commands.h"
#include "engine/format/model_config.h"

namespace slipway::app {
namespace {

// Parses argv words after "slipway" the way main() does.
void run(std::vector<std::string> words) {
  CLI::App root{"slipway"};
  root.require_subcommand(1);
  register_tiny_model_command(root);
  std::vector<const char*> argv = {"slipway"};
  for (const auto& word : words) argv.push_back(word.c_str());
  root.parse(static_cast<int>(argv.size()), argv.data());
}

TEST(TinyModelCli, BadArgumentsAreParseErrors) {
  EXPECT_THROW(run({"tiny-model", "--arch", "llama"}), CLI::ParseError);  // no OUT
  EXPECT_THROW(run({"tiny-model", "out"}), CLI::ParseError);              // no --arch
  EXPECT_THROW(run({"tiny-model", "out", "--arch", "gpt2"}), CLI::ParseError);
  EXPECT_THROW(run({"tiny-model", "out", "--arch", "llama", "--preset", "huge"}), CLI::ParseError);
  EXPECT_THROW(run({"tiny-model", "out", "--arch", "llama", "--dtype", "f64"}), CLI::ParseError);
  EXPECT_THROW(run({"tiny-model", "out", "--arch", "llama", "--seed", "-3x"}), CLI::ParseError);
}

TEST(TinyModelCli, WritesTheFolder) {
  auto folder = std::filesystem::path(SLIPWAY_TEST_TMP) / "tiny_model" / "cli";
  std::filesystem::remove_all(folder);
  run({"tiny-model", folder.string(), "--arch", "qwen2", "--dtype", "bf16", "--seed", "3"});
  auto config = engine::load_model_config(folder);
  EXPECT_EQ(config.architecture, engine::Architecture::Qwen2);
  EXPECT_EQ(config.torch_dtype, "bfloat16");
}

}  // namespace
}  // namespace slipway::app
