#include "engine/scheduler.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "engine/forward_pass.h"
#include "engine/kv_cache.h"
#include "engine/lora/lora_fit.h"
#include "engine/scheduling/block_pool.h"
#include "engine/scheduling/prefill_plan.h"
#include "engine/scheduling/sequence.h"

namespace slipway::engine {
namespace {

using scheduling::Sequence;
using scheduling::TimePoint;

constexpr int64_t kDefaultTokensPerSequence = 2048;
constexpr int64_t kMaxDefaultCacheBytes = int64_t{2} << 30;
// A step with no row to run (nothing fits yet) waits this long before trying again.
constexpr auto kIdleRetry = std::chrono::milliseconds(5);

// The prefix-cache namespace of a sequence: its caller's salt and its adapter (blocks computed
// with one adapter hold keys and values no other adapter would produce).
uint64_t adapter_id(const Sequence& seq) {
  return seq.request().adapter ? seq.request().adapter->id() : 0;
}

uint64_t hash_salt(const Sequence& seq) {
  const uint64_t adapter = adapter_id(seq);
  // Mixed in so that blocks of different adapters hash apart; the block key still compares
  // the salt and the adapter exactly.
  return seq.request().cache_salt ^ (adapter == 0 ? 0 : (adapter * 0x9E3779B97F4A7C15ull) | 1);
}

// Lower ranks go first; everything above User is background work.
int rank(const Sequence& seq) {
  return static_cast<int>(seq.request().priority);
}

bool background(const Sequence& seq) {
  return seq.request().priority != Priority::User;
}

int64_t blocks_for(int64_t tokens, int64_t block_size) {
  return (tokens + block_size - 1) / block_size;
}

SchedulerConfig checked(SchedulerConfig c) {
  if (c.block_size <= 0 || c.max_num_seqs <= 0 || c.max_batch_tokens <= 0 || c.max_waiting < 0 ||
      c.kv_cache_bytes < 0)
    throw std::invalid_argument(
        "scheduler: block_size, max_num_seqs and max_batch_tokens must be positive, "
        "max_waiting and kv_cache_bytes not negative");
  if (!c.clock) c.clock = [] { return std::chrono::steady_clock::now(); };
  return c;
}

int64_t cache_blocks(const SchedulerConfig& c, const ModelConfig& model) {
  const auto per_block = static_cast<int64_t>(KvCache::bytes_per_block(model, c.block_size));
  int64_t bytes = c.kv_cache_bytes;
  if (bytes == 0) {
    const int64_t tokens = std::min(kDefaultTokensPerSequence, model.max_position_embeddings);
    bytes = std::min(kMaxDefaultCacheBytes,
                     c.max_num_seqs * blocks_for(tokens, c.block_size) * per_block);
  }
  return bytes / per_block;
}

// What admitting a sequence takes: its blocks, the prefix-cache blocks it can share, and how
// many of those are cached (unowned, so sharing them uses up available blocks).
struct AdmissionPlan {
  int64_t need = 0;
  std::vector<int32_t> hits;
  int64_t unowned_hits = 0;

  // Blocks missing beyond what the pool can hand out now; <= 0 when it fits.
  int64_t shortfall(const scheduling::BlockPool& pool) const {
    return need - static_cast<int64_t>(hits.size()) - (pool.available() - unowned_hits);
  }
};

}  // namespace

struct Scheduler::Impl {
  Impl(std::shared_ptr<const ModelPackage> package_in, ComputePool& pool, SchedulerConfig cfg)
      : package(std::move(package_in)),
        config(checked(std::move(cfg))),
        cache(package->model().config(), config.block_size,
              cache_blocks(config, package->model().config())),
        forward(package->model_ptr(), cache, pool),
        blocks(cache.num_blocks()) {
    published.kv_blocks_total = cache.num_blocks();
    published.block_size = config.block_size;
    counters = published;
    thread = std::thread([this] { run_loop(); });
  }

  void run_loop();
  bool step();
  bool reserve_growth();
  void admit();
  AdmissionPlan plan_admission(Sequence& seq);
  bool try_admit(Sequence& seq);
  bool make_room(Sequence& seq);
  Sequence* pick_victim() const;
  void preempt(Sequence& victim);
  void enqueue(Sequence* seq);
  void requeue_preempted(Sequence* seq);
  void register_prefix_blocks(Sequence& seq);
  scheduling::BlockKey block_key(const Sequence& seq, int64_t index) const;
  void expire_deadlines();
  void retire(Sequence& seq, SequenceOutput output);
  void retire_all(FinishReason reason, const std::string& error);
  void free_blocks(Sequence& seq);
  void publish();

  std::shared_ptr<const ModelPackage> package;
  const SchedulerConfig config;
  KvCache cache;
  ForwardPass forward;
  scheduling::BlockPool blocks;

  // Shared with callers, under mu.
  mutable std::mutex mu;
  std::condition_variable wake;
  std::vector<std::unique_ptr<Sequence>> inbox;
  std::vector<SequenceId> aborts;
  std::vector<std::function<void()>> pings;
  bool stopping = false;
  SchedulerStats published;
  SequenceId next_id = 1;

  // Owned by the loop thread.
  std::unordered_map<SequenceId, std::unique_ptr<Sequence>> live;
  // By priority, then preempted sequences, then arrival: the admission order.
  std::deque<Sequence*> waiting;
  std::vector<Sequence*> running;  // in admission order
  uint64_t admissions = 0;
  SchedulerStats counters;
  std::vector<std::vector<float>> logits;
  std::thread thread;
};

void Scheduler::Impl::run_loop() {
  try {
    bool idle_retry = false;
    for (;;) {
      std::vector<std::unique_ptr<Sequence>> arrived;
      std::vector<SequenceId> aborted;
      std::vector<std::function<void()>> answered;
      {
        std::unique_lock lock(mu);
        auto has_news = [&] {
          return stopping || !inbox.empty() || !aborts.empty() || !pings.empty();
        };
        if (idle_retry) {
          wake.wait_for(lock, kIdleRetry, has_news);
        } else {
          wake.wait(lock, [&] { return has_news() || !live.empty(); });
        }
        if (stopping) break;
        arrived.swap(inbox);
        aborted.swap(aborts);
        answered.swap(pings);
        // Still counted against max_waiting until publish() sees them in the queue.
        published.waiting += static_cast<int64_t>(arrived.size());
        for (const auto& seq : arrived) published.waiting_background += background(*seq) ? 1 : 0;
      }
      for (auto& seq : arrived) {
        enqueue(seq.get());
        const SequenceId id = seq->id();
        live.emplace(id, std::move(seq));
      }
      const TimePoint now = config.clock();
      for (SequenceId id : aborted) {
        auto it = live.find(id);
        if (it != live.end()) retire(*it->second, it->second->end(FinishReason::Abort, {}, now));
      }
      for (auto& done : answered) {
        try {
          done();
        } catch (...) {  // the caller's callback; the loop goes on
        }
      }
      expire_deadlines();
      idle_retry = !live.empty() && !step();
      publish();
    }
  } catch (const std::exception& e) {
    {
      std::lock_guard lock(mu);
      published.loop_alive = false;
    }
    counters.loop_alive = false;
    retire_all(FinishReason::Error, std::string("scheduler loop failed: ") + e.what());
    return;
  }
  // Shutdown: nothing new can arrive once stopping is set.
  std::vector<std::function<void()>> answered;
  {
    std::lock_guard lock(mu);
    for (auto& seq : inbox) {
      waiting.push_back(seq.get());
      const SequenceId id = seq->id();
      live.emplace(id, std::move(seq));
    }
    inbox.clear();
    answered.swap(pings);
  }
  for (auto& done : answered) {
    try {
      done();
    } catch (...) {
    }
  }
  retire_all(FinishReason::Abort, {});
}

// One step: grow decode sequences (preempting if needed), admit, build the batch, run it,
// sample. Returns false when there was no row to run.
bool Scheduler::Impl::step() {
  const auto started = std::chrono::steady_clock::now();
  if (!reserve_growth()) admit();
  if (running.empty()) return false;

  std::vector<Sequence*> seqs;
  std::vector<ForwardRequest> batch;
  auto add = [&](Sequence* seq, int64_t n) {
    const auto& tokens = seq->tokens();
    seqs.push_back(seq);
    batch.push_back({&seq->kv,
                     std::span<const int32_t>(tokens).subspan(
                         static_cast<std::size_t>(seq->kv.num_tokens), static_cast<std::size_t>(n)),
                     false, seq->request().adapter.get()});
  };
  // Decode tokens first: running streams never wait for prompts.
  std::vector<Sequence*> prefilling;
  std::vector<scheduling::PrefillCandidate> candidates;
  for (Sequence* seq : running) {
    if (seq->pending() == 1) {
      add(seq, 1);
    } else {
      prefilling.push_back(seq);
      candidates.push_back({seq->pending(), seq->starved_steps, seq->admit_order, rank(*seq)});
    }
  }
  int64_t budget = config.max_batch_tokens - static_cast<int64_t>(batch.size());
  if (budget <= 0 && !candidates.empty()) budget = config.block_size;  // prompts still move
  const auto chunks = scheduling::plan_prefill(candidates, budget);
  for (std::size_t i = 0; i < prefilling.size(); ++i) {
    if (chunks[i] > 0) {
      add(prefilling[i], chunks[i]);
      prefilling[i]->starved_steps = 0;
    } else {
      ++prefilling[i]->starved_steps;
    }
  }
  if (batch.empty()) return false;

  const TimePoint now = config.clock();
  for (Sequence* seq : seqs) seq->mark_scheduled(now);
  try {
    forward.run(batch, logits);
  } catch (const std::exception& e) {
    for (Sequence* seq : seqs) retire(*seq, seq->end(FinishReason::Error, e.what(), now));
    return true;
  }
  ++counters.steps_total;
  const TimePoint done = config.clock();
  for (std::size_t i = 0; i < seqs.size(); ++i) {
    Sequence& seq = *seqs[i];
    register_prefix_blocks(seq);
    if (seq.pending() != 0) continue;  // a prompt chunk short of the end: nothing to sample
    SequenceOutput out = seq.accept(logits[i], package->eos_token_ids(), done);
    if (out.finished) {
      retire(seq, std::move(out));
    } else {
      seq.deliver(std::move(out));
    }
  }
  counters.last_step_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return true;
}

// Every running sequence gets the blocks for all its positions; when the pool is dry the newest
// running sequence of the lowest priority is preempted (possibly the one asking), so a user
// sequence is never preempted while a background one runs. True if any was preempted.
bool Scheduler::Impl::reserve_growth() {
  bool preempted = false;
  const std::vector<Sequence*> admitted = running;
  for (Sequence* seq : admitted) {
    if (std::find(running.begin(), running.end(), seq) == running.end()) continue;  // a victim
    const int64_t need = blocks_for(seq->size(), config.block_size);
    while (static_cast<int64_t>(seq->kv.block_table.size()) < need) {
      if (auto block = blocks.allocate()) {
        seq->kv.block_table.push_back(*block);
        continue;
      }
      Sequence* victim = pick_victim();
      preempt(*victim);
      preempted = true;
      if (victim == seq) break;
    }
  }
  return preempted;
}

// The lowest-priority running sequence, the newest of those (running is in admission order).
Sequence* Scheduler::Impl::pick_victim() const {
  Sequence* victim = nullptr;
  for (Sequence* seq : running)
    if (victim == nullptr || rank(*seq) >= rank(*victim)) victim = seq;
  return victim;
}

void Scheduler::Impl::preempt(Sequence& victim) {
  running.erase(std::find(running.begin(), running.end(), &victim));
  free_blocks(victim);
  victim.starved_steps = 0;
  ++victim.stats().preemptions;
  ++counters.preemptions_total;
  requeue_preempted(&victim);
}

// Arrivals go behind every waiting sequence of the same or a higher priority.
void Scheduler::Impl::enqueue(Sequence* seq) {
  const auto after = std::find_if(waiting.rbegin(), waiting.rend(),
                                  [&](const Sequence* w) { return rank(*w) <= rank(*seq); });
  waiting.insert(after.base(), seq);
}

// Preempted sequences go ahead of every waiting sequence of their priority: they were admitted
// before any of them.
void Scheduler::Impl::requeue_preempted(Sequence* seq) {
  const auto before = std::find_if(waiting.begin(), waiting.end(),
                                   [&](const Sequence* w) { return rank(*w) >= rank(*seq); });
  waiting.insert(before, seq);
}

// In the order of `waiting`; the head blocks the rest so that it is not starved (and so that a
// background sequence never goes before a user one). A head short of a batch slot or blocks
// takes them from running sequences of a lower priority.
void Scheduler::Impl::admit() {
  while (!waiting.empty()) {
    Sequence& seq = *waiting.front();
    const bool slot = static_cast<int64_t>(running.size()) < config.max_num_seqs;
    if (!(slot && try_admit(seq)) && !(make_room(seq) && try_admit(seq))) break;
    waiting.pop_front();  // victims of make_room queue behind seq: their priority is lower
    seq.admit_order = admissions++;
    running.push_back(&seq);
  }
}

// Preempts running sequences of a lower priority than `seq` (lowest first, newest first) until
// `seq` would get a batch slot and its blocks; preempts none when all of them would not do.
bool Scheduler::Impl::make_room(Sequence& seq) {
  std::vector<Sequence*> victims;
  for (Sequence* r : running)
    if (rank(*r) > rank(seq)) victims.push_back(r);
  if (victims.empty()) return false;
  std::sort(victims.begin(), victims.end(), [](const Sequence* a, const Sequence* b) {
    if (rank(*a) != rank(*b)) return rank(*a) > rank(*b);
    return a->admit_order > b->admit_order;
  });
  const AdmissionPlan plan = plan_admission(seq);
  const std::unordered_set<int32_t> hits(plan.hits.begin(), plan.hits.end());
  int64_t shortfall = plan.shortfall(blocks);
  bool needs_slot = static_cast<int64_t>(running.size()) >= config.max_num_seqs;
  // A victim's block becomes available once its last owner is preempted; one that `seq` would
  // share was counted against the pool already, so freeing it gains nothing.
  std::unordered_map<int32_t, int32_t> released;
  std::size_t count = 0;
  for (; count < victims.size() && (shortfall > 0 || needs_slot); ++count) {
    needs_slot = false;
    for (int32_t block : victims[count]->kv.block_table)
      if (++released[block] == blocks.refs(block) && !hits.contains(block)) --shortfall;
  }
  if (shortfall > 0 || needs_slot) return false;
  for (std::size_t i = 0; i < count; ++i) preempt(*victims[i]);
  return true;
}

AdmissionPlan Scheduler::Impl::plan_admission(Sequence& seq) {
  const int64_t bs = config.block_size;
  AdmissionPlan plan;
  plan.need = blocks_for(seq.size(), bs);
  if (config.prefix_caching) {
    const int64_t full = seq.prompt_size() / bs;
    if (static_cast<int64_t>(seq.block_hashes.size()) < full) {
      seq.block_hashes.clear();
      uint64_t parent = 0;
      for (int64_t i = 0; i < full; ++i) {
        parent = scheduling::chain_hash(
            parent, std::span<const int32_t>(seq.request().prompt).subspan(i * bs, bs),
            hash_salt(seq));
        seq.block_hashes.push_back(parent);
      }
    }
    // The block holding the last position to compute is never shared: its logits are needed.
    const int64_t cap = std::min(full, (seq.size() - 1) / bs);
    for (int64_t i = 0; i < cap; ++i) {
      auto block = blocks.find(block_key(seq, i));
      if (!block) break;
      plan.hits.push_back(*block);
      if (blocks.is_cached(*block)) ++plan.unowned_hits;
    }
  }
  return plan;
}

bool Scheduler::Impl::try_admit(Sequence& seq) {
  const AdmissionPlan plan = plan_admission(seq);
  if (plan.shortfall(blocks) > 0) return false;
  const int64_t bs = config.block_size;
  const auto hit_count = static_cast<int64_t>(plan.hits.size());
  for (int32_t block : plan.hits) blocks.retain(block);
  seq.kv.block_table = plan.hits;
  while (static_cast<int64_t>(seq.kv.block_table.size()) < plan.need)
    seq.kv.block_table.push_back(*blocks.allocate());
  seq.kv.num_tokens = hit_count * bs;
  seq.registered_blocks = hit_count;
  if (!seq.ever_admitted && config.prefix_caching) {
    counters.prefix_cache_queries_total += static_cast<uint64_t>(seq.prompt_size());
    counters.prefix_cache_hits_total += static_cast<uint64_t>(hit_count * bs);
    seq.stats().cached_prompt_tokens = hit_count * bs;
  }
  seq.ever_admitted = true;
  return true;
}

scheduling::BlockKey Scheduler::Impl::block_key(const Sequence& seq, int64_t index) const {
  const int64_t bs = config.block_size;
  const auto& prompt = seq.request().prompt;
  const auto i = static_cast<std::size_t>(index);
  return {seq.block_hashes[i], index == 0 ? 0 : seq.block_hashes[i - 1], seq.request().cache_salt,
          std::vector<int32_t>(prompt.begin() + index * bs, prompt.begin() + (index + 1) * bs),
          adapter_id(seq)};
}

// Full prompt blocks become shareable once computed.
void Scheduler::Impl::register_prefix_blocks(Sequence& seq) {
  if (!config.prefix_caching) return;
  const int64_t computed = std::min(seq.kv.num_tokens, seq.prompt_size()) / config.block_size;
  for (int64_t i = seq.registered_blocks; i < computed; ++i)
    blocks.register_block(seq.kv.block_table[static_cast<std::size_t>(i)], block_key(seq, i));
  seq.registered_blocks = std::max(seq.registered_blocks, computed);
}

void Scheduler::Impl::expire_deadlines() {
  const TimePoint now = config.clock();
  std::vector<Sequence*> expired;
  for (auto& [id, seq] : live) {
    const auto& deadline = seq->request().deadline;
    if (deadline && *deadline <= now) expired.push_back(seq.get());
  }
  for (Sequence* seq : expired) retire(*seq, seq->end(FinishReason::Timeout, {}, now));
}

// Takes a sequence out of the scheduler, freeing its blocks before its final output is seen.
void Scheduler::Impl::retire(Sequence& seq, SequenceOutput output) {
  auto r = std::find(running.begin(), running.end(), &seq);
  if (r != running.end()) {
    running.erase(r);
  } else {
    auto w = std::find(waiting.begin(), waiting.end(), &seq);
    if (w != waiting.end()) waiting.erase(w);
  }
  free_blocks(seq);
  publish();
  seq.deliver(std::move(output));
  live.erase(seq.id());
}

void Scheduler::Impl::retire_all(FinishReason reason, const std::string& error) {
  std::vector<Sequence*> all;
  for (auto& [id, seq] : live) all.push_back(seq.get());
  std::sort(all.begin(), all.end(),
            [](const Sequence* a, const Sequence* b) { return a->id() < b->id(); });
  const TimePoint now = config.clock();
  for (Sequence* seq : all) retire(*seq, seq->end(reason, error, now));
}

// Tail blocks go back first so that a cached prefix is evicted from its end.
void Scheduler::Impl::free_blocks(Sequence& seq) {
  auto& table = seq.kv.block_table;
  for (auto it = table.rbegin(); it != table.rend(); ++it) blocks.release(*it);
  table.clear();
  seq.kv.num_tokens = 0;
  seq.registered_blocks = 0;
}

void Scheduler::Impl::publish() {
  counters.running = static_cast<int64_t>(running.size());
  counters.waiting = static_cast<int64_t>(waiting.size());
  counters.running_background = std::count_if(running.begin(), running.end(),
                                              [](const Sequence* seq) { return background(*seq); });
  counters.waiting_background = std::count_if(waiting.begin(), waiting.end(),
                                              [](const Sequence* seq) { return background(*seq); });
  counters.kv_blocks_used = blocks.used();
  counters.kv_blocks_cached = blocks.cached();
  std::lock_guard lock(mu);
  const bool alive = published.loop_alive;
  published = counters;
  published.loop_alive = alive && counters.loop_alive;
}

Scheduler::Scheduler(std::shared_ptr<const ModelPackage> package, ComputePool& pool,
                     SchedulerConfig config)
    : impl_(std::make_unique<Impl>(std::move(package), pool, std::move(config))) {}

Scheduler::~Scheduler() {
  {
    std::lock_guard lock(impl_->mu);
    impl_->stopping = true;
  }
  impl_->wake.notify_all();
  impl_->thread.join();
}

SequenceId Scheduler::submit(SequenceRequest request, OutputSink sink) {
  const ModelConfig& model = impl_->package->model().config();
  const auto prompt = static_cast<int64_t>(request.prompt.size());
  if (prompt == 0) throw std::invalid_argument("the prompt is empty");
  for (int32_t id : request.prompt)
    if (id < 0 || id >= model.vocab_size)
      throw std::invalid_argument("token id " + std::to_string(id) + " is outside the vocabulary");
  if (request.params.max_tokens < 1) throw std::invalid_argument("max_tokens must be at least 1");
  const int64_t total = prompt + request.params.max_tokens;
  if (total > model.max_position_embeddings)
    throw std::invalid_argument("the prompt (" + std::to_string(prompt) + " tokens) plus " +
                                "max_tokens exceeds the model's context of " +
                                std::to_string(model.max_position_embeddings));
  if (request.adapter) check_adapter_fits(*request.adapter, model);
  if (blocks_for(total, impl_->config.block_size) > impl_->cache.num_blocks())
    throw std::invalid_argument("the prompt plus max_tokens (" + std::to_string(total) +
                                " tokens) exceeds the whole KV cache");

  const bool user = request.priority == Priority::User;
  auto seq = std::make_unique<Sequence>(0, *impl_->package, std::move(request), std::move(sink),
                                        impl_->config.clock());
  SequenceId id = 0;
  {
    std::lock_guard lock(impl_->mu);
    if (!impl_->published.loop_alive) throw std::runtime_error("the scheduler loop has stopped");
    const auto& inbox = impl_->inbox;
    const int64_t queued =
        user ? impl_->published.waiting - impl_->published.waiting_background +
                   std::count_if(inbox.begin(), inbox.end(),
                                 [](const auto& queued_seq) { return !background(*queued_seq); })
             : impl_->published.waiting + static_cast<int64_t>(inbox.size());
    if (queued >= impl_->config.max_waiting)
      throw QueueFull("the waiting queue is full (" + std::to_string(queued) + " requests)");
    id = impl_->next_id++;
    seq->set_id(id);
    impl_->inbox.push_back(std::move(seq));
  }
  impl_->wake.notify_one();
  return id;
}

void Scheduler::abort(SequenceId id) {
  {
    std::lock_guard lock(impl_->mu);
    impl_->aborts.push_back(id);
  }
  impl_->wake.notify_one();
}

void Scheduler::ping(std::function<void()> done) {
  {
    std::lock_guard lock(impl_->mu);
    impl_->pings.push_back(std::move(done));
  }
  impl_->wake.notify_one();
}

SchedulerStats Scheduler::stats() const {
  std::lock_guard lock(impl_->mu);
  return impl_->published;
}

const SchedulerConfig& Scheduler::config() const {
  return impl_->config;
}

}  // namespace slipway::engine
