#pragma once
// Text forms of what `slipway routes|rollout|rollback` print, from the traffic service's JSON
// (the admin API's bodies), so direct and remote mode print alike.
#include <string>

#include "app/traffic/traffic_client.h"

namespace slipway::app::traffic {

// `routes list`: ROUTE STABLE CANARY SHADOWS ROLLOUT, from {"data": [route...]}.
std::string render_routes_table(const Json& list);
// One line: "cs: stable support/3, canary support/4 at 20%, shadows support/5, fallback -".
std::string render_route_summary(const Json& route);
// `routes show`: the route's fields, its rollout (if any) and its stable history.
std::string render_route(const Json& route);
// `routes events` and the end of `rollout status`: TIME KIND ACTOR REASON (as given: newest
// first). An empty list says so.
std::string render_events_table(const Json& events);
// `rollout status` and the rollout commands: step i/n and weight, state and reason, window,
// one line per gate (name, stable, canary, threshold, status) and the last events.
std::string render_rollout_status(const Json& status);
// `rollback`: "cs: support/4 -> support/3 (switched in 12 ms)".
std::string render_rollback(const Json& result);

// 5 -> "5%", 12.5 -> "12.5%".
std::string format_percent(double percent);

}  // namespace slipway::app::traffic
