#pragma once
// What an alert may do to a route, without the monitor knowing the traffic part: `app` adapts
// traffic::RouteActions to this, so monitor and traffic never include each other.
#include <string>

namespace slipway::monitor {

class AlertActions {
 public:
  virtual ~AlertActions() = default;
  // `version` is the alert's: an action is skipped (and says so) when that version no longer
  // serves the route, so a late alert never rolls back a healthy version.
  // Returns what happened, for the alert's action_result ("paused rollout 3", "no rollout
  // running", "rolled back to support/1", "skipped: ..."); throws std::exception with why it
  // could not.
  virtual std::string pause_rollout(const std::string& route, const std::string& version,
                                    const std::string& reason) = 0;
  virtual std::string roll_back(const std::string& route, const std::string& version,
                                const std::string& reason) = 0;
};

}  // namespace slipway::monitor
