#pragma once
// UTF-8 helpers that reproduce JavaScript string semantics (whitespace, UTF-16 length, case).
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "text/utf8.h"

namespace slipway::text::jinja {

std::vector<std::string_view> split_code_points(std::string_view s);

// Byte length of the JS whitespace/line terminator (as matched by /\s/) at s[i], or 0.
std::size_t js_space_at(std::string_view s, std::size_t i);
std::string_view js_trim_start(std::string_view s);
std::string_view js_trim_end(std::string_view s);
std::string_view js_trim(std::string_view s);

std::size_t utf16_length(std::string_view s);
// s.at(index) in UTF-16 units; empty when out of range. A split surrogate pair yields U+FFFD.
bool utf16_at(std::string_view s, long long index, std::string& out);

// String.prototype.toUpperCase/toLowerCase for Latin, Greek and Cyrillic letters.
std::string js_upper(std::string_view s);
std::string js_lower(std::string_view s);

}  // namespace slipway::text::jinja
