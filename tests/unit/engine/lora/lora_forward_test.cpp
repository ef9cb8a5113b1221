// LoRA adapters in the forward pass: a batch mixing adapters and the bare base gives every
// sequence bitwise the logits it gets alone (however its prompt is chunked), the unmerged
// update matches a model with the merged weights W + scale * B A, and adapters that do not fit
// the model are refused.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "../forward_test_support.h"
#include "engine/forward_pass.h"
#include "lora_test_support.h"

namespace slipway::engine {
namespace {

using test::Plan;
using test::RandomAdapter;
using test::RandomAdapterSpec;
using test::run_plans;
using test::same_bits;
using test::TinySpec;

double max_abs_diff(const std::vector<float>& a, const std::vector<float>& b) {
  double worst = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    worst = std::max(worst, std::abs(static_cast<double>(a[i]) - b[i]));
  return worst;
}

// All logits of one prompt, computed in one request.
std::vector<float> prompt_logits(const std::shared_ptr<const Model>& model,
                                 const std::vector<int32_t>& prompt, const LoraAdapter* adapter) {
  KvCache cache(model->config(), 4, 64);
  ComputePool pool(2);
  ForwardPass pass(model, cache, pool);
  SequenceKv kv;
  EXPECT_TRUE(cache.reserve(kv, static_cast<int64_t>(prompt.size())));
  std::vector<ForwardRequest> batch{{&kv, prompt, true, adapter}};
  std::vector<std::vector<float>> logits;
  pass.run(batch, logits);
  return logits[0];
}

class LoraForwardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    spec_ = test::tiny_spec("llama");
    dir_ = test::test_dir("lora_forward");
    weights_ = test::write_tiny_model(dir_, spec_);
    model_ = Model::load(dir_);
  }
  const ModelConfig& config() const { return model_->config(); }
  std::vector<int32_t> prompt(int64_t length, uint32_t seed) const {
    return test::make_prompt(length, spec_.vocab, seed);
  }
  // Unmerged logits against the merged model's and the double reference's on it.
  void expect_matches_merged(const RandomAdapter& adapter, const std::string& name) {
    const auto merged = test::merged_weights(config(), weights_, adapter);
    const auto merged_dir = test::test_dir("lora_merged_" + name);
    test::write_weights_folder(dir_, merged_dir, merged, config());
    const auto merged_model = Model::load(merged_dir);
    const auto tokens = prompt(13, 21);
    const auto unmerged = prompt_logits(model_, tokens, adapter.adapter.get());
    const auto merged_logits = prompt_logits(merged_model, tokens, nullptr);
    const auto base = prompt_logits(model_, tokens, nullptr);
    const auto reference = test::reference_logits(config(), merged, tokens);
    std::vector<float> reference_flat;
    for (const auto& row : reference)
      reference_flat.insert(reference_flat.end(), row.begin(), row.end());
    double scale = 0;
    for (float v : reference_flat) scale = std::max(scale, std::abs(static_cast<double>(v)));
    EXPECT_LE(max_abs_diff(unmerged, merged_logits), 1e-4 * scale) << name << " vs merged model";
    EXPECT_LE(max_abs_diff(unmerged, reference_flat), 1e-4 * scale) << name << " vs reference";
    EXPECT_GT(max_abs_diff(unmerged, base), 0.05 * scale)
        << name << ": the adapter should change the logits clearly";
  }

  TinySpec spec_;
  std::filesystem::path dir_;
  std::map<std::string, std::vector<float>> weights_;
  std::shared_ptr<const Model> model_;
};

TEST_F(LoraForwardTest, MixedBatchIsBitwiseTheSameAsAlone) {
  using enum LoraTarget;
  RandomAdapterSpec attention{
      .name = "attention", .rank = 4, .targets = test::kAttention, .alpha = 8, .seed = 11};
  RandomAdapterSpec all{
      .name = "all", .rank = 8, .targets = {Q, K, V, O, Gate, Up, Down}, .alpha = 16, .seed = 12};
  RandomAdapterSpec mlp_layer1{.name = "mlp-layer1",
                               .rank = 16,
                               .targets = {Gate, Up, Down},
                               .layers = {1},
                               .alpha = 32,
                               .seed = 13};
  RandomAdapterSpec mixed_layer0{.name = "mixed-layer0",
                                 .rank = 8,
                                 .targets = {Q, V, Down},
                                 .layers = {0},
                                 .alpha = 24,
                                 .seed = 14};
  std::vector<RandomAdapter> adapters;
  for (const auto& s : {attention, all, mlp_layer1, mixed_layer0})
    adapters.push_back(test::make_random_adapter(config(), s));

  // Four adapters and the bare base (last), each prompt with its own length.
  const std::vector<int64_t> lengths = {9, 14, 5, 11, 7};
  auto plan = [&](std::size_t i) {
    Plan p;
    p.prompt = prompt(lengths[i], 40 + static_cast<uint32_t>(i));
    p.adapter = i < adapters.size() ? adapters[i].adapter.get() : nullptr;
    return p;
  };
  std::vector<Plan> alone;
  for (std::size_t i = 0; i < lengths.size(); ++i) {
    std::vector<Plan> one{plan(i)};
    run_plans(model_, 1, one);
    alone.push_back(std::move(one[0]));
  }
  std::set<int32_t> distinct;
  for (const Plan& p : alone) distinct.insert(p.output.begin(), p.output.end());
  EXPECT_GE(distinct.size(), 10u) << "outputs too repetitive to be a strong test";
  // The same prompt with each adapter and without: every adapter changes the logits clearly.
  const auto probe = prompt(10, 99);
  const auto base = prompt_logits(model_, probe, nullptr);
  for (const auto& a : adapters)
    EXPECT_GT(max_abs_diff(prompt_logits(model_, probe, a.adapter.get()), base), 0.1)
        << a.adapter->name();

  struct Variant {
    const char* name;
    int threads;
    std::vector<std::size_t> order;  // which plan sits where in the batch
    std::vector<std::vector<int64_t>> chunks;
    std::vector<int64_t> joins;
  };
  const std::vector<Variant> variants = {
      {"together, whole prompts", 2, {0, 1, 2, 3, 4}, {{}, {}, {}, {}, {}}, {0, 0, 0, 0, 0}},
      {"reversed, chunked, staggered",
       2,
       {4, 3, 2, 1, 0},
       {{2, 3}, {1, 1, 1}, {4}, {5, 5}, {3}},
       {0, 1, 2, 0, 3}},
      {"interleaved, token by token, 3 threads",
       3,
       {2, 0, 4, 1, 3},
       {{1, 1, 1, 1}, std::vector<int64_t>(14, 1), {2}, {1, 2, 3}, {6}},
       {1, 0, 0, 2, 1}},
  };
  for (const Variant& v : variants) {
    std::vector<Plan> plans;
    for (std::size_t k = 0; k < v.order.size(); ++k) {
      plans.push_back(plan(v.order[k]));
      plans.back().chunks = v.chunks[k];
      plans.back().join_step = v.joins[k];
    }
    // Two more rows with the "all" adapter: its group holds several rows.
    plans.push_back(plan(1));
    plans.back().chunks = {3};
    plans.push_back(plan(1));
    plans.back().join_step = 4;
    run_plans(model_, v.threads, plans);
    for (std::size_t k = 0; k < plans.size(); ++k) {
      const std::size_t which = k < v.order.size() ? v.order[k] : 1;
      const Plan& ref = alone[which];
      const Plan& got = plans[k];
      ASSERT_EQ(got.step_logits.size(), ref.step_logits.size()) << v.name;
      for (std::size_t i = 0; i < ref.step_logits.size(); ++i)
        EXPECT_TRUE(same_bits(got.step_logits[i], ref.step_logits[i]))
            << v.name << ": plan " << which << " step " << i;
      EXPECT_EQ(got.output, ref.output) << v.name << ": plan " << which;
    }
  }
}

TEST_F(LoraForwardTest, ZeroUpdateGivesBitwiseTheBaseLogits) {
  RandomAdapterSpec spec{.name = "zero",
                         .rank = 8,
                         .targets = {test::kAllTargets.begin(), test::kAllTargets.end()},
                         .zero_b = true};
  const auto adapter = test::make_random_adapter(config(), spec);
  std::vector<Plan> with(1), without(1);
  with[0].prompt = without[0].prompt = prompt(9, 3);
  with[0].adapter = adapter.adapter.get();
  run_plans(model_, 2, with);
  run_plans(model_, 2, without);
  for (std::size_t i = 0; i < with[0].step_logits.size(); ++i)
    EXPECT_TRUE(same_bits(with[0].step_logits[i], without[0].step_logits[i])) << "step " << i;
}

TEST_F(LoraForwardTest, UnmergedMatchesMergedWeights) {
  RandomAdapterSpec spec{.name = "all",
                         .rank = 8,
                         .targets = {test::kAllTargets.begin(), test::kAllTargets.end()},
                         .seed = 5};
  expect_matches_merged(test::make_random_adapter(config(), spec), "all_f32");
  spec.rank = 16;
  spec.targets = test::kAttention;
  spec.layers = {1};
  expect_matches_merged(test::make_random_adapter(config(), spec), "attention_layer1");
}

class LoraHalfTest : public LoraForwardTest, public ::testing::WithParamInterface<DType> {};

TEST_P(LoraHalfTest, HalfPrecisionAdaptersAreReadAsStored) {
  RandomAdapterSpec spec{.name = "half",
                         .rank = 8,
                         .targets = {test::kAllTargets.begin(), test::kAllTargets.end()},
                         .dtype = GetParam(),
                         .seed = 8};
  const auto adapter = test::make_random_adapter(config(), spec);
  EXPECT_EQ(adapter.adapter->resident_bytes(), adapter.tensor_bytes);
  expect_matches_merged(adapter, std::string("half_") + std::string(dtype_name(GetParam())));

  // Bitwise the same alone and beside an F32 adapter, with a chunked prompt.
  const auto other = test::make_random_adapter(config(), {.name = "f32", .seed = 9});
  std::vector<Plan> alone(1), mixed(3);
  alone[0].prompt = mixed[0].prompt = prompt(10, 4);
  alone[0].adapter = mixed[0].adapter = adapter.adapter.get();
  mixed[0].chunks = {3, 3};
  mixed[1].prompt = prompt(6, 5);
  mixed[1].adapter = other.adapter.get();
  mixed[2].prompt = prompt(8, 6);
  run_plans(model_, 1, alone);
  run_plans(model_, 2, mixed);
  for (std::size_t i = 0; i < alone[0].step_logits.size(); ++i)
    EXPECT_TRUE(same_bits(alone[0].step_logits[i], mixed[0].step_logits[i])) << "step " << i;
}

INSTANTIATE_TEST_SUITE_P(Dtypes, LoraHalfTest, ::testing::Values(DType::F16, DType::BF16));

TEST_F(LoraForwardTest, AdaptersThatDoNotFitAreRefused) {
  KvCache cache(config(), 4, 16);
  ComputePool pool(1);
  ForwardPass pass(model_, cache, pool);
  SequenceKv kv;
  ASSERT_TRUE(cache.reserve(kv, 4));
  std::vector<int32_t> tokens{1, 2, 3, 4};
  std::vector<std::vector<float>> logits;

  const auto short_adapter =
      test::make_random_adapter(config(), {.name = "short", .layer_count = 1});
  std::vector<ForwardRequest> batch{{&kv, tokens, false, short_adapter.adapter.get()}};
  EXPECT_THROW(pass.run(batch, logits), std::invalid_argument);

  // An adapter for another base: its q_proj A has the wrong input width.
  ModelConfig wider = config();
  wider.hidden_size += 8;
  const auto misfit =
      test::make_random_adapter(wider, {.name = "misfit", .targets = {LoraTarget::Q}});
  batch[0].adapter = misfit.adapter.get();
  try {
    pass.run(batch, logits);
    ADD_FAILURE() << "a misfit adapter ran";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("misfit"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("q_proj"), std::string::npos) << e.what();
  }
  EXPECT_EQ(kv.num_tokens, 0);  // nothing was written

  batch[0].adapter = nullptr;
  pass.run(batch, logits);
  EXPECT_EQ(kv.num_tokens, 4);
}

}  // namespace
}  // namespace slipway::engine
