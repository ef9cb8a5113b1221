// What a route or rollout must satisfy before it is stored: only pinned versions, so what
// serves a route never moves under it when an alias moves.
#include <string>

#include "registry/registry_error.h"
#include "registry/version_ref.h"
#include "traffic/bucketing.h"
#include "traffic/route_rows.h"
#include "traffic/traffic_error.h"

namespace slipway::traffic::rows {

namespace {

[[noreturn]] void invalid(const std::string& message) {
  throw TrafficError(TrafficError::Code::Invalid, message);
}

}  // namespace

void check_route_name(const std::string& name) {
  if (!valid_route_name(name)) {
    invalid("Invalid route name \"" + name +
            "\": use letters, digits, '.', '_' and '-', starting with a letter or digit, at "
            "most 128 characters.");
  }
}

void check_pinned_version(const std::string& field, const std::string& version) {
  registry::VersionRef ref;
  try {
    ref = registry::parse_version_ref(version);
  } catch (const registry::RegistryError& e) {
    invalid("\"" + field + "\": " + e.what());
  }
  // Aliases and labels would let the version move without the route knowing; "m/03" would
  // name m/3 under a second spelling.
  if (!ref.number || ref.to_string() != version) {
    invalid("\"" + field + "\" must be a pinned version \"model/N\" (e.g. \"" + ref.model +
            "/3\"), not \"" + version + "\".");
  }
}

void check_route(const Route& route) {
  check_route_name(route.name);
  check_pinned_version("stable", route.stable);
  if (route.canary_weight_bp < 0 || route.canary_weight_bp > kBuckets) {
    invalid("The canary weight must be between 0 and 100%, not " +
            std::to_string(route.canary_weight_bp) + " basis points.");
  }
  if (route.canary.empty()) {
    if (route.canary_weight_bp != 0) invalid("A canary weight needs a canary version.");
  } else {
    check_pinned_version("canary", route.canary);
    if (route.canary == route.stable) {
      invalid("The canary " + route.canary + " is the route's stable version.");
    }
  }
  for (const std::string& shadow : route.shadows) check_pinned_version("shadows", shadow);
  if (!route.fallback.empty()) check_pinned_version("fallback", route.fallback);
}

void check_rollout(const Rollout& rollout) {
  check_route_name(rollout.route);
  check_pinned_version("stable", rollout.stable);
  check_pinned_version("canary", rollout.canary);
  if (rollout.canary == rollout.stable) {
    invalid("The canary " + rollout.canary + " is the route's stable version.");
  }
  if (rollout.step < 0) invalid("A rollout's step cannot be negative.");
}

}  // namespace slipway::traffic::rows
