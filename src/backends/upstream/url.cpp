#include "backends/upstream/url.h"

#include <charconv>
#include <stdexcept>

namespace slipway::backends {
namespace {

[[noreturn]] void fail(std::string_view text, const char* why) {
  throw std::invalid_argument("invalid upstream URL '" + std::string(text) + "': " + why);
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Appends, rather than "[" + host + "]": GCC 12 at -O3 warns (-Wrestrict) on the latter.
void append_host(std::string& out, const std::string& host, bool ipv6) {
  if (ipv6) out.push_back('[');
  out.append(host);
  if (ipv6) out.push_back(']');
}

}  // namespace

std::string Url::host_header() const {
  std::string out;
  append_host(out, host, ipv6_literal());
  const uint16_t default_port = tls() ? 443 : 80;
  if (port != default_port) {
    out.push_back(':');
    out.append(std::to_string(port));
  }
  return out;
}

std::string Url::origin() const {
  std::string out = scheme;
  out.append("://");
  append_host(out, host, ipv6_literal());
  out.push_back(':');
  out.append(std::to_string(port));
  return out;
}

std::string Url::root_path() const {
  constexpr std::string_view v1 = "/v1";
  if (base_path.size() >= v1.size() && base_path.ends_with(v1)) {
    return base_path.substr(0, base_path.size() - v1.size());
  }
  return base_path;
}

Url parse_url(std::string_view text) {
  Url url;
  const auto scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) fail(text, "missing scheme (http:// or https://)");
  url.scheme = lower(text.substr(0, scheme_end));
  if (url.scheme != "http" && url.scheme != "https") fail(text, "scheme must be http or https");
  std::string_view rest = text.substr(scheme_end + 3);

  const auto path_start = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, path_start);
  std::string_view path = path_start == std::string_view::npos ? "" : rest.substr(path_start);
  if (authority.find('@') != std::string_view::npos) {
    fail(text, "credentials in the URL are not supported (use api_key)");
  }
  if (!path.empty() && path.front() != '/') fail(text, "queries and fragments are not supported");
  if (path.find_first_of("?#") != std::string_view::npos) {
    fail(text, "queries and fragments are not supported");
  }

  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) fail(text, "unclosed '[' in IPv6 address");
    url.host = std::string(authority.substr(1, close - 1));
    const auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') fail(text, "unexpected text after IPv6 address");
      port_text = after.substr(1);
      if (port_text.empty()) fail(text, "empty port");
    }
    if (url.host.find(':') == std::string::npos) fail(text, "bracketed host is not IPv6");
  } else {
    const auto colon = authority.find(':');
    url.host = lower(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) fail(text, "empty port");
      if (port_text.find(':') != std::string_view::npos) {
        fail(text, "IPv6 addresses need brackets");
      }
    }
  }
  if (url.host.empty()) fail(text, "missing host");

  url.port = url.tls() ? 443 : 80;
  if (!port_text.empty()) {
    unsigned value = 0;
    const auto [end, ec] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || value == 0 ||
        value > 65535) {
      fail(text, "port must be a number from 1 to 65535");
    }
    url.port = static_cast<uint16_t>(value);
  }

  url.base_path = std::string(path);
  while (!url.base_path.empty() && url.base_path.back() == '/') url.base_path.pop_back();
  return url;
}

}  // namespace slipway::backends
