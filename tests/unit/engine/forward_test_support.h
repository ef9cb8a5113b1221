#pragma once
// Helpers of the forward-pass tests: bitwise comparison of logits, and scenarios of sequences
// that join a batch, feed their prompts in chunks and decode greedily.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <vector>

#include "engine/forward_pass.h"
#include "scheduler_test_support.h"  // make_prompt, shared with the scheduler tests

namespace slipway::engine::test {

inline bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

// One sequence of a scenario: it joins the batch at a step, feeds its prompt in chunks, then
// decodes greedily; every logits vector it samples from is recorded.
struct Plan {
  std::vector<int32_t> prompt;
  const LoraAdapter* adapter = nullptr;  // none: the bare base
  int64_t join_step = 0;
  std::vector<int64_t> chunks;  // prompt chunk sizes; the rest of the prompt goes last
  int64_t decode_steps = 14;

  SequenceKv kv;
  std::size_t fed = 0;
  std::size_t chunk_index = 0;
  std::vector<int32_t> output;
  std::vector<std::vector<float>> step_logits;
  bool done() const { return static_cast<int64_t>(output.size()) >= decode_steps; }
};

// Runs the plans together, one forward step at a time, until every plan is done.
inline void run_plans(const std::shared_ptr<const Model>& model, int threads,
                      std::vector<Plan>& plans) {
  KvCache cache(model->config(), 4, 512);
  ComputePool pool(threads);
  ForwardPass pass(model, cache, pool);
  const auto vocab = static_cast<std::size_t>(model->config().vocab_size);
  for (int64_t step = 0;; ++step) {
    std::vector<ForwardRequest> batch;
    std::vector<Plan*> owners;
    std::vector<int32_t> decode_tokens(plans.size());
    bool pending = false;
    for (std::size_t i = 0; i < plans.size(); ++i) {
      Plan& p = plans[i];
      if (p.done()) continue;
      pending = true;
      if (step < p.join_step) continue;
      ForwardRequest r;
      r.kv = &p.kv;
      r.adapter = p.adapter;
      if (p.fed < p.prompt.size()) {
        std::size_t n = p.prompt.size() - p.fed;
        if (p.chunk_index < p.chunks.size())
          n = std::min<std::size_t>(n, static_cast<std::size_t>(p.chunks[p.chunk_index++]));
        r.tokens = std::span<const int32_t>(p.prompt).subspan(p.fed, n);
        p.fed += n;
      } else {
        decode_tokens[i] = p.output.back();
        r.tokens = std::span<const int32_t>(&decode_tokens[i], 1);
      }
      EXPECT_TRUE(cache.reserve(p.kv, p.kv.num_tokens + static_cast<int64_t>(r.tokens.size())));
      batch.push_back(r);
      owners.push_back(&p);
    }
    if (!pending) break;
    std::vector<std::vector<float>> logits;
    pass.run(batch, logits);
    for (std::size_t b = 0; b < batch.size(); ++b) {
      Plan& p = *owners[b];
      if (p.fed < p.prompt.size()) continue;  // mid-prompt chunk: nothing to sample
      EXPECT_EQ(logits[b].size(), vocab);
      p.step_logits.push_back(logits[b]);
      const auto best = std::max_element(logits[b].begin(), logits[b].end());
      p.output.push_back(static_cast<int32_t>(best - logits[b].begin()));
    }
  }
}

}  // namespace slipway::engine::test
