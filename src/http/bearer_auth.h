#pragma once
// Checks "Authorization: Bearer KEY" against the configured key in constant time, so the
// comparison's duration does not leak how much of a guessed key was right.
#include <string_view>

namespace slipway::http {

// The token of an "Authorization" header value ("Bearer abc" -> "abc"); empty when the value
// is not a bearer credential. The scheme is case-insensitive, as RFC 7235 says.
std::string_view bearer_token(std::string_view authorization);

bool keys_equal(std::string_view presented, std::string_view expected);

}  // namespace slipway::http
