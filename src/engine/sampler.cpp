#include "engine/sampler.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <unordered_map>

namespace slipway::engine {
namespace {

// splitmix64: one 64-bit state, good enough statistics for sampling, trivially seedable.
uint64_t next_random(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

double uniform01(uint64_t& state) {
  return static_cast<double>(next_random(state) >> 11) * 0x1.0p-53;  // [0, 1)
}

// Higher logit first, then lower id: the order ties are broken in everywhere.
struct ByLogit {
  const std::vector<float>* logits;
  bool operator()(int32_t a, int32_t b) const {
    const float la = (*logits)[a], lb = (*logits)[b];
    return la > lb || (la == lb && a < b);
  }
};

int32_t argmax(const std::vector<float>& logits) {
  int32_t best = 0;
  for (int32_t i = 1; i < static_cast<int32_t>(logits.size()); ++i)
    if (logits[i] > logits[best]) best = i;
  return best;
}

// log_softmax of the raw logits: the chosen token's entry and the top n.
void fill_logprobs(std::span<const float> logits, int32_t chosen, int32_t top_n,
                   SampledToken& out) {
  float max = -std::numeric_limits<float>::infinity();
  for (float l : logits) max = std::max(max, l);
  double sum = 0;
  for (float l : logits) sum += std::exp(static_cast<double>(l) - max);
  const double log_z = max + std::log(sum);
  out.logprob = static_cast<float>(logits[chosen] - log_z);
  if (top_n <= 0) return;
  const auto n = std::min<std::size_t>(static_cast<std::size_t>(top_n), logits.size());
  std::vector<float> copy(logits.begin(), logits.end());
  std::vector<int32_t> ids(logits.size());
  for (std::size_t i = 0; i < ids.size(); ++i) ids[i] = static_cast<int32_t>(i);
  std::partial_sort(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(n), ids.end(),
                    ByLogit{&copy});
  for (std::size_t i = 0; i < n; ++i)
    out.top.push_back({ids[i], static_cast<float>(logits[ids[i]] - log_z)});
}

}  // namespace

Sampler::Sampler(const SamplingParams& params, uint64_t default_seed)
    : params_(params), rng_state_(params.seed.value_or(default_seed)) {}

SampledToken Sampler::sample(std::span<const float> logits, std::span<const int32_t> prompt,
                             std::span<const int32_t> output) {
  if (logits.empty()) throw std::invalid_argument("sampler: empty logits");
  const auto vocab = static_cast<int32_t>(logits.size());
  std::vector<float> work(logits.begin(), logits.end());

  // Penalties, as vLLM applies them: repetition over prompt + output (HF), presence and
  // frequency over the output only (OpenAI).
  if (params_.repetition_penalty != 1.0) {
    std::vector<bool> seen(static_cast<std::size_t>(vocab), false);
    auto mark = [&](std::span<const int32_t> ids) {
      for (int32_t id : ids)
        if (id >= 0 && id < vocab) seen[static_cast<std::size_t>(id)] = true;
    };
    mark(prompt);
    mark(output);
    const auto penalty = static_cast<float>(params_.repetition_penalty);
    for (int32_t id = 0; id < vocab; ++id) {
      if (!seen[static_cast<std::size_t>(id)]) continue;
      float& l = work[static_cast<std::size_t>(id)];
      l = l > 0 ? l / penalty : l * penalty;
    }
  }
  if (params_.presence_penalty != 0.0 || params_.frequency_penalty != 0.0) {
    std::unordered_map<int32_t, int64_t> counts;
    for (int32_t id : output)
      if (id >= 0 && id < vocab) ++counts[id];
    for (const auto& [id, count] : counts) {
      work[static_cast<std::size_t>(id)] -= static_cast<float>(
          params_.frequency_penalty * static_cast<double>(count) + params_.presence_penalty);
    }
  }

  SampledToken result;
  if (params_.temperature <= 0.0) {
    result.token = argmax(work);
  } else {
    const auto temperature = static_cast<float>(params_.temperature);
    for (float& l : work) l /= temperature;

    // Candidates, sorted by logit (higher first) when top_k or top_p needs an order.
    std::vector<int32_t> ids(static_cast<std::size_t>(vocab));
    for (int32_t i = 0; i < vocab; ++i) ids[static_cast<std::size_t>(i)] = i;
    std::size_t count = ids.size();
    std::size_t sorted = 0;  // ids[0, sorted) are in ByLogit order
    const ByLogit by_logit{&work};
    if (params_.top_k > 0 && static_cast<std::size_t>(params_.top_k) < count) {
      count = static_cast<std::size_t>(params_.top_k);
      std::partial_sort(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(count), ids.end(),
                        by_logit);
      sorted = count;
    }
    float max = -std::numeric_limits<float>::infinity();
    for (std::size_t i = 0; i < count; ++i) max = std::max(max, work[ids[i]]);
    std::vector<double> probs(static_cast<std::size_t>(vocab), 0.0);
    double total = 0;
    for (std::size_t i = 0; i < count; ++i) {
      probs[ids[i]] = std::exp(static_cast<double>(work[ids[i]]) - max);
      total += probs[ids[i]];
    }
    for (std::size_t i = 0; i < count; ++i) probs[ids[i]] /= total;
    auto prob = [&](int32_t id) { return probs[static_cast<std::size_t>(id)]; };

    if (params_.top_p < 1.0) {
      // Smallest prefix of the sorted candidates whose mass reaches top_p (at least one); the
      // sorted prefix grows geometrically so a peaked distribution sorts little.
      double mass = 0;
      std::size_t keep = 0;
      while (keep < count) {
        if (keep == sorted) {
          const std::size_t grow = std::min(count, std::max<std::size_t>(64, sorted * 4));
          std::partial_sort(ids.begin() + static_cast<std::ptrdiff_t>(sorted),
                            ids.begin() + static_cast<std::ptrdiff_t>(grow),
                            ids.begin() + static_cast<std::ptrdiff_t>(count), by_logit);
          sorted = grow;
        }
        mass += prob(ids[keep]);
        ++keep;
        if (mass >= params_.top_p) break;
      }
      count = keep;
    }
    if (params_.min_p > 0.0) {
      // Relative to the most probable candidate; renormalizing does not change the ratio.
      double best = 0;
      for (std::size_t i = 0; i < count; ++i) best = std::max(best, prob(ids[i]));
      const double threshold = params_.min_p * best;
      std::size_t kept = 0;
      for (std::size_t i = 0; i < count; ++i)
        if (prob(ids[i]) >= threshold) ids[kept++] = ids[i];
      count = kept;
    }

    double kept_mass = 0;
    for (std::size_t i = 0; i < count; ++i) kept_mass += prob(ids[i]);
    const double target = uniform01(rng_state_) * kept_mass;
    double cumulative = 0;
    result.token = ids[count - 1];  // rounding may leave target just above the last sum
    for (std::size_t i = 0; i < count; ++i) {
      cumulative += prob(ids[i]);
      if (target < cumulative) {
        result.token = ids[i];
        break;
      }
    }
  }
  fill_logprobs(logits, result.token, params_.logprobs, result);
  return result;
}

}  // namespace slipway::engine
