#pragma once
// Splits a request target into its path and query and percent-decodes both (RFC 3986; in the
// query "+" also means a space, as HTML forms send it).
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace slipway::http {

// "%41b" -> "Ab". Nullopt for a malformed escape ("%4", "%zz") or an encoded NUL byte.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space = false);

struct Target {
  std::string path;                          // decoded
  std::map<std::string, std::string> query;  // decoded; a repeated name keeps its last value
};

// "/a%20b?x=1&y" -> {"/a b", {x: "1", y: ""}}. Nullopt when an escape is malformed.
std::optional<Target> parse_target(std::string_view target);

// Only the query part (without the '?'); nullopt when an escape is malformed.
std::optional<std::map<std::string, std::string>> parse_query(std::string_view query);

}  // namespace slipway::http
