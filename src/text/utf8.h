#pragma once
// UTF-8 encoding and decoding shared by the tokenizer and the template engine.
#include <cstddef>
#include <string>
#include <string_view>

namespace slipway::text {

// The code point at s[i], advancing i past it; an invalid or truncated sequence gives U+FFFD
// and advances one byte.
char32_t decode_utf8(std::string_view s, std::size_t& i);
// Appends cp as UTF-8; a lone surrogate becomes U+FFFD.
void append_utf8(std::string& out, char32_t cp);

}  // namespace slipway::text
