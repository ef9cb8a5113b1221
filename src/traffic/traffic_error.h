#pragma once
// Traffic errors carry a code the HTTP edge maps to a status (NotFound 404, Invalid 400,
// Conflict 409, Unhealthy 409, Unavailable 503) and the CLI prints as it is.
#include <stdexcept>
#include <string>

namespace slipway::traffic {

class TrafficError : public std::runtime_error {
 public:
  enum class Code {
    NotFound,     // route, rollout or version unknown
    Invalid,      // bad name, weight, plan, canary == stable, ...
    Conflict,     // route exists, a rollout already runs, no previous version, wrong state
    Unhealthy,    // a rollback or rollout target failed its health check (use force)
    Unavailable,  // a version cannot be loaded (memory budget, missing files)
  };
  TrafficError(Code code, const std::string& message) : std::runtime_error(message), code_(code) {}
  Code code() const { return code_; }

 private:
  Code code_;
};

}  // namespace slipway::traffic
