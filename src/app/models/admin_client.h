#pragma once
// A small synchronous HTTP client for a slipway server's admin API (/admin/v1/...): plain TCP
// or TLS (certificate and host name verified against the system store, or $SSL_CERT_FILE), a
// bearer key, JSON in and out, one connection per call. Errors are runtime_errors meant for
// the user: the server's own error message for HTTP errors, and the URL for a server that
// cannot be reached.
#include <chrono>
#include <string>
#include <string_view>

#include "backends/upstream/url.h"
#include "registry/records.h"

namespace slipway::app::models {

struct AdminClientOptions {
  std::chrono::milliseconds connect_timeout{10'000};
  // Registration hashes every file on the server before it answers: allow for large models.
  std::chrono::milliseconds read_timeout{30 * 60'000};
};

struct AdminReply {
  int status = 0;
  std::string body;
};

// The server's error: message as the server wrote it.
class AdminError : public std::runtime_error {
 public:
  AdminError(int status, std::string code, const std::string& message)
      : std::runtime_error(message), status_(status), code_(std::move(code)) {}
  int status() const { return status_; }
  const std::string& code() const { return code_; }

 private:
  int status_;
  std::string code_;
};

class AdminClient {
 public:
  // server_url: "http(s)://host[:port][/prefix]". Throws std::invalid_argument when it is not.
  AdminClient(std::string server_url, std::string api_key, AdminClientOptions options = {});

  // One exchange; target is the path under the server root (e.g. "/admin/v1/models?x=y").
  // Throws runtime_error when the server cannot be reached or the answer is not HTTP.
  AdminReply send(std::string_view method, const std::string& target, const std::string& body);

  // JSON in (null: no body), JSON out. A status >= 300 throws AdminError with the server's
  // message; an answer that is not JSON throws runtime_error.
  registry::Json call(std::string_view method, const std::string& target,
                      const registry::Json& body = nullptr);

  const std::string& url() const { return server_url_; }

 private:
  std::string server_url_;
  backends::Url url_;
  std::string api_key_;
  AdminClientOptions options_;
};

// Percent-encodes everything but unreserved characters (RFC 3986), for path segments and
// query values.
std::string url_encode(std::string_view text);

}  // namespace slipway::app::models
