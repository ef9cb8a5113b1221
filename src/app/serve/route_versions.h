#pragma once
// traffic::VersionBackends over the server's loaded models: a route's "model/N" is found
// through the backend set's version resolver (whatever name it is served under) and loaded
// through ServedModels, as `POST /admin/v1/served` would, when it is not loaded yet.
#include <memory>
#include <string>

#include "app/serve/model_loader.h"
#include "backends/backend_set.h"
#include "traffic/version_backends.h"

namespace slipway::app {

class RouteVersions : public traffic::VersionBackends {
 public:
  RouteVersions(std::shared_ptr<ServedModels> loader,
                std::shared_ptr<backends::BackendSet> backends);

  std::shared_ptr<backends::Backend> find(const std::string& version) override;
  // Throws traffic::TrafficError(Unavailable) with the loader's reason (memory budget, missing
  // files, archived) or registry::RegistryError (unknown version).
  void ensure_loaded(const std::string& version) override;

 private:
  std::shared_ptr<ServedModels> loader_;
  std::shared_ptr<backends::BackendSet> backends_;
};

}  // namespace slipway::app
