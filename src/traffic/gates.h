#pragma once
// Rollout gates: the canary's figures against the stable version's over the same window, with
// the seed's defaults. Pure arithmetic, no I/O: the controller feeds it what GateFigures read.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "traffic/json.h"

namespace slipway::traffic {

// What one arm did over a window. Rates are fractions (0..1); absent when not tracked.
struct ArmFigures {
  int64_t requests = 0;                       // answered requests (any status)
  int64_t errors = 0;                         // 5xx and 429 answers
  std::optional<double> p95_latency_seconds;  // of successful answers; absent without any
  // Task completion as applications report it (feedback task_completed), with its sample count.
  int64_t completion_reports = 0;
  std::optional<double> completion_rate;
  // Thumbs-up share (👍 / (👍 + 👎)) with its sample count.
  int64_t ratings = 0;
  std::optional<double> satisfaction;
  // Judged quality (mean judge score, 0-10) with its sample count; the monitoring issue fills it.
  int64_t judged = 0;
  std::optional<double> judged_quality;

  std::optional<double> error_rate() const;  // errors / requests; absent without requests
};

struct GateSettings {
  double completion_drop_points = 2.0;    // canary >= stable - 2 points
  double latency_p95_ratio = 1.2;         // canary p95 <= stable p95 x 1.2
  double error_rate_rise_points = 0.5;    // canary <= stable + 0.5 points
  double satisfaction_drop_points = 5.0;  // canary >= stable - 5 points
  double judged_quality_drop = 0.5;       // canary >= stable - 0.5 (score points, 0-10)
  int64_t min_feedback_samples = 20;      // per arm, for completion and satisfaction
  int64_t min_judged_samples = 20;        // per arm, for judged quality
};

enum class GateStatus {
  Pass,
  Fail,
  Waiting,     // tracked, but too few samples yet: never a pass
  NotTracked,  // neither arm has any sample of this kind (e.g. no task_completed reports)
};
std::string to_string(GateStatus status);

struct GateResult {
  std::string name;  // "completion_rate", "p95_latency", "error_rate", "satisfaction",
                     // "judged_quality"
  GateStatus status = GateStatus::Waiting;
  std::optional<double> stable;     // the stable arm's value
  std::optional<double> canary;     // the canary arm's value
  std::optional<double> threshold;  // the bound the canary must meet, from the stable value
  std::string detail;               // a sentence for people: why it waits, or by how much
};

// Every gate, in the order above. A gate a arm has too few samples for waits; a gate neither
// arm has any sample for is not tracked (completion, satisfaction, judged quality only: error
// rate and latency always track and wait for requests).
std::vector<GateResult> evaluate_gates(const ArmFigures& stable, const ArmFigures& canary,
                                       const GateSettings& settings);

Json gate_result_to_json(const GateResult& result);
Json arm_figures_to_json(const ArmFigures& figures);
Json gate_settings_to_json(const GateSettings& settings);
// Fields absent keep their defaults; unknown fields and bad values throw TrafficError(Invalid).
GateSettings gate_settings_from_json(const Json& json);

}  // namespace slipway::traffic
