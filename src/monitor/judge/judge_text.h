#pragma once
// Texts the judge reads or the store keeps, cut to a byte budget without
// splitting a UTF-8 character (PostgreSQL refuses invalid UTF-8).
#include <cstddef>
#include <string>
#include <string_view>

namespace slipway::monitor {

// `text` when it fits in `max_bytes`; else its first bytes up to a character
// boundary, with "…[truncated]" appended.
std::string cut_utf8(std::string_view text, std::size_t max_bytes);

}  // namespace slipway::monitor
