#pragma once
// What other parts may do to a route without knowing the traffic part: pause its rollout or
// roll it back. The monitoring part's alert rules act through this (wired by `app`), so monitor
// and traffic never include each other. TrafficService implements it.
#include <string>

namespace slipway::traffic {

class RouteActions {
 public:
  virtual ~RouteActions() = default;
  // Pauses the route's running rollout; false when it has none running (nothing to do).
  virtual bool pause_rollout(const std::string& route, const std::string& actor,
                             const std::string& reason) = 0;
  // Rolls the route back (to the stable version during a rollout, else the previous stable),
  // health-checked like `slipway rollback`. Throws TrafficError when it cannot.
  virtual void roll_back(const std::string& route, const std::string& actor,
                         const std::string& reason) = 0;
};

}  // namespace slipway::traffic
