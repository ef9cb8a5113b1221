#pragma once
// What the drift detectors read from one answer's text: does it refuse, does it hedge, and
// which terms does it use. The phrase lists come from a YAML file (or the defaults below), so
// operators tune them for their domain and language.
#include <cstddef>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace slipway::monitor {

class PhraseFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct PhraseLists {
  std::vector<std::string> refusal;      // "I can't help with", "I'm unable to", ...
  std::vector<std::string> uncertainty;  // "I'm not sure", "I don't know", "it might be", ...
  std::vector<std::string> stopwords;    // left out of terms ("the", "and", ...)

  // English defaults (about 30 refusal and 30 uncertainty phrases, about 150 stopwords).
  static PhraseLists defaults();
  // YAML: {refusal: [...], uncertainty: [...], stopwords: [...]}; each key is optional (an
  // absent key keeps the default, an empty list disables it); `extend: true` at the top adds
  // to the defaults instead of replacing them. Unknown keys are errors. Throws PhraseFileError
  // naming the file (and line, for YAML errors).
  static PhraseLists from_yaml(const std::string& text, const std::string& source);
  static PhraseLists from_file(const std::filesystem::path& file);
};

// Matches phrases case-insensitively (ASCII letters) on word boundaries, with typographic
// apostrophes (’) read as ', and runs of whitespace read as one space; only an answer's first
// 16 KiB are searched. Built once, used from many threads.
class PhraseMatcher {
 public:
  explicit PhraseMatcher(PhraseLists lists);
  bool refuses(std::string_view text) const;
  bool uncertain(std::string_view text) const;
  // Lower-cased words of letters and digits (UTF-8 letters kept whole; apostrophes inside a
  // word kept), at least 3 bytes long, not a stopword and not all digits. Only the first
  // `max_bytes` of the text are read (a word cut there is left out). Each term once, in the
  // order of first use.
  std::vector<std::string> terms(std::string_view text, std::size_t max_bytes = 16'384) const;
  const PhraseLists& lists() const { return lists_; }

 private:
  PhraseLists lists_;
  std::vector<std::string> refusal_;      // normalized
  std::vector<std::string> uncertainty_;  // normalized
  std::vector<std::string> stopwords_;    // sorted
};

}  // namespace slipway::monitor
