#include "http/admin/admin_errors.h"

#include <exception>
#include <nlohmann/json.hpp>

#include "http/log.h"
#include "registry/registry_error.h"
#include "store/store_error.h"
#include "traffic/traffic_error.h"

namespace slipway::http {

using backends::ApiError;
using registry::RegistryError;
using store::StoreError;

namespace {

// True when the registry says this model does not exist; false when it exists or the lookup
// failed for another reason (then the route's own code stands).
bool model_missing(registry::Registry& registry, const std::string& model) {
  try {
    registry.get_model(model);
    return false;
  } catch (const RegistryError& e) {
    return e.code() == RegistryError::Code::NotFound;
  } catch (...) {
    return false;
  }
}

ApiError registry_error(const RegistryError& e, const ErrorContext& context) {
  switch (e.code()) {
    case RegistryError::Code::NotFound: {
      std::string code = context.not_found_code;
      if (context.registry != nullptr) {
        for (const auto& model : context.models) {
          if (model_missing(*context.registry, model)) {
            code = "model_not_found";
            break;
          }
        }
      }
      return ApiError::not_found(e.what(), code);
    }
    case RegistryError::Code::Conflict:
      return conflict_error(e.what(), context.conflict_code);
    case RegistryError::Code::Invalid:
      return ApiError::bad_request(e.what());
    case RegistryError::Code::StageRule:
      return conflict_error(e.what(), context.stage_rule_code);
    case RegistryError::Code::Integrity:
      return conflict_error(e.what(), "artifact_changed");
  }
  return ApiError::internal(e.what());
}

ApiError store_error(const StoreError& e) {
  if (e.kind() == StoreError::Kind::Conflict) {
    http_log().warn("admin: registry store busy: {}", e.what());
    ApiError error = ApiError::unavailable(
        "The registry database is busy with other writers; retry the request.");
    error.code = "store_busy";
    return error;
  }
  http_log().error("admin: registry store error: {}", e.what());
  return ApiError::internal("The registry database failed; the server log has the details.");
}

ApiError traffic_error(const traffic::TrafficError& e) {
  using Code = traffic::TrafficError::Code;
  switch (e.code()) {
    case Code::NotFound:
      return ApiError::not_found(e.what(), "route_not_found");
    case Code::Invalid:
      return ApiError::bad_request(e.what());
    case Code::Conflict:
      return conflict_error(e.what(), "conflict");
    case Code::Unhealthy:
      return conflict_error(e.what(), "target_unhealthy");
    case Code::Unavailable: {
      ApiError error = ApiError::unavailable(e.what());
      error.code = "version_unavailable";
      return error;
    }
  }
  return ApiError::internal(e.what());
}

}  // namespace

ApiError current_exception_error(const ErrorContext& context) {
  try {
    throw;
  } catch (const ApiError& e) {
    return e;
  } catch (const RegistryError& e) {
    return registry_error(e, context);
  } catch (const traffic::TrafficError& e) {
    return traffic_error(e);
  } catch (const StoreError& e) {
    return store_error(e);
  } catch (const nlohmann::json::exception& e) {
    return ApiError::invalid_field(std::string("Invalid request body: ") + e.what());
  } catch (const std::exception& e) {
    http_log().error("admin: request failed: {}", e.what());
    return ApiError::internal("The admin request failed; the server log has the details.");
  } catch (...) {
    http_log().error("admin: request failed with a non-standard exception");
    return ApiError::internal("The admin request failed; the server log has the details.");
  }
}

ApiError conflict_error(std::string message, std::string code) {
  return ApiError{409, std::move(message), "invalid_request_error",
                  {},  std::move(code),    std::nullopt};
}

}  // namespace slipway::http
