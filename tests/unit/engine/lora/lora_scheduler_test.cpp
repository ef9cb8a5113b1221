// LoRA adapters through the scheduler: a continuous batch mixing adapters (with chunked
// prompts and preemption) returns what each sequence returns alone, prefix-cache blocks are
// shared only between sequences with the same adapter, misfit adapters are refused at submit,
// and a sequence keeps its adapter alive until its final output.
#include <gtest/gtest.h>

#include <deque>
#include <future>

#include "../scheduler_test_support.h"
#include "lora_test_support.h"

namespace slipway::engine {
namespace {

using test::Collector;
using test::RandomAdapterSpec;

// A sequence run alone on a fresh scheduler without prefix caching.
std::vector<int32_t> alone(const std::shared_ptr<const ModelPackage>& package, ComputePool& pool,
                           const std::vector<int32_t>& prompt, const SamplingParams& params,
                           std::shared_ptr<const LoraAdapter> adapter) {
  SchedulerConfig config;
  config.block_size = 8;
  config.prefix_caching = false;
  config.kv_cache_bytes = test::kv_bytes(*package, 8, 32);
  Scheduler scheduler(package, pool, config);
  Collector out;
  SequenceRequest request{prompt, params};
  request.adapter = std::move(adapter);
  scheduler.submit(std::move(request), out.sink());
  EXPECT_TRUE(out.wait_finished());
  return out.tokens();
}

std::vector<std::shared_ptr<const LoraAdapter>> four_adapters(const ModelConfig& config) {
  using enum LoraTarget;
  const std::vector<RandomAdapterSpec> specs = {
      {.name = "attention-r4", .rank = 4, .targets = test::kAttention, .alpha = 8, .seed = 21},
      {.name = "all-r8", .rank = 8, .targets = {Q, K, V, O, Gate, Up, Down}, .seed = 22},
      {.name = "mlp-r16-layer1",
       .rank = 16,
       .targets = {Gate, Up, Down},
       .layers = {1},
       .alpha = 32,
       .seed = 23},
      {.name = "qv-r8-bf16", .rank = 8, .targets = {Q, V}, .dtype = DType::BF16, .seed = 24},
  };
  std::vector<std::shared_ptr<const LoraAdapter>> out;
  for (const auto& s : specs) out.push_back(test::make_random_adapter(config, s).adapter);
  return out;
}

TEST(LoraScheduler, MixedAdaptersMatchEachSequenceAlone) {
  const auto package = test::tiny_package("lora_sched_mixed", 11);
  const ModelConfig& model = package->model().config();
  ComputePool pool(2);
  SamplingParams params = test::greedy(16);
  params.presence_penalty = 2.0;  // random tiny models otherwise settle into short loops
  const auto adapters = four_adapters(model);

  // Ten sequences: each adapter twice (different prompts) and the bare base twice.
  std::vector<std::vector<int32_t>> prompts;
  std::vector<std::shared_ptr<const LoraAdapter>> chosen;
  std::vector<std::vector<int32_t>> expected;
  for (int i = 0; i < 10; ++i) {
    prompts.push_back(
        test::make_prompt(4 + 7 * i, model.vocab_size, 300 + static_cast<uint32_t>(i)));
    chosen.push_back(i < 8 ? adapters[static_cast<std::size_t>(i % 4)] : nullptr);
    expected.push_back(alone(package, pool, prompts.back(), params, chosen.back()));
  }
  // The adapters matter: the first prompt gives other tokens without its adapter.
  EXPECT_NE(alone(package, pool, prompts[0], params, nullptr), expected[0]);
  EXPECT_NE(alone(package, pool, prompts[1], params, nullptr), expected[1]);

  SchedulerConfig config;
  config.block_size = 8;
  config.max_num_seqs = 10;
  config.max_batch_tokens = 24;                             // prompts are chunked
  config.kv_cache_bytes = test::kv_bytes(*package, 8, 30);  // too few for all: preemption
  std::deque<Collector> streams(10);
  {
    Scheduler scheduler(package, pool, config);
    for (int i = 0; i < 10; ++i) {
      SequenceRequest request{prompts[static_cast<std::size_t>(i)], params};
      request.adapter = chosen[static_cast<std::size_t>(i)];
      scheduler.submit(std::move(request), streams[static_cast<std::size_t>(i)].sink());
    }
    for (auto& s : streams) ASSERT_TRUE(s.wait_finished());
    EXPECT_GE(scheduler.stats().preemptions_total, 1u);
  }
  std::set<int32_t> distinct;
  for (int i = 0; i < 10; ++i) {
    const auto& got = streams[static_cast<std::size_t>(i)];
    EXPECT_EQ(got.tokens(), expected[static_cast<std::size_t>(i)]) << "stream " << i;
    EXPECT_EQ(got.final_output().finish_reason, FinishReason::Length) << "stream " << i;
    EXPECT_EQ(got.after_final(), 0);
    for (int32_t t : got.tokens()) distinct.insert(t);
  }
  EXPECT_GE(distinct.size(), 10u);
}

TEST(LoraScheduler, PrefixCacheIsSharedOnlyWithTheSameAdapter) {
  const auto package = test::tiny_package("lora_sched_prefix", 5);
  const ModelConfig& model = package->model().config();
  ComputePool pool(1);
  const SamplingParams params = test::greedy(8);
  const auto prompt = test::make_prompt(41, model.vocab_size, 7);  // five full blocks of 8
  const auto adapters = four_adapters(model);
  const auto& x = adapters[1];
  const auto& y = adapters[0];

  SchedulerConfig config;
  config.block_size = 8;
  config.max_num_seqs = 4;
  config.kv_cache_bytes = test::kv_bytes(*package, 8, 64);
  Scheduler scheduler(package, pool, config);
  // Runs one sequence to the end; returns its tokens and its cached prompt tokens.
  auto run = [&](std::shared_ptr<const LoraAdapter> adapter, uint64_t salt) {
    Collector out;
    SequenceRequest request{prompt, params};
    request.adapter = std::move(adapter);
    request.cache_salt = salt;
    scheduler.submit(std::move(request), out.sink());
    EXPECT_TRUE(out.wait_finished());
    return std::make_pair(out.tokens(), out.final_output().stats.cached_prompt_tokens);
  };
  const auto first_x = run(x, 0);
  EXPECT_EQ(first_x.second, 0);
  const auto second_x = run(x, 0);
  EXPECT_EQ(second_x.second, 40);
  EXPECT_EQ(second_x.first, first_x.first);
  EXPECT_EQ(scheduler.stats().prefix_cache_hits_total, 40u);

  const auto with_y = run(y, 0);
  EXPECT_EQ(with_y.second, 0);
  EXPECT_EQ(with_y.first, alone(package, pool, prompt, params, y));
  const auto bare = run(nullptr, 0);
  EXPECT_EQ(bare.second, 0);
  EXPECT_EQ(bare.first, alone(package, pool, prompt, params, nullptr));
  EXPECT_NE(bare.first, first_x.first);
  const auto x_salted = run(x, 77);
  EXPECT_EQ(x_salted.second, 0);
  EXPECT_EQ(x_salted.first, first_x.first);
  EXPECT_EQ(scheduler.stats().prefix_cache_hits_total, 40u);
  // Each namespace caches its own blocks: a second run of the bare base and of y hits.
  EXPECT_EQ(run(nullptr, 0).second, 40);
  EXPECT_EQ(run(y, 0).second, 40);
  EXPECT_EQ(scheduler.stats().prefix_cache_hits_total, 120u);
}

TEST(LoraScheduler, AdapterThatDoesNotFitIsRefusedAtSubmit) {
  const auto package = test::tiny_package("lora_sched_misfit", 5);
  const ModelConfig& model = package->model().config();
  ComputePool pool(1);
  SchedulerConfig config;
  config.kv_cache_bytes = test::kv_bytes(*package, 16, 16);
  Scheduler scheduler(package, pool, config);
  const auto prompt = test::make_prompt(5, model.vocab_size, 1);
  for (int64_t layers : {model.num_hidden_layers - 1, model.num_hidden_layers + 1}) {
    SequenceRequest request{prompt, test::greedy(2)};
    request.adapter =
        test::make_random_adapter(model, {.name = "wrong", .layer_count = layers}).adapter;
    Collector out;
    EXPECT_THROW(scheduler.submit(std::move(request), out.sink()), std::invalid_argument) << layers;
  }
  ModelConfig other = model;
  other.intermediate_size += 4;
  SequenceRequest request{prompt, test::greedy(2)};
  request.adapter =
      test::make_random_adapter(other, {.name = "other-base", .targets = {LoraTarget::Down}})
          .adapter;
  Collector out;
  EXPECT_THROW(scheduler.submit(std::move(request), out.sink()), std::invalid_argument);
  EXPECT_EQ(scheduler.stats().waiting, 0);
  // The scheduler still serves.
  Collector fine;
  scheduler.submit({prompt, test::greedy(2)}, fine.sink());
  EXPECT_TRUE(fine.wait_finished());
  EXPECT_EQ(fine.tokens().size(), 2u);
}

TEST(LoraScheduler, RunningSequencesKeepTheirAdapterUntilTheFinalOutput) {
  const auto package = test::tiny_package("lora_sched_lifetime", 5);
  const ModelConfig& model = package->model().config();
  ComputePool pool(1);
  SchedulerConfig config;
  config.block_size = 8;
  config.kv_cache_bytes = test::kv_bytes(*package, 8, 32);
  Scheduler scheduler(package, pool, config);
  auto adapter = test::make_random_adapter(model, {.name = "short-lived"}).adapter;
  const std::weak_ptr<const LoraAdapter> watch = adapter;
  const auto prompt = test::make_prompt(12, model.vocab_size, 3);
  const auto expected = alone(package, pool, prompt, test::greedy(20), adapter);

  std::deque<Collector> streams(2);
  std::atomic<int> alive_at_final{0};
  auto on_final = [&] {
    if (!watch.expired()) ++alive_at_final;
  };
  for (auto& s : streams) {
    SequenceRequest request{prompt, test::greedy(20)};
    request.adapter = adapter;
    scheduler.submit(std::move(request), s.sink(on_final));
  }
  adapter.reset();  // only the running sequences hold it now
  EXPECT_FALSE(watch.expired());
  for (auto& s : streams) ASSERT_TRUE(s.wait_finished());
  EXPECT_EQ(alive_at_final.load(), 2);
  for (auto& s : streams) EXPECT_EQ(s.tokens(), expected);
  // The loop answers a ping after the step that delivered the final outputs has ended.
  std::promise<void> pinged;
  scheduler.ping([&] { pinged.set_value(); });
  pinged.get_future().wait();
  EXPECT_TRUE(watch.expired()) << "the adapter outlived its last sequence";
}

}  // namespace
}  // namespace slipway::engine
