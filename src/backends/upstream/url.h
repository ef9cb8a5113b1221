#pragma once
// Base URLs of upstream servers: "http(s)://host[:port][/base/path]", with IPv6 literals in
// brackets. Parsed once, so requests only append paths to base_path.
#include <cstdint>
#include <string>
#include <string_view>

namespace slipway::backends {

struct Url {
  std::string scheme;     // "http" or "https"
  std::string host;       // without brackets: "::1", "example.com"
  uint16_t port = 0;      // explicit or the scheme's default
  std::string base_path;  // no trailing '/': "" or "/v1"

  bool tls() const { return scheme == "https"; }
  bool ipv6_literal() const { return host.find(':') != std::string::npos; }
  // The Host header: brackets around IPv6, the port only when it is not the default.
  std::string host_header() const;
  // "scheme://host:port": the key of a connection pool.
  std::string origin() const;
  // base_path without a trailing "/v1": where vLLM serves /tokenize and /detokenize.
  std::string root_path() const;
};

// Throws std::invalid_argument naming the URL when it is not an http(s) base URL.
Url parse_url(std::string_view text);

}  // namespace slipway::backends
