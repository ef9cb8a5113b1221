#pragma once
// Turns whatever an admin handler throws into an OpenAI-style error and its status:
//   backends::ApiError          as it is
//   registry::RegistryError     NotFound 404 (model_not_found when a model the request names
//                               does not exist, else the route's code: version_not_found...),
//                               Conflict 409, Invalid 400, StageRule 409 (stage_rule, or
//                               version_archived where an archived version was used),
//                               Integrity 409 artifact_changed
//   traffic::TrafficError       NotFound 404 route_not_found, Invalid 400, Conflict 409,
//                               Unhealthy 409 target_unhealthy, Unavailable 503
//   store::StoreError           Conflict 503 (retryable); others 500, detail only in the log
//   nlohmann::json::exception   422 (a body field of the wrong type)
//   anything else               500, detail only in the log
#include <string>
#include <vector>

#include "backends/backend.h"
#include "registry/registry.h"

namespace slipway::http {

// What a route's registry errors mean, filled by the route table and the handler.
struct ErrorContext {
  std::string not_found_code = "not_found";  // NotFound when every named model exists
  std::string conflict_code = "conflict";
  std::string stage_rule_code = "stage_rule";
  // Models the request names; on NotFound, one that does not exist makes it model_not_found.
  std::vector<std::string> models;
  registry::Registry* registry = nullptr;  // to look those models up; may be null
};

// Call inside a catch block: the error for the exception being handled.
backends::ApiError current_exception_error(const ErrorContext& context);

backends::ApiError conflict_error(std::string message, std::string code);  // 409

}  // namespace slipway::http
