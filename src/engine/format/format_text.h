#pragma once
// Building the one-line messages of FormatError (private to engine/format).
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace slipway::engine::format_text {

// "PATH: PROBLEM" as a FormatError, with any line breaks flattened to keep it one line.
[[noreturn]] void fail(const std::filesystem::path& source, std::string_view problem);
// A name from an untrusted file, quoted with control characters escaped.
std::string quote_name(std::string_view name);
// "[2,3]"
std::string shape_text(const std::vector<int64_t>& shape);

}  // namespace slipway::engine::format_text
