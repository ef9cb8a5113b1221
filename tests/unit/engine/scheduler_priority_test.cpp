// Priorities: background sequences (shadow copies, judge calls) never delay users. Users are
// admitted first, take batch slots and KV blocks from running background sequences, are never
// preempted while a background sequence runs, and everything still returns exactly what it
// returns alone (preemption is by recompute).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <future>
#include <mutex>

#include "engine/scheduling/prefill_plan.h"
#include "scheduler_test_support.h"

namespace slipway::engine {
namespace {

using test::Collector;
using namespace std::chrono_literals;

// The order in which the loop delivered outputs, one character per output and sequence.
class EventLog {
 public:
  OutputSink tag(char c, OutputSink inner) {
    return [this, c, inner](SequenceOutput&& out) {
      {
        std::lock_guard lock(mu_);
        events_ += c;
      }
      inner(std::move(out));
    };
  }
  std::string events() const {
    std::lock_guard lock(mu_);
    return events_;
  }

 private:
  mutable std::mutex mu_;
  std::string events_;
};

// Holds the loop thread once, inside a sequence's sink at its nth output, until released: the
// test then submits while the scheduler is at a known point.
class LoopHold {
 public:
  OutputSink at_output(int n, OutputSink inner) {
    return [this, n, inner](SequenceOutput&& out) {
      if (++outputs_ == n) {
        holding_.set_value();
        released_.wait();
      }
      inner(std::move(out));
    };
  }
  bool wait_holding() { return holding_.get_future().wait_for(120s) == std::future_status::ready; }
  void release() { release_.set_value(); }

 private:
  std::atomic<int> outputs_{0};
  std::promise<void> holding_;
  std::promise<void> release_;
  std::shared_future<void> released_ = release_.get_future().share();
};

// Holds the loop thread inside a ping from construction until release(), so everything
// submitted meanwhile is waiting together at the next step.
class PausedLoop {
 public:
  explicit PausedLoop(Scheduler& scheduler) {
    scheduler.ping([this, released = released_] {
      holding_.set_value();
      released.wait();
    });
    holding_.get_future().wait();
  }
  void release() { release_.set_value(); }

 private:
  std::promise<void> holding_;  // a member: the loop thread may still be inside set_value()
  std::promise<void> release_;
  std::shared_future<void> released_ = release_.get_future().share();
};

SequenceRequest request(std::vector<int32_t> prompt, SamplingParams params, Priority priority) {
  SequenceRequest out{std::move(prompt), std::move(params)};
  out.priority = priority;
  return out;
}

// Greedy with a presence penalty: random tiny models otherwise settle into short loops.
SamplingParams varied(int64_t max_tokens) {
  SamplingParams params = test::greedy(max_tokens);
  params.presence_penalty = 2.0;
  return params;
}

// Outputs of the given sequences from `from` up to the first output of `tag`.
int64_t outputs_before(const std::string& events, std::size_t from, char tag,
                       const std::string& of) {
  const auto end = events.find(tag, from);
  EXPECT_NE(end, std::string::npos) << events;
  return std::count_if(events.begin() + static_cast<std::ptrdiff_t>(from),
                       events.begin() + static_cast<std::ptrdiff_t>(end),
                       [&](char c) { return of.find(c) != std::string::npos; });
}

TEST(SchedulerPriority, UserTakesABatchSlotFromAShadowAtTheNextStep) {
  const auto package = test::tiny_package("sched_prio_slot", 21);
  ComputePool pool(1);
  const int64_t vocab = package->model().config().vocab_size;
  const auto shadow_params = varied(80);
  const auto user_params = varied(8);
  const auto prompt_a = test::make_prompt(12, vocab, 1);
  const auto prompt_b = test::make_prompt(14, vocab, 2);
  const auto prompt_u = test::make_prompt(6, vocab, 3);

  SchedulerConfig config;
  config.block_size = 8;
  config.max_num_seqs = 2;  // the two shadows fill the batch
  config.max_batch_tokens = 64;
  config.kv_cache_bytes = test::kv_bytes(*package, 8, 64);  // blocks are never short
  Collector a, b, user;
  EventLog log;
  LoopHold hold;
  std::size_t mark = 0;
  {
    Scheduler scheduler(package, pool, config);
    // Held at the second shadow's output: the first may run alone for a few steps before the
    // second arrives (a loaded machine), but by b's third output both are in the batch.
    scheduler.submit(request(prompt_a, shadow_params, Priority::Shadow), log.tag('a', a.sink()));
    scheduler.submit(request(prompt_b, shadow_params, Priority::Shadow),
                     log.tag('b', hold.at_output(3, b.sink())));
    ASSERT_TRUE(hold.wait_holding());
    EXPECT_EQ(scheduler.stats().running_background, 2);
    EXPECT_EQ(scheduler.stats().running, 2);
    mark = log.events().size();
    scheduler.submit(request(prompt_u, user_params, Priority::User), log.tag('U', user.sink()));
    hold.release();
    for (auto* c : {&a, &b, &user}) ASSERT_TRUE(c->wait_finished());
    EXPECT_GE(scheduler.stats().preemptions_total, 1u);
    EXPECT_EQ(scheduler.stats().running_background, 0);
  }
  // The rest of the held step (b's output), then the next step: a's token and the user's first.
  EXPECT_LE(outputs_before(log.events(), mark, 'U', "ab"), 2) << log.events();
  EXPECT_EQ(b.final_output().stats.preemptions, 1);  // the newest shadow made room
  EXPECT_EQ(a.final_output().stats.preemptions, 0);
  EXPECT_EQ(user.final_output().stats.preemptions, 0);
  test::expect_same_as_alone(a, generate(*package, pool, prompt_a, shadow_params), "shadow a");
  test::expect_same_as_alone(b, generate(*package, pool, prompt_b, shadow_params), "shadow b");
  test::expect_same_as_alone(user, generate(*package, pool, prompt_u, user_params), "user");
}

TEST(SchedulerPriority, WaitingUsersAreAdmittedBeforeShadowsThatArrivedEarlier) {
  const auto package = test::tiny_package("sched_prio_order", 22);
  ComputePool pool(1);
  const int64_t vocab = package->model().config().vocab_size;
  SchedulerConfig config;
  config.block_size = 8;
  config.max_num_seqs = 1;  // one at a time: the admission order is the output order
  config.kv_cache_bytes = test::kv_bytes(*package, 8, 64);
  EventLog log;
  std::vector<Collector> streams(4);
  {
    Scheduler scheduler(package, pool, config);
    PausedLoop paused(scheduler);
    // Arrival order: shadow s, user u, shadow t, user v.
    const std::string tags = "sutv";
    for (std::size_t i = 0; i < tags.size(); ++i) {
      const Priority priority =
          tags[i] == 's' || tags[i] == 't' ? Priority::Shadow : Priority::User;
      scheduler.submit(
          request(test::make_prompt(5, vocab, static_cast<uint32_t>(i)), test::greedy(3), priority),
          log.tag(tags[i], streams[i].sink()));
    }
    paused.release();
    for (auto& s : streams) ASSERT_TRUE(s.wait_finished());
  }
  EXPECT_EQ(log.events(), "uuuvvvsssttt");
}

TEST(SchedulerPriority, UserTakesKvBlocksFromARunningShadow) {
  const auto package = test::tiny_package("sched_prio_blocks", 23);
  ComputePool pool(1);
  const int64_t vocab = package->model().config().vocab_size;
  const auto shadow_params = varied(60);  // 20 + 60 positions: 10 blocks at the end
  const auto user_params = varied(8);     // 48 + 8 positions: 7 blocks
  const auto prompt_s = test::make_prompt(20, vocab, 4);
  const auto prompt_u = test::make_prompt(48, vocab, 5);

  SchedulerConfig config;
  config.block_size = 8;
  config.max_num_seqs = 8;
  config.max_batch_tokens = 64;
  config.kv_cache_bytes = test::kv_bytes(*package, 8, 12);
  Collector shadow, user;
  EventLog log;
  LoopHold hold;
  std::size_t mark = 0;
  {
    Scheduler scheduler(package, pool, config);
    // At its 30th token the shadow holds 7 of the 12 blocks; the user's prompt needs 6.
    scheduler.submit(request(prompt_s, shadow_params, Priority::Shadow),
                     log.tag('s', hold.at_output(30, shadow.sink())));
    ASSERT_TRUE(hold.wait_holding());
    mark = log.events().size();
    scheduler.submit(request(prompt_u, user_params, Priority::User), log.tag('U', user.sink()));
    hold.release();
    ASSERT_TRUE(shadow.wait_finished());
    ASSERT_TRUE(user.wait_finished());
    EXPECT_EQ(scheduler.stats().kv_blocks_used, 0);
  }
  EXPECT_EQ(outputs_before(log.events(), mark, 'U', "s"), 0) << log.events();
  EXPECT_EQ(shadow.final_output().stats.preemptions, 1);
  EXPECT_EQ(user.final_output().stats.preemptions, 0);
  test::expect_same_as_alone(shadow, generate(*package, pool, prompt_s, shadow_params), "shadow");
  test::expect_same_as_alone(user, generate(*package, pool, prompt_u, user_params), "user");
}

TEST(SchedulerPriority, UsersAreNeverPreemptedWhileAShadowRuns) {
  const auto package = test::tiny_package("sched_prio_growth", 24);
  ComputePool pool(1);
  const int64_t vocab = package->model().config().vocab_size;
  const auto shadow_params = varied(60);  // 10 + 60 positions: 9 blocks each
  const auto user_params = varied(40);    // 10 + 40 positions: 7 blocks
  const auto prompt_a = test::make_prompt(10, vocab, 6);
  const auto prompt_b = test::make_prompt(10, vocab, 7);
  const auto prompt_u = test::make_prompt(10, vocab, 8);

  SchedulerConfig config;
  config.block_size = 8;
  config.max_num_seqs = 8;
  config.kv_cache_bytes = test::kv_bytes(*package, 8, 14);  // far less than 9 + 9 + 7
  Collector a, b, user;
  LoopHold hold;
  {
    Scheduler scheduler(package, pool, config);
    scheduler.submit(request(prompt_a, shadow_params, Priority::Shadow),
                     hold.at_output(2, a.sink()));
    scheduler.submit(request(prompt_b, shadow_params, Priority::Shadow), b.sink());
    ASSERT_TRUE(hold.wait_holding());
    // Admitted last, the user is the newest running sequence: without priorities it would be
    // the first victim when the blocks run out.
    scheduler.submit(request(prompt_u, user_params, Priority::User), user.sink());
    hold.release();
    for (auto* c : {&a, &b, &user}) ASSERT_TRUE(c->wait_finished());
    EXPECT_GE(scheduler.stats().preemptions_total, 1u);
  }
  EXPECT_EQ(user.final_output().stats.preemptions, 0);
  EXPECT_GE(a.final_output().stats.preemptions + b.final_output().stats.preemptions, 1);
  test::expect_same_as_alone(a, generate(*package, pool, prompt_a, shadow_params), "shadow a");
  test::expect_same_as_alone(b, generate(*package, pool, prompt_b, shadow_params), "shadow b");
  test::expect_same_as_alone(user, generate(*package, pool, prompt_u, user_params), "user");
}

TEST(SchedulerPriority, BackgroundWorkCannotFillTheQueueAgainstUsers) {
  const auto package = test::tiny_package("sched_prio_queue", 25);
  ComputePool pool(1);
  SchedulerConfig config;
  config.block_size = 8;
  config.max_waiting = 2;
  config.kv_cache_bytes = test::kv_bytes(*package, 8, 64);
  const auto prompt = test::make_prompt(5, package->model().config().vocab_size, 9);
  std::vector<Collector> streams(4);
  Scheduler scheduler(package, pool, config);
  PausedLoop paused(scheduler);
  scheduler.submit(request(prompt, test::greedy(2), Priority::Shadow), streams[0].sink());
  scheduler.submit(request(prompt, test::greedy(2), Priority::Judge), streams[1].sink());
  EXPECT_THROW(scheduler.submit(request(prompt, test::greedy(2), Priority::Shadow), {}), QueueFull);
  scheduler.submit(request(prompt, test::greedy(2), Priority::User), streams[2].sink());
  scheduler.submit(request(prompt, test::greedy(2), Priority::User), streams[3].sink());
  EXPECT_THROW(scheduler.submit(request(prompt, test::greedy(2), Priority::User), {}), QueueFull);
  paused.release();
  for (auto& s : streams) ASSERT_TRUE(s.wait_finished());
  EXPECT_EQ(streams[0].tokens(), streams[2].tokens());
}

TEST(SchedulerPriority, PromptBudgetGoesToHigherPrioritiesFirst) {
  using scheduling::plan_prefill;
  using scheduling::PrefillCandidate;
  const int user = static_cast<int>(Priority::User);
  const int shadow = static_cast<int>(Priority::Shadow);
  // A short shadow prompt admitted first still waits for the user's.
  std::vector<PrefillCandidate> c{{10, 0, 0, shadow}, {100, 0, 1, user}};
  EXPECT_EQ(plan_prefill(c, 64), (std::vector<int64_t>{0, 64}));
  EXPECT_EQ(plan_prefill(c, 110), (std::vector<int64_t>{10, 100}));
  // Starvation moves a prompt ahead within its priority only.
  c[0].starved_steps = scheduling::kMaxStarvedSteps;
  EXPECT_EQ(plan_prefill(c, 64), (std::vector<int64_t>{0, 64}));
  // Two judge prompts and a user one: the user's first, then the shorter judge prompt.
  const int judge = static_cast<int>(Priority::Judge);
  std::vector<PrefillCandidate> three{{30, 0, 0, judge}, {20, 0, 1, judge}, {40, 0, 2, user}};
  EXPECT_EQ(plan_prefill(three, 60), (std::vector<int64_t>{0, 20, 40}));
}

}  // namespace
}  // namespace slipway::engine
