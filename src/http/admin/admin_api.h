#pragma once
// The admin REST API under /admin/v1/ (docs/admin-api.md): registry operations and the models
// a running server serves. Handlers are plain blocking functions (they wait for durable store
// writes and model loads), so the connection runs them on the server's admin thread pool,
// never on an I/O thread. JSON in, JSON out, errors in the OpenAI format.
#include <boost/beast/http/verb.hpp>
#include <map>
#include <memory>
#include <string>

#include "backends/backend.h"
#include "http/admin/model_loader.h"
#include "registry/registry.h"

namespace slipway::http {

struct AdminRequest {
  boost::beast::http::verb method = boost::beast::http::verb::get;
  std::string path;                          // decoded, without the query, e.g. /admin/v1/models
  std::map<std::string, std::string> query;  // decoded query parameters
  backends::Json body;                       // null when the request had no body
  std::string actor;                         // who asks: the API key's name, or "local"
};

struct AdminResponse {
  int status = 200;
  backends::Json body;  // null: no body (204)
  std::string allow;    // for 405: the methods the path takes
};

class AdminApi {
 public:
  // Either may be null: its endpoints then answer 503 saying what is not configured.
  AdminApi(registry::Registry* registry, std::shared_ptr<ModelLoader> loader);
  // Never throws: every error becomes an OpenAI-style error body with its status.
  AdminResponse handle(const AdminRequest& request) const;

 private:
  registry::Registry* registry_;
  std::shared_ptr<ModelLoader> loader_;
};

}  // namespace slipway::http
