// Phrase matching and term reading over one answer's text.
#include <algorithm>
#include <set>

#include "monitor/drift/text_scan.h"
#include "monitor/drift/text_signals.h"

namespace slipway::monitor {
namespace {

namespace scan = text_scan;

// Refusals and hedges show early in an answer; reading a bounded prefix keeps the cost of a
// huge answer bounded too.
constexpr std::size_t kPhraseBytes = 16'384;

std::vector<std::string> normalized(const std::vector<std::string>& phrases) {
  std::vector<std::string> out;
  for (const auto& phrase : phrases) {
    std::string text = scan::normalize(phrase);
    if (!text.empty()) out.push_back(std::move(text));  // an empty phrase would match anything
  }
  return out;
}

bool starts_with_word(std::string_view phrase) {
  return scan::is_word_code_point(scan::decode_at(phrase, 0).value);
}

bool ends_with_word(std::string_view phrase) {
  return scan::is_word_code_point(scan::decode_before(phrase, phrase.size()).value);
}

// A match counts only where the phrase does not start or end inside a word ("possibly" is not
// in "impossibly"); phrase edges that are punctuation need no boundary.
bool contains_phrase(std::string_view text, std::string_view phrase) {
  const bool check_start = starts_with_word(phrase);
  const bool check_end = ends_with_word(phrase);
  for (std::size_t at = text.find(phrase); at != std::string_view::npos;
       at = text.find(phrase, at + 1)) {
    const std::size_t end = at + phrase.size();
    if (check_start && scan::inside_word(text, at)) continue;
    if (check_end && scan::inside_word(text, end)) continue;
    return true;
  }
  return false;
}

bool contains_any(std::string_view text, const std::vector<std::string>& phrases) {
  if (phrases.empty()) return false;
  const std::string normal = scan::normalize(text.substr(0, kPhraseBytes));
  return std::any_of(phrases.begin(), phrases.end(),
                     [&](const std::string& phrase) { return contains_phrase(normal, phrase); });
}

bool all_digits(const std::string& word) {
  return std::all_of(word.begin(), word.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

PhraseMatcher::PhraseMatcher(PhraseLists lists)
    : lists_(std::move(lists)),
      refusal_(normalized(lists_.refusal)),
      uncertainty_(normalized(lists_.uncertainty)),
      stopwords_(normalized(lists_.stopwords)) {
  std::sort(stopwords_.begin(), stopwords_.end());
}

bool PhraseMatcher::refuses(std::string_view text) const {
  return contains_any(text, refusal_);
}

bool PhraseMatcher::uncertain(std::string_view text) const {
  return contains_any(text, uncertainty_);
}

std::vector<std::string> PhraseMatcher::terms(std::string_view text, std::size_t max_bytes) const {
  const std::size_t limit = std::min(text.size(), max_bytes);
  std::vector<std::string> out;
  std::set<std::string> seen;
  std::size_t at = 0;
  while (at < limit) {
    if (!scan::is_word_code_point(scan::decode_at(text, at).value)) {
      at += scan::decode_at(text, at).size;
      continue;
    }
    std::string word;
    while (at < limit) {
      const scan::CodePoint cp = scan::decode_at(text, at);
      if (scan::is_word_code_point(cp.value)) {
        if (cp.value >= 'A' && cp.value <= 'Z') {
          word += static_cast<char>(cp.value - 'A' + 'a');
        } else {
          word += text.substr(at, cp.size);
        }
      } else if (scan::is_apostrophe(cp.value) && scan::inside_word(text, at) &&
                 at + cp.size < limit) {
        word += '\'';
      } else {
        break;
      }
      at += cp.size;
    }
    // A word cut by the byte limit is not the word the answer used.
    const bool cut =
        limit < text.size() && (at > limit || (at == limit && scan::inside_word(text, limit)));
    if (cut || word.size() < 3 || all_digits(word)) continue;
    if (std::binary_search(stopwords_.begin(), stopwords_.end(), word)) continue;
    if (seen.insert(word).second) out.push_back(std::move(word));
  }
  return out;
}

}  // namespace slipway::monitor
