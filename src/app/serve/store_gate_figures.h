#pragma once
// traffic::GateFigures over the store: requests, errors and p95 latency from the monitor's
// per-minute windows, satisfaction and task completion from the feedback rates, judged quality
// from the judge's scores. All are
// written by every replica, so every replica's controller judges the same numbers.
#include "store/store.h"
#include "traffic/gate_figures.h"

namespace slipway::app {

class StoreGateFigures : public traffic::GateFigures {
 public:
  explicit StoreGateFigures(store::Store& store) : store_(store) {}
  traffic::ArmFigures figures(const std::string& route, const std::string& version,
                              const std::string& arm, int64_t since_ms, int64_t until_ms) override;

 private:
  store::Store& store_;
};

}  // namespace slipway::app
