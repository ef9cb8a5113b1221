// LoRA adapters three ways on tiny F32 models, over 64 deterministic tokens, all logits:
//   (a) the engine with the adapter unmerged (ForwardRequest::adapter from load_lora_adapter),
//   (b) the NumPy reference (lora_reference.py: PEFT's semantics, merged in float64),
//   (c) the engine on the folder `slipway lora merge` wrote, loaded as a plain model;
// requiring max|a-b| and max|c-b| <= 1e-4 * max|b|, and that the adapter moves the logits far
// more than that (the bare base is not within tolerance of b). Adapters come from
// `slipway tiny-adapter` and from this folder's independent writer lora_tools.py.
#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "engine/lora/lora_loader.h"
#include "lora_reference_support.h"

namespace slipway::lora_reference {
namespace {

const std::vector<int> kChunks = {13, 1, 1, 1, 20, 1, 27};

struct AdapterCase {
  const char* name;
  const char* arch;
  int seed;
  bool own_writer;   // lora_tools.py rather than slipway tiny-adapter
  std::string args;  // options of the writer
};

void PrintTo(const AdapterCase& c, std::ostream* os) {
  *os << c.name;
}

// The base model, the adapter and its merged folder of one case.
struct Folders {
  fs::path work, base, adapter, merged;
};

Folders make_case(const AdapterCase& c) {
  Folders f;
  f.work = case_dir(c.name);
  f.base = f.work / "base";
  f.adapter = f.work / "adapter";
  f.merged = f.work / "merged";
  run_slipway("tiny-model " + quote(f.base.string()) + " --arch " + c.arch +
              " --dtype f32 --seed " + std::to_string(c.seed));
  if (c.own_writer) {
    run_python(script("lora_tools.py"), "random " + quote(f.adapter.string()) + " --base " +
                                            quote(f.base.string()) + " --seed " +
                                            std::to_string(c.seed) + " " + c.args);
  } else {
    run_slipway("tiny-adapter " + quote(f.adapter.string()) + " --base " + quote(f.base.string()) +
                " --seed " + std::to_string(c.seed) + " " + c.args);
  }
  return f;
}

std::vector<float> reference_logits(const Folders& f, const std::vector<int32_t>& tokens,
                                    const std::string& extra = "") {
  fs::path out = f.work / "reference.bin";
  fs::remove(out);
  run_python(script("lora_reference.py"), quote(f.base.string()) + " " + quote(f.adapter.string()) +
                                              " --tokens " + join(tokens) + " --out " +
                                              quote(out.string()) + " " + extra);
  return read_floats(out);
}

class LoraReference : public ::testing::TestWithParam<AdapterCase> {};

TEST_P(LoraReference, UnmergedMergedAndReferenceAgree) {
  const AdapterCase& c = GetParam();
  Folders f = make_case(c);
  ASSERT_FALSE(HasFatalFailure());
  run_slipway("lora merge --base " + quote(f.base.string()) + " --adapter " +
              quote(f.adapter.string()) + " --out " + quote(f.merged.string()));
  ASSERT_FALSE(HasFatalFailure());

  auto model = engine::Model::load(f.base);
  auto adapter = engine::load_lora_adapter(f.adapter, model->config(), {}, c.name);
  std::vector<int32_t> tokens = pick_tokens(model->config().vocab_size, c.seed);
  std::vector<float> reference = reference_logits(f, tokens);
  ASSERT_FALSE(HasFatalFailure());

  expect_close(difference(engine_logits(model, adapter.get(), tokens, {kTokens}), reference,
                          "unmerged, one prefill"),
               "unmerged");
  expect_close(difference(engine_logits(model, adapter.get(), tokens, kChunks), reference,
                          "unmerged, chunked"),
               "unmerged chunked");
  expect_close(difference(engine_logits(engine::Model::load(f.merged), nullptr, tokens, {kTokens}),
                          reference, "merged"),
               "merged");
  // The adapter must matter, or the comparisons above could not fail.
  Difference bare = difference(engine_logits(model, nullptr, tokens, {kTokens}), reference,
                               "bare base vs adapted reference");
  ASSERT_TRUE(bare.ok);
  EXPECT_GT(bare.max_err, 100 * kRelTolerance * bare.max_ref);
}

INSTANTIATE_TEST_SUITE_P(
    TinyAdapter, LoraReference,
    ::testing::Values(
        AdapterCase{"llama_attention", "llama", 41, false, "--rank 8 --alpha 16"},
        AdapterCase{"qwen3_all", "qwen3", 42, false, "--targets all --rank 4 --alpha 8"},
        AdapterCase{"qwen2_all_rslora_default_suffix", "qwen2", 43, false,
                    "--targets all --rank 8 --alpha 16 --rslora --default-suffix"},
        AdapterCase{"mistral_mlp_bf16", "mistral", 44, false,
                    "--targets gate_proj,up_proj,down_proj --dtype bf16 --rank 6 --alpha 12"}),
    [](const ::testing::TestParamInfo<AdapterCase>& info) { return std::string(info.param.name); });

INSTANTIATE_TEST_SUITE_P(
    OwnWriter, LoraReference,
    ::testing::Values(
        // different ranks and alphas per module (PEFT's first-matching-key rule)
        AdapterCase{"llama_rank_alpha_pattern", "llama", 51, true,
                    "--all-linear --r 8 --alpha 16 --rank-pattern "
                    "'{\"q_proj\": 4, \"layers.1.mlp.down_proj\": 12}' "
                    "--alpha-pattern '{\"v_proj\": 32, \"mlp.up_proj\": 5}'"},
        // target_modules as a regex over full module names
        AdapterCase{"qwen3_regex_targets", "qwen3", 52, true,
                    "--target-regex "
                    "'model\\.layers\\.[0-9]+\\.(self_attn\\.(q|v)_proj|mlp\\.down_proj)'"},
        // rsLoRA scaling with layers_to_transform
        AdapterCase{"qwen2_rslora_one_layer", "qwen2", 53, true,
                    "--targets q_proj,k_proj,v_proj,o_proj,gate_proj --rslora --layers 1"},
        AdapterCase{"llama_f16_default_suffix", "llama", 54, true,
                    "--targets q_proj,v_proj,up_proj --dtype f16 --default-suffix"},
        AdapterCase{"qwen3_bf16_rank16", "qwen3", 55, true,
                    "--all-linear --dtype bf16 --r 16 --alpha 8"}),
    [](const ::testing::TestParamInfo<AdapterCase>& info) { return std::string(info.param.name); });

// The harness can fail: the reference told to use rsLoRA scaling (alpha / sqrt(r) = 5.7 instead
// of alpha / r = 2) must be far from the engine.
TEST(LoraReferenceHarness, DetectsWrongScale) {
  Folders f = make_case({"harness_scale", "llama", 61, false, "--rank 8 --alpha 16"});
  ASSERT_FALSE(HasFatalFailure());
  auto model = engine::Model::load(f.base);
  auto adapter = engine::load_lora_adapter(f.adapter, model->config(), {}, "harness");
  std::vector<int32_t> tokens = pick_tokens(model->config().vocab_size, 61);
  std::vector<float> wrong = reference_logits(f, tokens, "--config-json '{\"use_rslora\": true}'");
  ASSERT_FALSE(HasFatalFailure());
  Difference d = difference(engine_logits(model, adapter.get(), tokens, {kTokens}), wrong,
                            "unmerged vs reference with use_rslora flipped");
  ASSERT_TRUE(d.ok);
  EXPECT_GT(d.max_err, 100 * kRelTolerance * d.max_ref);
}

}  // namespace
}  // namespace slipway::lora_reference
