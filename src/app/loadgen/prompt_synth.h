#pragma once
// Synthetic prompts for `slipway bench`: random English words from a built-in list, seeded so a
// run can be repeated, and distinct from their first words on so that prefix caching cannot
// make one request cheaper because of another.
#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace slipway::app::loadgen {

class PromptSynth {
 public:
  explicit PromptSynth(uint64_t seed);
  // `words` words separated by spaces; no two calls on one PromptSynth share their first
  // kDistinctPrefix words.
  std::string make(int words);
  // How many words to ask for to get about `tokens` tokens, given the measured ratio.
  static int words_for_tokens(int tokens, double tokens_per_word);

  static constexpr int kDistinctPrefix = 4;
  static const std::vector<std::string_view>& word_list();

 private:
  std::mt19937_64 rng_;
  std::set<std::string> prefixes_;
};

}  // namespace slipway::app::loadgen
