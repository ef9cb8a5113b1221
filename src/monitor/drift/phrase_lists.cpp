// The phrase lists: English defaults, and the YAML file operators tune them with.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "monitor/drift/text_signals.h"

namespace slipway::monitor {
namespace {

constexpr std::uintmax_t kMaxFileBytes = 4 << 20;  // a phrase file is a few kilobytes

[[noreturn]] void fail(const std::string& source, const YAML::Mark& mark,
                       const std::string& message) {
  std::ostringstream text;
  text << source;
  if (!mark.is_null()) text << ":" << mark.line + 1;
  text << ": " << message;
  throw PhraseFileError(text.str());
}

// `entry` is the key and its value: a key without a value has no line of its own, so errors
// about the value's shape point at the key.
std::vector<std::string> read_phrases(const YAML::detail::iterator_value& entry, const char* key,
                                      const std::string& source) {
  const YAML::Node& node = entry.second;
  if (!node.IsSequence()) {
    fail(source, node.IsNull() ? entry.first.Mark() : node.Mark(),
         std::string(key) + " must be a list of phrases (use [] to disable it)");
  }
  std::vector<std::string> phrases;
  for (const auto& item : node) {
    if (!item.IsScalar()) fail(source, item.Mark(), std::string(key) + " entries must be text");
    const std::string& phrase = item.Scalar();
    const auto first = phrase.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) {
      fail(source, item.Mark(), std::string(key) + " has an empty phrase");
    }
    phrases.push_back(phrase.substr(first, phrase.find_last_not_of(" \t\r\n") - first + 1));
  }
  return phrases;
}

// An absent key leaves the default list alone.
void apply(const YAML::Node& root, const char* key, bool extend, std::vector<std::string>& list,
           const std::string& source) {
  for (const auto& entry : root) {
    if (entry.first.Scalar() != key) continue;
    std::vector<std::string> phrases = read_phrases(entry, key, source);
    if (!extend) list.clear();
    for (auto& phrase : phrases) {
      if (std::find(list.begin(), list.end(), phrase) == list.end()) {
        list.push_back(std::move(phrase));
      }
    }
  }
}

}  // namespace

PhraseLists PhraseLists::defaults() {
  PhraseLists lists;
  lists.refusal = {"I can't help with",
                   "I cannot help with",
                   "I can't assist",
                   "I cannot assist",
                   "I'm unable to",
                   "I am unable to",
                   "I won't be able to",
                   "I will not be able to",
                   "I'm not able to",
                   "I am not able to",
                   "as an AI",
                   "I'm sorry, but I can't",
                   "I'm sorry, but I cannot",
                   "I apologize, but I can't",
                   "I apologize, but I cannot",
                   "I can't provide",
                   "I cannot provide",
                   "I can't fulfill",
                   "I cannot fulfill",
                   "I can't comply",
                   "I cannot comply",
                   "I must decline",
                   "I have to decline",
                   "I'm not allowed to",
                   "I am not allowed to",
                   "I can't do that",
                   "I cannot do that",
                   "I won't help",
                   "I will not help",
                   "against my guidelines",
                   "not something I can help with"};
  lists.uncertainty = {"I'm not sure",
                       "I am not sure",
                       "I'm not certain",
                       "I am not certain",
                       "I'm not confident",
                       "I am not confident",
                       "I'm uncertain",
                       "I am uncertain",
                       "I don't know",
                       "I do not know",
                       "not entirely sure",
                       "it might be",
                       "it may be",
                       "possibly",
                       "perhaps",
                       "probably",
                       "I think",
                       "I believe",
                       "I suspect",
                       "I guess",
                       "it's unclear",
                       "it is unclear",
                       "it's hard to say",
                       "it is hard to say",
                       "it's difficult to say",
                       "hard to tell",
                       "I could be wrong",
                       "I might be wrong",
                       "I may be wrong",
                       "if I recall correctly",
                       "if I remember correctly",
                       "to the best of my knowledge"};
  lists.stopwords = {
      "a",         "about",      "above",     "after",    "again",     "against", "all",
      "also",      "am",         "an",        "and",      "any",       "are",     "aren't",
      "as",        "at",         "be",        "because",  "been",      "before",  "being",
      "below",     "between",    "both",      "but",      "by",        "can",     "can't",
      "cannot",    "could",      "couldn't",  "did",      "didn't",    "do",      "does",
      "doesn't",   "doing",      "don't",     "down",     "during",    "each",    "even",
      "few",       "for",        "from",      "further",  "get",       "got",     "had",
      "hadn't",    "has",        "hasn't",    "have",     "haven't",   "having",  "he",
      "he's",      "her",        "here",      "here's",   "hers",      "herself", "him",
      "himself",   "his",        "how",       "i",        "i'd",       "i'll",    "i'm",
      "i've",      "if",         "in",        "into",     "is",        "isn't",   "it",
      "it's",      "its",        "itself",    "just",     "let",       "let's",   "like",
      "may",       "me",         "might",     "more",     "most",      "much",    "must",
      "my",        "myself",     "no",        "nor",      "not",       "now",     "of",
      "off",       "on",         "once",      "one",      "only",      "or",      "other",
      "our",       "ours",       "ourselves", "out",      "over",      "own",     "same",
      "shall",     "she",        "she's",     "should",   "shouldn't", "so",      "some",
      "such",      "than",       "that",      "that's",   "the",       "their",   "theirs",
      "them",      "themselves", "then",      "there",    "there's",   "these",   "they",
      "they're",   "this",       "those",     "through",  "to",        "too",     "under",
      "until",     "up",         "upon",      "us",       "very",      "was",     "wasn't",
      "we",        "we're",      "were",      "weren't",  "what",      "what's",  "when",
      "where",     "which",      "while",     "who",      "whom",      "why",     "will",
      "with",      "won't",      "would",     "wouldn't", "yes",       "yet",     "you",
      "you'd",     "you'll",     "you're",    "you've",   "your",      "yours",   "yourself",
      "yourselves"};
  return lists;
}

PhraseLists PhraseLists::from_yaml(const std::string& text, const std::string& source) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& error) {
    fail(source, error.mark, error.msg);
  }
  PhraseLists lists = defaults();
  if (!root || root.IsNull()) return lists;  // an empty file: the defaults
  if (!root.IsMap()) {
    fail(source, root.Mark(), "must be a mapping with refusal, uncertainty, stopwords or extend");
  }
  for (const auto& entry : root) {
    const std::string key = entry.first.IsScalar() ? entry.first.Scalar() : "";
    if (key != "refusal" && key != "uncertainty" && key != "stopwords" && key != "extend") {
      fail(source, entry.first.Mark(),
           "unknown key '" + key + "' (expected refusal, uncertainty, stopwords or extend)");
    }
  }
  bool extend = false;
  if (const YAML::Node node = root["extend"]) {
    try {
      extend = node.as<bool>();
    } catch (const YAML::Exception&) {
      fail(source, node.Mark(), "extend must be true or false");
    }
  }
  apply(root, "refusal", extend, lists.refusal, source);
  apply(root, "uncertainty", extend, lists.uncertainty, source);
  apply(root, "stopwords", extend, lists.stopwords, source);
  return lists;
}

PhraseLists PhraseLists::from_file(const std::filesystem::path& file) {
  std::error_code error;
  const auto size = std::filesystem::file_size(file, error);
  if (error) throw PhraseFileError(file.string() + ": cannot read: " + error.message());
  if (size > kMaxFileBytes) {
    throw PhraseFileError(file.string() + ": " + std::to_string(size) +
                          " bytes is too large for a phrase file");
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) throw PhraseFileError(file.string() + ": cannot read: " + std::strerror(errno));
  std::ostringstream text;
  if (size > 0) text << in.rdbuf();
  return from_yaml(text.str(), file.string());
}

}  // namespace slipway::monitor
