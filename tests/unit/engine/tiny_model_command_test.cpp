// Models written by `slipway tiny-model` (another part's writer) load and run: every
// architecture, chunked prefill bitwise equal to one chunk, finite logits.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

#include "engine/forward_pass.h"
#include "tiny_model.h"

namespace slipway::engine {
namespace {

class TinyModelCommand : public ::testing::TestWithParam<std::string> {};

std::vector<float> last_logits(const std::shared_ptr<const Model>& model,
                               const std::vector<int32_t>& prompt, std::size_t chunk) {
  KvCache cache(model->config(), 8, 32);
  ComputePool pool(2);
  ForwardPass pass(model, cache, pool);
  SequenceKv kv;
  EXPECT_TRUE(cache.reserve(kv, static_cast<int64_t>(prompt.size())));
  std::vector<std::vector<float>> logits;
  for (std::size_t at = 0; at < prompt.size(); at += chunk) {
    std::vector<ForwardRequest> batch{
        {&kv, std::span<const int32_t>(prompt).subspan(at, std::min(chunk, prompt.size() - at)),
         false}};
    pass.run(batch, logits);
  }
  return logits[0];
}

TEST_P(TinyModelCommand, WrittenModelRunsAndIsChunkInvariant) {
  ASSERT_TRUE(std::filesystem::exists(SLIPWAY_BINARY)) << "build the slipway target first";
  for (const char* dtype : {"f32", "bf16"}) {
    const auto dir = test::test_dir("tiny_command_" + GetParam() + "_" + dtype);
    const std::string command = std::string(SLIPWAY_BINARY) + " tiny-model '" +
                                (dir / "model").string() + "' --arch " + GetParam() + " --dtype " +
                                dtype + " > /dev/null";
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
    const auto model = Model::load(dir / "model");
    std::vector<int32_t> prompt;
    for (int i = 0; i < 21; ++i)
      prompt.push_back(static_cast<int32_t>((i * 37 + 5) % model->config().vocab_size));
    const auto whole = last_logits(model, prompt, prompt.size());
    const auto chunked = last_logits(model, prompt, 4);
    ASSERT_EQ(whole.size(), static_cast<std::size_t>(model->config().vocab_size));
    EXPECT_EQ(std::memcmp(whole.data(), chunked.data(), whole.size() * sizeof(float)), 0);
    for (float v : whole) ASSERT_TRUE(std::isfinite(v));
  }
}

INSTANTIATE_TEST_SUITE_P(Architectures, TinyModelCommand,
                         ::testing::Values("llama", "mistral", "qwen2", "qwen3"));

}  // namespace
}  // namespace slipway::engine
