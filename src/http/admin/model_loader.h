#pragma once
// What the admin API needs from whoever loads models (the app): load a registered version
// for serving under a name, unload it, and list what is served with its memory. Declared
// here so that `http` does not depend on `app`; implemented in app/serve.
#include <string>

#include "backends/backend.h"

namespace slipway::http {

class ModelLoader {
 public:
  virtual ~ModelLoader() = default;
  // {"object": "list", "data": [{"name", "version", "source", "memory_bytes", ...}],
  //  "memory_budget_bytes", "memory_used_bytes"}
  virtual backends::Json list() = 0;
  // Body of POST /admin/v1/served: {"version": "name@alias" | "name/3", "name"?: served name}.
  // Blocks until loaded (artifacts verified, admission checked); returns the served entry.
  // Throws backends::ApiError (404 unknown version, 409 memory budget or integrity or stage,
  // 400 bad body) or registry::RegistryError.
  virtual backends::Json load(const backends::Json& body, const std::string& actor) = 0;
  // Removes a served model; requests already running finish. 404 when not served.
  virtual void unload(const std::string& name, const std::string& actor) = 0;
};

}  // namespace slipway::http
