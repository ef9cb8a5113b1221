#pragma once
// The body of POST /admin/v1/models/{name}/versions as a registry::RegisterRequest
// (docs/admin-api.md, RegisterRequest). Unknown fields, a missing source and fields that do not
// apply to the source's kind are 400; values of the wrong type 422; each names its field.
// Paths are taken as they are and must be absolute: the server reads them on its own machine.
#include <string>

#include "backends/backend.h"
#include "registry/registry.h"

namespace slipway::http {

registry::RegisterRequest register_request_from_body(const backends::Json& body,
                                                     const std::string& model,
                                                     const std::string& actor);

}  // namespace slipway::http
