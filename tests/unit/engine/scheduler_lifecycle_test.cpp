// A sequence's life in the scheduler: validation, the bounded queue, abort, deadlines, stop
// conditions (the same as generation.cpp), pings and shutdown.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <future>
#include <thread>

#include "scheduler_test_support.h"

namespace slipway::engine {
namespace {

using test::Collector;
using namespace std::chrono_literals;

SchedulerConfig small_config(const ModelPackage& package, int64_t blocks = 64) {
  SchedulerConfig config;
  config.block_size = 8;
  config.kv_cache_bytes = test::kv_bytes(package, 8, blocks);
  return config;
}

TEST(SchedulerLifecycle, RejectsRequestsThatCanNeverRun) {
  const auto package = test::tiny_package("sched_reject", 1);
  ComputePool pool(1);
  Scheduler scheduler(package, pool, small_config(*package, 16));  // 128 positions
  const int64_t vocab = package->model().config().vocab_size;
  const int64_t context = package->model().config().max_position_embeddings;
  auto submit = [&](std::vector<int32_t> prompt, int64_t max_tokens) {
    scheduler.submit({std::move(prompt), test::greedy(max_tokens)}, {});
  };
  EXPECT_THROW(submit({}, 4), std::invalid_argument);
  EXPECT_THROW(submit({1, static_cast<int32_t>(vocab)}, 4), std::invalid_argument);
  EXPECT_THROW(submit({-1}, 4), std::invalid_argument);
  EXPECT_THROW(submit({1, 2}, 0), std::invalid_argument);
  EXPECT_THROW(submit(test::make_prompt(100, vocab, 1), 29), std::invalid_argument);  // > cache
  EXPECT_THROW(submit({1}, context), std::invalid_argument);                          // > context
  EXPECT_NO_THROW(submit(test::make_prompt(100, vocab, 1), 28));
}

TEST(SchedulerLifecycle, AbortFreesBlocksBeforeTheFinalOutput) {
  const auto package = test::tiny_package("sched_abort", 2);
  ComputePool pool(1);
  Scheduler scheduler(package, pool, small_config(*package));
  Collector stream;
  std::atomic<int64_t> used_at_final{-1};
  const auto prompt = test::make_prompt(30, package->model().config().vocab_size, 3);
  const auto id =
      scheduler.submit({prompt, test::greedy(400)},
                       stream.sink([&] { used_at_final = scheduler.stats().kv_blocks_used; }));
  ASSERT_TRUE(stream.wait_outputs(3));
  EXPECT_GT(scheduler.stats().kv_blocks_used, 0);
  scheduler.abort(id);
  ASSERT_TRUE(stream.wait_finished());
  EXPECT_EQ(used_at_final.load(), 0);
  EXPECT_EQ(scheduler.stats().kv_blocks_used, 0);
  EXPECT_EQ(stream.final_output().finish_reason, FinishReason::Abort);
  EXPECT_LT(stream.final_output().stats.completion_tokens, 400);
  scheduler.abort(id);  // finished ids are ignored
  scheduler.abort(12345);
  std::promise<void> pong;
  scheduler.ping([&] { pong.set_value(); });
  ASSERT_EQ(pong.get_future().wait_for(30s), std::future_status::ready);
  EXPECT_EQ(stream.after_final(), 0);
}

TEST(SchedulerLifecycle, QueueFullWhenTheWaitingQueueIsAtItsBound) {
  const auto package = test::tiny_package("sched_queue_full", 2);
  ComputePool pool(1);
  auto config = small_config(*package);
  config.max_waiting = 2;
  Scheduler scheduler(package, pool, config);
  const auto prompt = test::make_prompt(5, package->model().config().vocab_size, 4);
  // Hold the loop so nothing leaves the queue while it fills.
  std::promise<void> release, holding;
  auto released = release.get_future().share();
  scheduler.ping([&, released] {
    holding.set_value();
    released.wait();
  });
  holding.get_future().wait();
  std::deque<Collector> streams(3);
  scheduler.submit({prompt, test::greedy(3)}, streams[0].sink());
  scheduler.submit({prompt, test::greedy(3)}, streams[1].sink());
  EXPECT_THROW(scheduler.submit({prompt, test::greedy(3)}, streams[2].sink()), QueueFull);
  release.set_value();
  ASSERT_TRUE(streams[0].wait_finished());
  ASSERT_TRUE(streams[1].wait_finished());
  EXPECT_NO_THROW(scheduler.submit({prompt, test::greedy(3)}, streams[2].sink()));
  ASSERT_TRUE(streams[2].wait_finished());
  EXPECT_EQ(streams[2].final_output().finish_reason, FinishReason::Length);
}

TEST(SchedulerLifecycle, DeadlineEndsWithTimeoutOnTheInjectedClock) {
  const auto package = test::tiny_package("sched_timeout", 2);
  ComputePool pool(1);
  const auto start = std::chrono::steady_clock::time_point{} + 1000h;
  std::atomic<int64_t> offset_ms{0};
  auto config = small_config(*package);
  config.clock = [&] { return start + std::chrono::milliseconds(offset_ms.load()); };
  Scheduler scheduler(package, pool, config);
  const auto prompt = test::make_prompt(12, package->model().config().vocab_size, 5);
  Collector stream;
  SequenceRequest request{prompt, test::greedy(400)};
  request.deadline = start + 10s;
  scheduler.submit(std::move(request), stream.sink());
  ASSERT_TRUE(stream.wait_outputs(3));
  EXPECT_FALSE(stream.finished());
  offset_ms = 10'000;
  ASSERT_TRUE(stream.wait_finished());
  const auto final_output = stream.final_output();
  EXPECT_EQ(final_output.finish_reason, FinishReason::Timeout);
  EXPECT_LT(final_output.stats.completion_tokens, 400);
  EXPECT_DOUBLE_EQ(final_output.stats.total_seconds, 10.0);
  EXPECT_DOUBLE_EQ(final_output.stats.queue_seconds, 0.0);
  EXPECT_EQ(scheduler.stats().kv_blocks_used, 0);
}

TEST(SchedulerLifecycle, StopStringsStopTokensAndEosBehaveAsGeneration) {
  const auto package = test::tiny_package("sched_stops", 5);
  ComputePool pool(1);
  const int64_t vocab = package->model().config().vocab_size;
  Scheduler scheduler(package, pool, small_config(*package, 128));
  std::deque<Collector> streams;
  std::vector<SamplingParams> cases;
  std::vector<std::vector<int32_t>> prompts;

  // A stop string from the middle of the text a stream produces without one.
  const auto prompt = test::make_prompt(9, vocab, 21);
  const auto plain = generate(*package, pool, prompt, test::greedy(30));
  ASSERT_GE(plain.text.size(), 12u);
  auto with_stop = test::greedy(30);
  with_stop.stop = {plain.text.substr(plain.text.size() / 2, 3), "\x01never"};
  cases.push_back(with_stop);
  prompts.push_back(prompt);
  // A stop token: the fifth generated id.
  auto with_stop_token = test::greedy(30);
  with_stop_token.stop_token_ids = {plain.tokens[4]};
  cases.push_back(with_stop_token);
  prompts.push_back(prompt);

  // A prompt whose greedy continuation reaches an EOS id, honoured and ignored.
  bool found_eos = false;
  for (uint32_t seed = 0; seed < 200 && !found_eos; ++seed) {
    const auto p = test::make_prompt(4 + seed % 7, vocab, 1000 + seed);
    const auto r = generate(*package, pool, p, test::greedy(40, false));
    if (r.finish_reason == FinishReason::Stop) {
      found_eos = true;
      cases.push_back(test::greedy(40, false));
      prompts.push_back(p);
      cases.push_back(test::greedy(40, true));
      prompts.push_back(p);
    }
  }
  ASSERT_TRUE(found_eos) << "no prompt reaches EOS within 40 tokens on this model";

  streams.resize(cases.size());
  for (std::size_t i = 0; i < cases.size(); ++i)
    scheduler.submit({prompts[i], cases[i]}, streams[i].sink());
  for (std::size_t i = 0; i < cases.size(); ++i) {
    ASSERT_TRUE(streams[i].wait_finished());
    const auto alone = generate(*package, pool, prompts[i], cases[i]);
    test::expect_same_as_alone(streams[i], alone, "case " + std::to_string(i));
  }
  EXPECT_EQ(streams[0].final_output().finish_reason, FinishReason::Stop);
  EXPECT_EQ(streams[0].text().find(with_stop.stop[0]), std::string::npos);
  EXPECT_LT(streams[0].tokens().size(), 30u);
  EXPECT_EQ(streams[1].tokens().size(), 5u);
  EXPECT_EQ(streams[1].final_output().finish_reason, FinishReason::Stop);
  EXPECT_EQ(streams[2].final_output().finish_reason, FinishReason::Stop);
  EXPECT_EQ(streams[3].final_output().finish_reason, FinishReason::Length);
  EXPECT_GT(streams[3].tokens().size(), streams[2].tokens().size());
}

TEST(SchedulerLifecycle, PingIsAnsweredByTheLoop) {
  const auto package = test::tiny_package("sched_ping", 2);
  ComputePool pool(1);
  Scheduler scheduler(package, pool, small_config(*package));
  std::promise<std::thread::id> pong;
  scheduler.ping([&] { pong.set_value(std::this_thread::get_id()); });
  auto answered = pong.get_future();
  ASSERT_EQ(answered.wait_for(30s), std::future_status::ready);
  EXPECT_TRUE(answered.get() != std::this_thread::get_id());  // on the loop thread
  EXPECT_TRUE(scheduler.stats().loop_alive);
}

TEST(SchedulerLifecycle, DestructorAbortsEveryUnfinishedSequence) {
  const auto package = test::tiny_package("sched_destructor", 2);
  ComputePool pool(1);
  auto config = small_config(*package);
  config.max_num_seqs = 1;  // the others stay waiting
  const auto prompt = test::make_prompt(10, package->model().config().vocab_size, 8);
  std::deque<Collector> streams(3);
  {
    Scheduler scheduler(package, pool, config);
    for (auto& s : streams) scheduler.submit({prompt, test::greedy(400)}, s.sink());
    ASSERT_TRUE(streams[0].wait_outputs(2));
    // The loop may take the later submissions in a later step: wait until it has seen them.
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (scheduler.stats().waiting < 2 && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    EXPECT_EQ(scheduler.stats().running, 1);
    EXPECT_EQ(scheduler.stats().waiting, 2);
  }
  for (auto& s : streams) {
    ASSERT_TRUE(s.finished());
    EXPECT_EQ(s.final_output().finish_reason, FinishReason::Abort);
    EXPECT_EQ(s.after_final(), 0);
  }
  EXPECT_EQ(streams[1].outputs(), 1);
}

}  // namespace
}  // namespace slipway::engine
