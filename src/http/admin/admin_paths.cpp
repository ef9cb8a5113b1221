#include "http/admin/admin_paths.h"

namespace slipway::http {

namespace {

// The next '/'-separated segment of text (which starts after a '/'), advancing text past it.
std::string_view next_segment(std::string_view& text) {
  const std::size_t slash = text.find('/');
  const std::string_view segment = text.substr(0, slash);
  text = slash == std::string_view::npos ? std::string_view{} : text.substr(slash + 1);
  return segment;
}

}  // namespace

std::optional<PathParams> match_path(std::string_view pattern, std::string_view path) {
  if (pattern.empty() || path.empty() || pattern.front() != '/' || path.front() != '/') {
    return std::nullopt;
  }
  pattern.remove_prefix(1);
  path.remove_prefix(1);
  PathParams params;
  for (;;) {
    if (pattern.empty() || path.empty()) {
      if (pattern.empty() && path.empty()) return params;
      return std::nullopt;
    }
    const std::string_view want = next_segment(pattern);
    const std::string_view have = next_segment(path);
    if (want.size() > 2 && want.front() == '{' && want.back() == '}') {
      if (have.empty()) return std::nullopt;
      params.emplace(std::string(want.substr(1, want.size() - 2)), std::string(have));
    } else if (want != have) {
      return std::nullopt;
    }
  }
}

std::string_view trim_trailing_slash(std::string_view path) {
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  return path;
}

}  // namespace slipway::http
