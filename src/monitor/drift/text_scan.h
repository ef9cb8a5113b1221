#pragma once
// The character rules the phrase matcher and the term reader share: UTF-8 code points, which of
// them belong to words, and the normalized form phrases are matched in.
#include <cstddef>
#include <string>
#include <string_view>

namespace slipway::monitor::text_scan {

struct CodePoint {
  char32_t value = 0;    // U+FFFD for bytes that are not valid UTF-8
  std::size_t size = 1;  // bytes it takes
};

CodePoint decode_at(std::string_view text, std::size_t at);
// The code point that ends just before `end` (end > 0).
CodePoint decode_before(std::string_view text, std::size_t end);

// Letters and digits of any script; punctuation, symbols, spaces and invalid bytes are not.
bool is_word_code_point(char32_t cp);
// Apostrophes in the typographic forms (’ ‘ ʼ) as well as '.
bool is_apostrophe(char32_t cp);

// Does a word go on across `at` (the byte where a match starts or just after it ends)? True
// when the code points on both sides are word characters, or an apostrophe at `at` (or just
// before it) sits between two of them, as in "can't".
bool inside_word(std::string_view text, std::size_t at);

// ASCII lower-cased, apostrophes as ', every whitespace run (including no-break spaces) as one
// space, trimmed at both ends.
std::string normalize(std::string_view text);

}  // namespace slipway::monitor::text_scan
