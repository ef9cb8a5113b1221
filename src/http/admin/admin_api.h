#pragma once
// The admin REST API under /admin/v1/ (docs/admin-api.md): registry operations and the models
// a running server serves, the response log, routes with their rollouts, monitoring and API keys.
// Handlers are plain blocking functions (they wait for durable store writes and model loads), so
// the connection runs them on the server's admin thread pool, never on an I/O thread. JSON in, JSON
// out, errors in the OpenAI format.
#include <boost/beast/http/verb.hpp>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "auth/key_ring.h"
#include "backends/backend.h"
#include "feedback/feedback_log.h"
#include "http/admin/model_loader.h"
#include "monitor/monitor_service.h"
#include "registry/registry.h"
#include "traffic/traffic_service.h"

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
  backends::Json body;  // null: no body (204), unless raw_body is set
  std::string allow;    // for 405: the methods the path takes
  // A non-JSON answer (a dataset download): sent as is with this content type and headers.
  std::optional<std::string> raw_body;
  std::string content_type;
  std::map<std::string, std::string> headers;
};

class AdminApi {
 public:
  // Any may be null: its endpoints then answer 503 saying what is not configured. `keys` is
  // the ring the server authenticates with; the key endpoints need it to have a store, and
  // reload it after each change.
  AdminApi(registry::Registry* registry, std::shared_ptr<ModelLoader> loader,
           std::shared_ptr<feedback::FeedbackLog> feedback = nullptr,
           std::shared_ptr<traffic::TrafficService> traffic = nullptr,
           std::shared_ptr<monitor::MonitorService> monitor = nullptr,
           std::shared_ptr<auth::KeyRing> keys = nullptr);
  // Never throws: every error becomes an OpenAI-style error body with its status.
  AdminResponse handle(const AdminRequest& request) const;

 private:
  registry::Registry* registry_;
  std::shared_ptr<ModelLoader> loader_;
  std::shared_ptr<feedback::FeedbackLog> feedback_;
  std::shared_ptr<traffic::TrafficService> traffic_;
  std::shared_ptr<monitor::MonitorService> monitor_;
  std::shared_ptr<auth::KeyRing> keys_;
};

}  // namespace slipway::http
