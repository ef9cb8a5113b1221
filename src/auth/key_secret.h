#pragma once
// Key secrets: "slp_" + 43 base64url characters of 32 random bytes (OpenSSL RAND_bytes).
// Stored as the SHA-256 of the whole secret: the secrets are random and long, so a slow
// password hash would add nothing but latency to every request.
#include <string>
#include <string_view>

namespace slipway::auth {

std::string generate_secret();                     // throws std::runtime_error if RAND fails
std::string hash_secret(std::string_view secret);  // 64 lowercase hex characters
std::string generate_key_id();                     // "key_" + 16 hex characters
// Whether text looks like one of our secrets (prefix and length), to tell a mistyped
// key from another kind of credential in error messages.
bool looks_like_secret(std::string_view text);

}  // namespace slipway::auth
