// The forward pass against a naive double-precision reference, and its batch invariance:
// a sequence's logits are bitwise the same alone, in any batch, however its prompt is
// chunked, whatever the thread count, and with KV-cached decode or full recompute.
#include "engine/forward_pass.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "engine/format/format_error.h"
#include "forward_test_support.h"
#include "tiny_model.h"

namespace slipway::engine {
namespace {

using test::make_prompt;
using test::Plan;
using test::run_plans;
using test::same_bits;
using test::TinySpec;

class ForwardPassTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    spec_ = test::tiny_spec(GetParam());
    auto dir = test::test_dir("forward_" + GetParam());
    weights_ = test::write_tiny_model(dir, spec_);
    model_ = Model::load(dir);
  }
  TinySpec spec_;
  std::map<std::string, std::vector<float>> weights_;
  std::shared_ptr<const Model> model_;
};

TEST_P(ForwardPassTest, AllLogitsMatchNaiveReference) {
  const auto prompt = make_prompt(19, spec_.vocab, 7);
  const auto expected = test::reference_logits(model_->config(), weights_, prompt);
  KvCache cache(model_->config(), 4, 64);
  ComputePool pool(2);
  ForwardPass pass(model_, cache, pool);
  SequenceKv kv;
  ASSERT_TRUE(cache.reserve(kv, static_cast<int64_t>(prompt.size())));
  std::vector<ForwardRequest> batch{{&kv, prompt, true}};
  std::vector<std::vector<float>> logits;
  pass.run(batch, logits);
  ASSERT_EQ(logits[0].size(), prompt.size() * static_cast<std::size_t>(spec_.vocab));
  EXPECT_EQ(kv.num_tokens, static_cast<int64_t>(prompt.size()));
  double worst = 0;
  for (std::size_t t = 0; t < prompt.size(); ++t)
    for (int64_t v = 0; v < spec_.vocab; ++v)
      worst = std::max(worst, std::abs(logits[0][t * spec_.vocab + v] - expected[t][v]));
  EXPECT_LT(worst, 2e-4) << "largest logit error";
}

TEST_P(ForwardPassTest, LogitsAreBatchInvariant) {
  const auto vocab = static_cast<int32_t>(spec_.vocab);
  auto target = [&] {
    Plan p;
    p.prompt = make_prompt(9, vocab, 1);
    p.decode_steps = 24;
    return p;
  };
  auto other = [&](int64_t length, int64_t join, uint32_t seed) {
    Plan p;
    p.prompt = make_prompt(length, vocab, seed);
    p.join_step = join;
    p.decode_steps = 6;
    p.chunks = {5, 3};
    return p;
  };

  std::vector<Plan> alone{target()};
  run_plans(model_, 1, alone);
  const Plan& ref = alone[0];
  ASSERT_EQ(ref.step_logits.size(), 24u);
  std::set<int32_t> distinct(ref.output.begin(), ref.output.end());
  EXPECT_GE(distinct.size(), 10u) << "greedy output too repetitive to be a strong test: "
                                  << ::testing::PrintToString(ref.output);

  struct Variant {
    const char* name;
    int threads;
    std::vector<int64_t> chunks;
    int64_t join;
    int position;  // where the target sits among the others
  };
  const std::vector<Variant> variants = {
      {"token by token, 2 threads", 2, std::vector<int64_t>(9, 1), 0, 0},
      {"chunks 2+4+3, 3 threads", 3, {2, 4, 3}, 0, 0},
      {"whole prompt, joins late, middle of batch", 2, {}, 3, 1},
      {"chunks 4+5, last in batch", 1, {4, 5}, 1, 3},
  };
  for (const Variant& v : variants) {
    std::vector<Plan> plans{other(11, 0, 2), other(4, 2, 3), other(17, 5, 4)};
    Plan t = target();
    t.chunks = v.chunks;
    t.join_step = v.join;
    plans.insert(plans.begin() + v.position, std::move(t));
    run_plans(model_, v.threads, plans);
    const Plan& got = plans[static_cast<std::size_t>(v.position)];
    ASSERT_EQ(got.step_logits.size(), ref.step_logits.size()) << v.name;
    for (std::size_t i = 0; i < ref.step_logits.size(); ++i)
      EXPECT_TRUE(same_bits(got.step_logits[i], ref.step_logits[i])) << v.name << ": step " << i;
    EXPECT_EQ(got.output, ref.output) << v.name;
  }
}

TEST_P(ForwardPassTest, CachedDecodeEqualsFullRecompute) {
  std::vector<Plan> plans(1);
  plans[0].prompt = make_prompt(6, spec_.vocab, 9);
  plans[0].decode_steps = 12;
  run_plans(model_, 2, plans);
  const Plan& p = plans[0];

  std::vector<int32_t> all = p.prompt;
  all.insert(all.end(), p.output.begin(), p.output.end() - 1);
  KvCache cache(model_->config(), 4, 64);
  ComputePool pool(2);
  ForwardPass pass(model_, cache, pool);
  SequenceKv kv;
  ASSERT_TRUE(cache.reserve(kv, static_cast<int64_t>(all.size())));
  std::vector<ForwardRequest> batch{{&kv, all, true}};
  std::vector<std::vector<float>> logits;
  pass.run(batch, logits);
  const auto vocab = static_cast<std::size_t>(spec_.vocab);
  for (std::size_t i = 0; i < p.step_logits.size(); ++i) {
    const std::size_t row = p.prompt.size() - 1 + i;
    std::vector<float> recomputed(
        logits[0].begin() + static_cast<std::ptrdiff_t>(row * vocab),
        logits[0].begin() + static_cast<std::ptrdiff_t>((row + 1) * vocab));
    EXPECT_TRUE(same_bits(recomputed, p.step_logits[i])) << "step " << i;
  }
}

INSTANTIATE_TEST_SUITE_P(Architectures, ForwardPassTest,
                         ::testing::Values("llama", "mistral", "qwen2", "qwen3"));

// Half-precision weights are read as stored: results match the reference on the rounded
// weights, and stay batch invariant.
class HalfWeightsTest : public ::testing::TestWithParam<DType> {};

TEST_P(HalfWeightsTest, MatchesReferenceAndIsInvariant) {
  TinySpec spec = test::tiny_spec("llama", GetParam());
  auto dir = test::test_dir(std::string("forward_half_") + std::string(dtype_name(GetParam())));
  const auto weights = test::write_tiny_model(dir, spec);
  const auto model = Model::load(dir);
  const auto prompt = make_prompt(10, spec.vocab, 5);
  const auto expected = test::reference_logits(model->config(), weights, prompt);

  std::vector<Plan> whole(1), split(1);
  whole[0].prompt = split[0].prompt = prompt;
  whole[0].decode_steps = split[0].decode_steps = 1;
  split[0].chunks = {3, 3, 3, 1};
  run_plans(model, 1, whole);
  run_plans(model, 2, split);
  ASSERT_EQ(whole[0].step_logits.size(), 1u);
  EXPECT_TRUE(same_bits(whole[0].step_logits[0], split[0].step_logits[0]));
  for (int64_t v = 0; v < spec.vocab; ++v)
    EXPECT_NEAR(whole[0].step_logits[0][v], expected.back()[v], 2e-4);
}

INSTANTIATE_TEST_SUITE_P(Dtypes, HalfWeightsTest, ::testing::Values(DType::F16, DType::BF16));

TEST(ModelLoadTest, MissingTensorIsAFormatError) {
  for (const char* name : {"model.layers.1.self_attn.k_norm.weight", "lm_head.weight",
                           "model.layers.0.mlp.down_proj.weight"}) {
    auto dir = test::test_dir("forward_missing");
    TinySpec spec = test::tiny_spec("qwen3");
    spec.omit = name;
    test::write_tiny_model(dir, spec);
    EXPECT_THROW(Model::load(dir), FormatError) << name;
  }
}

TEST(ForwardPassErrors, UnreservedBlocksAndBadTokensThrow) {
  auto dir = test::test_dir("forward_errors");
  test::write_tiny_model(dir, test::tiny_spec("llama"));
  const auto model = Model::load(dir);
  KvCache cache(model->config(), 4, 8);
  ComputePool pool(1);
  ForwardPass pass(model, cache, pool);
  SequenceKv kv;
  std::vector<int32_t> tokens{1, 2, 3, 4, 5};
  std::vector<std::vector<float>> logits;
  ASSERT_TRUE(cache.reserve(kv, 4));
  std::vector<ForwardRequest> batch{{&kv, tokens, false}};
  EXPECT_THROW(pass.run(batch, logits), std::invalid_argument);
  ASSERT_TRUE(cache.reserve(kv, 5));
  std::vector<int32_t> bad{1, 999};
  std::vector<ForwardRequest> bad_batch{{&kv, bad, false}};
  EXPECT_THROW(pass.run(bad_batch, logits), std::invalid_argument);
  EXPECT_EQ(kv.num_tokens, 0);
  pass.run(batch, logits);
  EXPECT_EQ(kv.num_tokens, 5);
  EXPECT_EQ(logits[0].size(), static_cast<std::size_t>(model->config().vocab_size));
}

}  // namespace
}  // namespace slipway::engine
