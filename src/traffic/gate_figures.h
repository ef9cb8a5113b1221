#pragma once
// Where the rollout controller reads each arm's figures. Declared here and implemented in
// `app` over the monitor's metric windows and the feedback rates, so traffic, monitor and
// feedback never include each other.
#include <cstdint>
#include <string>

#include "traffic/gates.h"

namespace slipway::traffic {

class GateFigures {
 public:
  virtual ~GateFigures() = default;
  // What `version` answered on `route` as `arm` over [since_ms, until_ms), all replicas.
  virtual ArmFigures figures(const std::string& route, const std::string& version,
                             const std::string& arm, int64_t since_ms, int64_t until_ms) = 0;
};

}  // namespace slipway::traffic
