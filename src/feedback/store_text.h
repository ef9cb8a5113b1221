#pragma once
// Internal: text as both stores accept it. Route, user and ids can come from HTTP headers, so
// they may hold invalid UTF-8 or NUL bytes, which PostgreSQL's TEXT refuses (failing a whole
// batch); such bytes become U+FFFD and NULs are dropped.
#include <string>
#include <string_view>

namespace slipway::feedback {

std::string store_text(std::string_view text);

}  // namespace slipway::feedback
