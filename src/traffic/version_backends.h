#pragma once
// How traffic reaches the versions it routes to. Declared here, implemented by the server's
// model loader in `app` (traffic never loads models itself).
#include <memory>
#include <string>

#include "backends/backend.h"

namespace slipway::traffic {

class VersionBackends {
 public:
  virtual ~VersionBackends() = default;
  // The loaded backend serving version "model/N", or null. Cheap and thread-safe: called per
  // request.
  virtual std::shared_ptr<backends::Backend> find(const std::string& version) = 0;
  // Loads the version when it is not loaded (blocking); throws TrafficError(Unavailable) or
  // registry::RegistryError when it cannot be.
  virtual void ensure_loaded(const std::string& version) = 0;
};

}  // namespace slipway::traffic
