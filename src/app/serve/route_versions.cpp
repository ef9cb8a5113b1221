#include "app/serve/route_versions.h"

#include "traffic/traffic_error.h"

namespace slipway::app {

RouteVersions::RouteVersions(std::shared_ptr<ServedModels> loader,
                             std::shared_ptr<backends::BackendSet> backends)
    : loader_(std::move(loader)), backends_(std::move(backends)) {}

std::shared_ptr<backends::Backend> RouteVersions::find(const std::string& version) {
  return backends_->find(version);
}

void RouteVersions::ensure_loaded(const std::string& version) {
  try {
    loader_->load(backends::Json{{"version", version}}, "traffic");
  } catch (const backends::ApiError& e) {
    throw traffic::TrafficError(traffic::TrafficError::Code::Unavailable,
                                "cannot load " + version + ": " + e.message);
  }
}

}  // namespace slipway::app
