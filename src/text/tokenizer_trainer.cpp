#include "text/tokenizer_trainer.h"

#include <set>
#include <unordered_map>

#include "text/tokenizer.h"
#include "text/tokenizer/byte_level.h"
#include "text/tokenizer/pre_tokenizer.h"
#include "text/tokenizer/regex.h"
#include "text/tokenizer/unicode.h"

namespace slipway::text {
namespace {

using Json = nlohmann::json;

uint64_t pair_key(int32_t a, int32_t b) {
  return (static_cast<uint64_t>(static_cast<uint32_t>(a)) << 32) | static_cast<uint32_t>(b);
}

struct Word {
  std::vector<int32_t> symbols;
  int64_t count = 0;
};

// Pre-tokenizes the corpus like the trained tokenizer will, counting each distinct word.
std::vector<Word> count_words(const std::vector<std::string>& corpus) {
  static const Regex split(kLlama3Pattern, "trainer");
  std::unordered_map<std::string, int64_t> counts;
  for (const std::string& raw : corpus) {
    std::string text = unicode::lossy(raw);
    size_t prev = 0;
    auto add = [&](size_t s, size_t e) {
      if (e > s) ++counts[text.substr(s, e - s)];
    };
    for (auto [s, e] : split.find_all(text)) {
      add(prev, s);
      add(s, e);
      prev = e;
    }
    add(prev, text.size());
  }
  // Sort so training never depends on hash order.
  std::vector<std::pair<std::string, int64_t>> sorted(counts.begin(), counts.end());
  std::sort(sorted.begin(), sorted.end());
  std::vector<Word> words;
  words.reserve(sorted.size());
  for (auto& [w, c] : sorted) {
    Word word;
    word.count = c;
    for (char ch : w) word.symbols.push_back(static_cast<unsigned char>(ch));
    words.push_back(std::move(word));
  }
  return words;
}

void validate(const TrainerOptions& options) {
  if (options.vocab_size < 256 || options.vocab_size > (1 << 20)) {
    throw TokenizerError("tokenizer trainer: vocab_size must be between 256 and 2^20, got " +
                         std::to_string(options.vocab_size));
  }
  std::set<std::string> seen;
  for (const std::string& t : options.special_tokens) {
    if (t.empty() || !unicode::is_valid(t)) {
      throw TokenizerError("tokenizer trainer: special tokens must be non-empty UTF-8");
    }
    if (!seen.insert(t).second)
      throw TokenizerError("tokenizer trainer: duplicate special token " + t);
  }
  if (!options.bos_token.empty() && !seen.count(options.bos_token)) {
    throw TokenizerError("tokenizer trainer: bos_token " + options.bos_token +
                         " is not one of the special tokens");
  }
}

class PairCounter {
 public:
  explicit PairCounter(std::vector<Word>& words) : words_(words), stamp_(words.size(), 0) {
    for (size_t w = 0; w < words_.size(); ++w) add_word(static_cast<int32_t>(w), +1);
  }

  // The most frequent pair (ties: smallest ids), or false when no pair is left.
  bool best(int32_t& a, int32_t& b) const {
    int64_t best_count = 0;
    uint64_t best_key = 0;
    for (const auto& [key, count] : counts_) {
      if (count > best_count || (count == best_count && count > 0 && key < best_key)) {
        best_count = count;
        best_key = key;
      }
    }
    if (best_count <= 0) return false;
    a = static_cast<int32_t>(best_key >> 32);
    b = static_cast<int32_t>(best_key & 0xFFFFFFFFu);
    return true;
  }

  void merge(int32_t a, int32_t b, int32_t merged) {
    ++round_;
    std::vector<int32_t> affected = std::move(where_[pair_key(a, b)]);
    where_.erase(pair_key(a, b));
    for (int32_t w : affected) {
      if (stamp_[static_cast<size_t>(w)] == round_) continue;
      stamp_[static_cast<size_t>(w)] = round_;
      add_word(w, -1);
      std::vector<int32_t>& s = words_[static_cast<size_t>(w)].symbols;
      std::vector<int32_t> out;
      out.reserve(s.size());
      for (size_t i = 0; i < s.size(); ++i) {
        if (i + 1 < s.size() && s[i] == a && s[i + 1] == b) {
          out.push_back(merged);
          ++i;
        } else {
          out.push_back(s[i]);
        }
      }
      s = std::move(out);
      add_word(w, +1);
    }
  }

 private:
  void add_word(int32_t w, int sign) {
    const Word& word = words_[static_cast<size_t>(w)];
    for (size_t i = 0; i + 1 < word.symbols.size(); ++i) {
      uint64_t key = pair_key(word.symbols[i], word.symbols[i + 1]);
      counts_[key] += sign * word.count;
      if (sign > 0) where_[key].push_back(w);
    }
  }

  std::vector<Word>& words_;
  std::vector<int64_t> stamp_;
  int64_t round_ = 0;
  std::unordered_map<uint64_t, int64_t> counts_;
  std::unordered_map<uint64_t, std::vector<int32_t>> where_;
};

}  // namespace

Json train_byte_level_bpe(const std::vector<std::string>& corpus, const TrainerOptions& options) {
  validate(options);
  std::vector<std::string> tokens;
  std::unordered_map<std::string, int32_t> ids;
  for (int b = 0; b < 256; ++b) {
    tokens.push_back(byte_level::char_for_byte(static_cast<unsigned char>(b)));
    ids.emplace(tokens.back(), b);
  }
  std::vector<Word> words = count_words(corpus);
  PairCounter pairs(words);
  Json merges = Json::array();
  int32_t a = 0, b = 0;
  while (static_cast<int32_t>(tokens.size()) < options.vocab_size && pairs.best(a, b)) {
    std::string merged = tokens[static_cast<size_t>(a)] + tokens[static_cast<size_t>(b)];
    auto [it, inserted] = ids.emplace(merged, static_cast<int32_t>(tokens.size()));
    if (inserted) tokens.push_back(merged);
    merges.push_back(Json::array({tokens[static_cast<size_t>(a)], tokens[static_cast<size_t>(b)]}));
    pairs.merge(a, b, it->second);
  }

  Json vocab = Json::object();
  for (size_t i = 0; i < tokens.size(); ++i) vocab[tokens[i]] = i;
  Json added = Json::array();
  int32_t bos_id = -1;
  for (size_t i = 0; i < options.special_tokens.size(); ++i) {
    int32_t id = static_cast<int32_t>(tokens.size() + i);
    if (options.special_tokens[i] == options.bos_token) bos_id = id;
    added.push_back({{"id", id},
                     {"content", options.special_tokens[i]},
                     {"single_word", false},
                     {"lstrip", false},
                     {"rstrip", false},
                     {"normalized", false},
                     {"special", true}});
  }
  Json byte_level_config = {{"type", "ByteLevel"},
                            {"add_prefix_space", true},
                            {"trim_offsets", true},
                            {"use_regex", true}};
  Json post_processor = byte_level_config;
  if (bos_id >= 0) {
    const std::string& bos = options.bos_token;
    Json special = {{"SpecialToken", {{"id", bos}, {"type_id", 0}}}};
    post_processor = {
        {"type", "TemplateProcessing"},
        {"single", Json::array({special, {{"Sequence", {{"id", "A"}, {"type_id", 0}}}}})},
        {"pair", Json::array({special,
                              {{"Sequence", {{"id", "A"}, {"type_id", 0}}}},
                              {{"SpecialToken", {{"id", bos}, {"type_id", 1}}}},
                              {{"Sequence", {{"id", "B"}, {"type_id", 1}}}}})},
        {"special_tokens", {{bos, {{"id", bos}, {"ids", {bos_id}}, {"tokens", {bos}}}}}}};
  }
  Json split = {{"type", "Split"},
                {"pattern", {{"Regex", kLlama3Pattern}}},
                {"behavior", "Isolated"},
                {"invert", false}};
  Json byte_level_pre = {{"type", "ByteLevel"},
                         {"add_prefix_space", false},
                         {"trim_offsets", true},
                         {"use_regex", false}};
  return {{"version", "1.0"},
          {"truncation", nullptr},
          {"padding", nullptr},
          {"added_tokens", added},
          {"normalizer", nullptr},
          {"pre_tokenizer",
           {{"type", "Sequence"}, {"pretokenizers", Json::array({split, byte_level_pre})}}},
          {"post_processor", post_processor},
          {"decoder", byte_level_config},
          {"model",
           {{"type", "BPE"},
            {"dropout", nullptr},
            {"unk_token", nullptr},
            {"continuing_subword_prefix", nullptr},
            {"end_of_word_suffix", nullptr},
            {"fuse_unk", false},
            {"byte_fallback", false},
            {"ignore_merges", true},
            {"vocab", vocab},
            {"merges", merges}}}};
}

}  // namespace slipway::text
