#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "app/commands.h"
#include "engine/format/model_config.h"
#include "run_subcommand.h"

namespace slipway::app {
namespace {

void run(const std::vector<std::string>& words) {
  run_subcommand(register_tiny_model_command, words);
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
