#pragma once
// Oniguruma-compatible regex matching (as HF tokenizers uses) on top of PCRE2 with JIT.
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace slipway::text {

class Regex {
 public:
  // Throws TokenizerError prefixed with `where` when the pattern does not compile.
  Regex(std::string_view pattern, const std::string& where);
  // Non-empty matches, left to right, as [start, end) byte offsets. text must be valid UTF-8.
  std::vector<std::pair<size_t, size_t>> find_all(std::string_view text) const;
  // True if the pattern matches at exactly `offset` (used for word-character checks).
  bool matches_at(std::string_view text, size_t offset) const;

 private:
  struct Code;
  std::shared_ptr<Code> code_;
};

// Rewrites Oniguruma syntax that PCRE2 reads differently: \s and \S mean White_Space there.
std::string translate_oniguruma(std::string_view pattern);
// Escapes every metacharacter so the text matches literally.
std::string escape_regex(std::string_view text);

}  // namespace slipway::text
