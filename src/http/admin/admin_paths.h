#pragma once
// Matches an admin path against a pattern such as "/admin/v1/models/{name}/versions/{ref}",
// segment by segment; each "{param}" takes one non-empty segment. Paths arrive already
// percent-decoded.
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace slipway::http {

using PathParams = std::map<std::string, std::string, std::less<>>;

std::optional<PathParams> match_path(std::string_view pattern, std::string_view path);

// The path without one trailing slash ("/admin/v1/models/" -> "/admin/v1/models").
std::string_view trim_trailing_slash(std::string_view path);

}  // namespace slipway::http
