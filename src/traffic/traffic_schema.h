#pragma once
// The traffic part's tables (module "traffic" in schema_migrations):
//   traffic_routes          one row per route: stable, canary + weight, salt, shadows (JSON
//                           array), fallback, generation, times
//   traffic_stable_history  every change of a route's stable version (route, seq, version,
//                           previous, actor, reason, at): what rollback goes back to
//   traffic_rollouts        rollouts with their plan (JSON), salt, state, step, step start
//   traffic_events          the audit trail of routes and rollouts (kind, actor, reason,
//                           detail JSON, at)
// Times are ms since the Unix epoch. Every change notifies channel "traffic" with the route.
#include "store/store.h"

namespace slipway::traffic {

constexpr const char* kTrafficChannel = "traffic";

// Brings the tables to this binary's version (store::migrate); throws StoreError.
void migrate_traffic(store::Store& store);

}  // namespace slipway::traffic
