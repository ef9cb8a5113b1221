#pragma once
// UTF-8 helpers and Unicode normal forms used by the tokenizer pipeline.
#include <cstddef>
#include <string>
#include <string_view>

#include "text/utf8.h"

namespace slipway::text::unicode {

// Length of the valid UTF-8 sequence at s[i], or 0 when the bytes there are not one.
size_t sequence_length(std::string_view s, size_t i);
// Rust's String::from_utf8_lossy: each maximal invalid subpart becomes one U+FFFD.
std::string lossy(std::string_view bytes);
bool is_valid(std::string_view s);
// Rust's char::is_whitespace (the Unicode White_Space property).
bool is_whitespace(char32_t cp);
// Canonical composition / decomposition of valid UTF-8.
std::string nfc(std::string_view s);
std::string nfd(std::string_view s);

inline constexpr std::string_view kReplacementChar = "\xEF\xBF\xBD";

}  // namespace slipway::text::unicode
