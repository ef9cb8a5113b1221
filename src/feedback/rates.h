#pragma once
// Satisfaction and task completion per route, version, arm and time window, for the rollout
// gates and the dashboard. Windows are by the time the answer was served (so both arms of a
// rollout are compared over the same window); every user's rating is one sample.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "feedback/json.h"
#include "store/store.h"

namespace slipway::feedback {

struct RateQuery {
  std::string route;    // "" all
  std::string version;  // "" all
  std::string arm;      // "" all
  int64_t since_ms = 0;
  int64_t until_ms = 0;   // exclusive; 0: no end
  int64_t window_ms = 0;  // 0: one window over the whole range
};

struct RateWindow {
  std::string route, version, arm;
  int64_t start_ms = 0;  // window start (aligned to window_ms since the epoch), or since_ms
  int64_t window_ms = 0;
  int64_t answers = 0;  // answers served (choice 0 rows)
  int64_t thumbs_up = 0;
  int64_t thumbs_down = 0;
  int64_t completion_reports = 0;  // ratings that said task_completed true or false
  int64_t completed = 0;
  // up / (up + down); completed / reports; absent without samples (never 0 by default).
  std::optional<double> thumbs_up_share() const;
  std::optional<double> completion_rate() const;
};

Json rate_window_to_json(const RateWindow& window);
// Ordered by route, version, arm, start.
std::vector<RateWindow> feedback_rates(store::Store& store, const RateQuery& query);

}  // namespace slipway::feedback
