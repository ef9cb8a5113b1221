// Continuous batching: streams that join at different moments, share the batch, are chunked,
// preempted and recomputed, or reuse a cached prefix return exactly what each returns alone.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <deque>
#include <future>
#include <mutex>

#include "scheduler_test_support.h"

namespace slipway::engine {
namespace {

using test::Collector;

TEST(SchedulerBatching, SixteenStaggeredStreamsMatchAloneDespitePreemption) {
  const auto package = test::tiny_package("sched_sixteen", 11);
  ComputePool pool(1);
  const int64_t vocab = package->model().config().vocab_size;
  // Greedy with a presence penalty: random tiny models otherwise settle into short loops.
  SamplingParams params = test::greedy(24);
  params.presence_penalty = 2.0;

  std::vector<std::vector<int32_t>> prompts;
  std::vector<GenerationResult> alone;
  for (int i = 0; i < 16; ++i) {
    prompts.push_back(test::make_prompt(3 + 11 * i, vocab, 100 + static_cast<uint32_t>(i)));
    alone.push_back(generate(*package, pool, prompts.back(), params));
    ASSERT_GE(test::distinct(alone.back().tokens), 10u) << "stream " << i;
  }

  SchedulerConfig config;
  config.block_size = 8;
  config.max_num_seqs = 16;
  config.max_batch_tokens = 64;
  // The longest stream needs 24 blocks; all sixteen together need far more than 40.
  config.kv_cache_bytes = test::kv_bytes(*package, 8, 40);
  std::deque<Collector> streams(16);
  {
    Scheduler scheduler(package, pool, config);
    // Four waves, each submitted once the previous one is producing tokens.
    for (int wave = 0; wave < 4; ++wave) {
      for (int j = 0; j < 4; ++j) {
        const int i = wave * 4 + j;
        SequenceRequest request{prompts[i], params};
        scheduler.submit(std::move(request), streams[i].sink());
      }
      ASSERT_TRUE(streams[wave * 4].wait_outputs(3));
    }
    for (auto& s : streams) ASSERT_TRUE(s.wait_finished());
    const auto stats = scheduler.stats();
    EXPECT_GE(stats.preemptions_total, 1u);
    EXPECT_EQ(stats.running, 0);
    EXPECT_EQ(stats.kv_blocks_used, 0);
    EXPECT_EQ(stats.kv_blocks_total, 40);
  }
  int preempted_streams = 0;
  for (int i = 0; i < 16; ++i) {
    test::expect_same_as_alone(streams[i], alone[i], "stream " + std::to_string(i));
    preempted_streams += streams[i].final_output().stats.preemptions > 0 ? 1 : 0;
    EXPECT_EQ(streams[i].final_output().stats.completion_tokens, 24);
    EXPECT_EQ(streams[i].final_output().stats.prompt_tokens, 3 + 11 * i);
  }
  EXPECT_GE(preempted_streams, 1);
}

TEST(SchedulerBatching, SharedSystemPromptIsServedFromThePrefixCache) {
  const auto package = test::tiny_package("sched_prefix", 5);
  ComputePool pool(1);
  const int64_t vocab = package->model().config().vocab_size;
  const SamplingParams params = test::greedy(12);
  const auto system = test::make_prompt(40, vocab, 7);  // five full blocks of 8

  std::vector<std::vector<int32_t>> prompts;
  for (uint32_t i = 0; i < 4; ++i) {
    auto prompt = system;
    const auto user = test::make_prompt(5 + i, vocab, 50 + i);
    prompt.insert(prompt.end(), user.begin(), user.end());
    prompts.push_back(prompt);
  }
  SchedulerConfig config;
  config.block_size = 8;
  config.max_num_seqs = 4;
  config.kv_cache_bytes = test::kv_bytes(*package, 8, 64);
  std::deque<Collector> streams(5);
  Scheduler scheduler(package, pool, config);
  scheduler.submit({prompts[0], params}, streams[0].sink());
  ASSERT_TRUE(streams[0].wait_finished());
  EXPECT_GT(scheduler.stats().kv_blocks_cached, 0);
  for (int i = 1; i < 4; ++i) scheduler.submit({prompts[i], params}, streams[i].sink());
  // The same tokens under another salt (e.g. another adapter) must not share blocks.
  SequenceRequest salted{prompts[1], params};
  salted.cache_salt = 99;
  scheduler.submit(std::move(salted), streams[4].sink());
  for (auto& s : streams) ASSERT_TRUE(s.wait_finished());

  for (int i = 0; i < 4; ++i) {
    const auto alone = generate(*package, pool, prompts[i], params);
    test::expect_same_as_alone(streams[i], alone, "stream " + std::to_string(i));
    EXPECT_EQ(streams[i].final_output().stats.cached_prompt_tokens, i == 0 ? 0 : 40) << i;
  }
  EXPECT_EQ(streams[4].final_output().stats.cached_prompt_tokens, 0);
  EXPECT_EQ(streams[4].tokens(), streams[1].tokens());
  const auto stats = scheduler.stats();
  EXPECT_EQ(stats.prefix_cache_hits_total, 3u * 40u);
  uint64_t queried = 0;
  for (const auto& p : prompts) queried += p.size();
  EXPECT_EQ(stats.prefix_cache_queries_total, queried + prompts[1].size());
  EXPECT_EQ(stats.kv_blocks_used, 0);
}

TEST(SchedulerBatching, PrefixCachingOffNeverHits) {
  const auto package = test::tiny_package("sched_prefix_off", 5);
  ComputePool pool(1);
  const auto prompt = test::make_prompt(40, package->model().config().vocab_size, 7);
  SchedulerConfig config;
  config.block_size = 8;
  config.prefix_caching = false;
  config.kv_cache_bytes = test::kv_bytes(*package, 8, 32);
  std::deque<Collector> streams(2);
  Scheduler scheduler(package, pool, config);
  for (auto& s : streams) {
    scheduler.submit({prompt, test::greedy(4)}, s.sink());
    ASSERT_TRUE(s.wait_finished());
  }
  EXPECT_EQ(streams[1].final_output().stats.cached_prompt_tokens, 0);
  EXPECT_EQ(scheduler.stats().prefix_cache_hits_total, 0u);
  EXPECT_EQ(scheduler.stats().kv_blocks_cached, 0);
  EXPECT_EQ(streams[0].tokens(), streams[1].tokens());
}

TEST(SchedulerBatching, LongPromptIsChunkedWhileAnotherStreamKeepsDecoding) {
  const auto package = test::tiny_package("sched_chunked", 3);
  ComputePool pool(1);
  const int64_t vocab = package->model().config().vocab_size;
  SchedulerConfig config;
  config.block_size = 16;
  config.max_batch_tokens = 64;
  config.kv_cache_bytes = test::kv_bytes(*package, 16, 128);

  // Order of events: 'd' an output of the decoding stream, 'L' the long prompt's first token.
  std::mutex mu;
  std::string events;
  Collector decoding, longer;
  const auto long_prompt = test::make_prompt(640, vocab, 9);
  const auto short_prompt = test::make_prompt(6, vocab, 10);
  {
    Scheduler scheduler(package, pool, config);
    auto decode_sink = decoding.sink();
    scheduler.submit({short_prompt, test::greedy(200)}, [&, decode_sink](SequenceOutput&& out) {
      {
        std::lock_guard lock(mu);
        events += 'd';
      }
      decode_sink(std::move(out));
    });
    ASSERT_TRUE(decoding.wait_outputs(2));
    const auto steps_before = scheduler.stats().steps_total;
    auto long_sink = longer.sink();
    scheduler.submit({long_prompt, test::greedy(2)}, [&, long_sink](SequenceOutput&& out) {
      {
        std::lock_guard lock(mu);
        events += 'L';
      }
      long_sink(std::move(out));
    });
    ASSERT_TRUE(longer.wait_finished());
    // 640 prompt tokens at most 63 a step (one row goes to the decoding stream).
    EXPECT_GE(scheduler.stats().steps_total - steps_before, 11u);
    EXPECT_FALSE(decoding.finished());
  }
  const auto first_long = events.find('L');
  ASSERT_NE(first_long, std::string::npos);
  // The decoding stream got a token at every step of the long prefill.
  EXPECT_GE(
      std::count(events.begin(), events.begin() + static_cast<std::ptrdiff_t>(first_long), 'd'),
      2 + 10);
  EXPECT_EQ(longer.tokens(), generate(*package, pool, long_prompt, test::greedy(2)).tokens);
}

TEST(SchedulerBatching, ShortPromptIsNotStuckBehindALongOne) {
  const auto package = test::tiny_package("sched_short_first", 3);
  ComputePool pool(1);
  const int64_t vocab = package->model().config().vocab_size;
  SchedulerConfig config;
  config.block_size = 16;
  config.max_batch_tokens = 32;
  config.kv_cache_bytes = test::kv_bytes(*package, 16, 128);
  std::mutex mu;
  std::string events;
  auto tag = [&](char c, OutputSink inner) {
    return [&, c, inner](SequenceOutput&& out) {
      {
        std::lock_guard lock(mu);
        events += c;
      }
      inner(std::move(out));
    };
  };
  Collector longer, shorter;
  {
    Scheduler scheduler(package, pool, config);
    // Hold the loop so both arrive in the same step, the long one first.
    std::promise<void> release;
    std::promise<void> holding;
    scheduler.ping([&] {
      holding.set_value();
      release.get_future().wait();
    });
    holding.get_future().wait();
    scheduler.submit({test::make_prompt(600, vocab, 1), test::greedy(1)}, tag('L', longer.sink()));
    // Steps counted when the short prompt finishes: it is served by the very first step.
    std::atomic<int64_t> steps_at_short{-1};
    scheduler.submit({test::make_prompt(5, vocab, 2), test::greedy(1)}, tag('S', shorter.sink([&] {
                       steps_at_short = static_cast<int64_t>(scheduler.stats().steps_total);
                     })));
    release.set_value();
    ASSERT_TRUE(longer.wait_finished());
    ASSERT_TRUE(shorter.wait_finished());
    EXPECT_EQ(steps_at_short.load(), 1);
  }
  EXPECT_EQ(events, "SL");
}

}  // namespace
}  // namespace slipway::engine
