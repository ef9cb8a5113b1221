#pragma once
// The evaluator's acting half (internal to the monitor): what each alert rule makes of a
// series' drift report and quality trend, and applying that to the alert store, the rule's
// action and the webhooks.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "monitor/evaluator_series.h"
#include "monitor/monitor_evaluator.h"

namespace slipway::monitor {

// A rule's conclusion about one (route, version): its condition holds (fire, with the
// figures), or it was measured and does not hold (clear). A rule that could not tell (too
// few answers, no baseline) concludes nothing, which leaves an active alert as it is.
struct Finding {
  const AlertRule* rule = nullptr;
  bool fire = false;
  AlertFiring firing;  // rule, route and version always; the rest when firing
};

std::optional<Finding> drift_finding(const AlertRule& rule, const SeriesStatus& series,
                                     const TimeRange& window);
std::optional<Finding> quality_finding(const AlertRule& rule, const SeriesStatus& series,
                                       const QualitySettings& settings);

// One finding per rule, route and version (a version may run on several arms): a firing
// beats a clear, and the more severe firing wins.
std::vector<Finding> merge_findings(std::vector<Finding> findings);

struct AlertOutcome {
  bool fired = false;  // this call created the alert
  bool refreshed = false;
  bool resolved = false;  // this call resolved it
};

// Fires or resolves the finding's alert. Whoever creates an alert runs the rule's action
// (its result, or why it failed, is stored with the alert) and posts it to the webhooks;
// whoever resolves one posts that. Throws store::StoreError.
AlertOutcome apply_finding(store::Store& store, const Finding& finding, AlertActions* actions,
                           WebhookNotifier* webhooks, int64_t now_ms);

}  // namespace slipway::monitor
