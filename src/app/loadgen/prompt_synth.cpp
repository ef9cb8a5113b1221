#include "app/loadgen/prompt_synth.h"

#include <algorithm>
#include <cmath>

namespace slipway::app::loadgen {

const std::vector<std::string_view>& PromptSynth::word_list() {
  // Common short words: most tokenizers give each one token (with its leading space).
  static const std::vector<std::string_view> words{
      "time",     "year",    "people",   "way",     "day",      "man",       "thing",   "woman",
      "life",     "child",   "world",    "school",  "state",    "family",    "student", "group",
      "country",  "problem", "hand",     "part",    "place",    "case",      "week",    "company",
      "system",   "program", "question", "work",    "number",   "night",     "point",   "home",
      "water",    "room",    "mother",   "area",    "money",    "story",     "fact",    "month",
      "lot",      "right",   "study",    "book",    "eye",      "job",       "word",    "business",
      "issue",    "side",    "kind",     "head",    "house",    "service",   "friend",  "father",
      "power",    "hour",    "game",     "line",    "end",      "member",    "law",     "car",
      "city",     "name",    "team",     "minute",  "idea",     "kid",       "body",    "back",
      "parent",   "face",    "others",   "level",   "office",   "door",      "health",  "person",
      "art",      "war",     "history",  "party",   "result",   "change",    "morning", "reason",
      "research", "girl",    "guy",      "moment",  "air",      "teacher",   "force",   "education",
      "foot",     "boy",     "age",      "policy",  "music",    "market",    "sense",   "nation",
      "plan",     "college", "interest", "death",   "red",      "blue",      "green",   "small",
      "large",    "old",     "new",      "good",    "great",    "high",      "long",    "little",
      "own",      "other",   "big",      "early",   "young",    "important", "few",     "public",
      "bad",      "same",    "able",     "late",    "hard",     "major",     "better",  "run",
      "walk",     "read",    "write",    "speak",   "open",     "close",     "carry",   "bring",
      "build",    "stay",    "fall",     "cut",     "reach",    "kill",      "raise",   "pass",
      "sell",     "decide",  "return",   "explain", "hope",     "develop",   "drive",   "break",
      "receive",  "agree",   "support",  "hit",     "produce",  "eat",       "cover",   "catch",
      "draw",     "choose",  "cause",    "river",   "mountain", "forest",    "ocean",   "island",
      "desert",   "valley",  "cloud",    "storm",   "garden",   "window",    "bridge",  "road",
      "train",    "ship",    "plane",    "engine",  "wheel",    "stone",     "glass",   "paper",
      "metal",    "wood",    "cotton",   "silver",  "gold",     "iron",      "apple",   "bread",
      "cheese",   "coffee",  "sugar",    "salt",    "honey",    "lemon",     "rice",    "quickly",
      "slowly",   "quietly", "always",   "never",   "often",    "rarely",    "today",   "tomorrow"};
  return words;
}

PromptSynth::PromptSynth(uint64_t seed) : rng_(seed) {}

std::string PromptSynth::make(int words) {
  const auto& list = word_list();
  words = std::max(words, 1);
  std::string text;
  // Prefixes are redrawn until new; with hundreds of words a redraw is rare.
  for (int attempt = 0;; ++attempt) {
    text.clear();
    std::string prefix;
    for (int i = 0; i < words; ++i) {
      const auto& word = list[rng_() % list.size()];
      if (i > 0) text.push_back(' ');
      text.append(word);
      if (i + 1 == std::min(words, kDistinctPrefix)) prefix = text;
    }
    if (prefixes_.insert(prefix).second || attempt > 100) break;
  }
  return text;
}

int PromptSynth::words_for_tokens(int tokens, double tokens_per_word) {
  if (!(tokens_per_word > 0)) tokens_per_word = 1.0;
  return std::max(1, static_cast<int>(std::lround(tokens / tokens_per_word)));
}

}  // namespace slipway::app::loadgen
