#pragma once
// The monitor's tables (module "monitor"): monitor_windows (per-minute traffic windows),
// monitor_judge_scores and monitor_judge_pairs (the judge's results), monitor_drift_slots (drift
// signals per slot and replica) and monitor_alerts.
#include "store/store.h"

namespace slipway::monitor {

// Brings the monitor's tables to this binary's version. Idempotent.
void migrate_monitor(store::Store& store);

}  // namespace slipway::monitor
