#pragma once
// Internal: SQL and location text the PostgreSQL store rewrites.
#include <string>
#include <string_view>

namespace slipway::store::detail {

// `?` placeholders become $1, $2, ... (in order); a `?` inside a '...' literal (with ''
// escapes, E'...' with backslash escapes), a "..." identifier, a $tag$...$tag$ body or a
// -- or /* */ comment stays as it is. `count` receives the number of placeholders.
std::string rewrite_placeholders(std::string_view sql, int& count);

// A postgresql:// URL with its password (user:password@ or ?password=) replaced by ***.
std::string mask_password(std::string_view url);

}  // namespace slipway::store::detail
