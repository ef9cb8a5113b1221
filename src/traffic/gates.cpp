// The gate arithmetic: each gate compares the canary's figure with a bound derived from the
// stable version's figure over the same window.
#include "traffic/gates.h"

#include <cmath>

#include "metrics/decimal_text.h"

namespace slipway::traffic {

namespace {

using metrics::trimmed_decimal;

// Equal values must pass even when the bound came out of floating-point arithmetic
// (0.9 - 0.02 is not exactly 0.88).
constexpr double kEpsilon = 1e-9;

std::string percent_text(double fraction) {
  return trimmed_decimal(fraction * 100, 2) + "%";
}
std::string seconds_text(double seconds) {
  return trimmed_decimal(seconds, 3) + " s";
}
std::string score_text(double score) {
  return trimmed_decimal(score, 2);
}
std::string points_text(double points) {
  return trimmed_decimal(points, 2) + " points";
}

std::string arm_counts(int64_t stable, int64_t canary) {
  return "(stable " + std::to_string(stable) + ", canary " + std::to_string(canary) + ")";
}

// A gate where higher is better and the canary may fall at most `drop` below the stable
// figure: completion rate, satisfaction and judged quality.
struct FloorGate {
  const char* name;
  const char* samples_word;  // what a sample is, for sentences
  int64_t stable_samples;
  int64_t canary_samples;
  std::optional<double> stable;
  std::optional<double> canary;
  double drop;             // in the figure's own unit
  std::string drop_words;  // "2 points", "0.5"
  int64_t min_samples;
  std::string (*show)(double);
};

GateResult judge_floor(const FloorGate& gate) {
  GateResult result{gate.name, GateStatus::Waiting, gate.stable, gate.canary, std::nullopt, ""};
  if (gate.stable) result.threshold = *gate.stable - gate.drop;
  if (gate.stable_samples <= 0 && gate.canary_samples <= 0) {
    result.status = GateStatus::NotTracked;
    result.detail = std::string("no ") + gate.samples_word + " on either arm";
    return result;
  }
  const int64_t fewest = std::min(gate.stable_samples, gate.canary_samples);
  if (fewest < gate.min_samples || !gate.stable || !gate.canary) {
    result.detail = "waiting for " + std::to_string(std::max<int64_t>(gate.min_samples, 1)) + " " +
                    gate.samples_word + " per arm " +
                    arm_counts(gate.stable_samples, gate.canary_samples);
    return result;
  }
  const bool pass = *gate.canary >= *result.threshold - kEpsilon;
  result.status = pass ? GateStatus::Pass : GateStatus::Fail;
  result.detail = "canary " + gate.show(*gate.canary) + (pass ? " ≥ " : " < ") + "stable " +
                  gate.show(*gate.stable) + " − " + gate.drop_words + " = " +
                  gate.show(*result.threshold);
  return result;
}

GateResult judge_latency(const ArmFigures& stable, const ArmFigures& canary, double ratio) {
  GateResult result{"p95_latency",
                    GateStatus::Waiting,
                    stable.p95_latency_seconds,
                    canary.p95_latency_seconds,
                    std::nullopt,
                    ""};
  if (!stable.p95_latency_seconds || !canary.p95_latency_seconds) {
    const char* missing = !stable.p95_latency_seconds && !canary.p95_latency_seconds ? "either"
                          : !stable.p95_latency_seconds                              ? "the stable"
                                                                                     : "the canary";
    result.detail = std::string("waiting for successful answers: none yet on ") + missing + " arm";
    if (stable.p95_latency_seconds) result.threshold = *stable.p95_latency_seconds * ratio;
    return result;
  }
  const double bound = *stable.p95_latency_seconds * ratio;
  result.threshold = bound;
  const bool pass = *canary.p95_latency_seconds <= bound + kEpsilon;
  result.status = pass ? GateStatus::Pass : GateStatus::Fail;
  result.detail = "canary " + seconds_text(*canary.p95_latency_seconds) + (pass ? " ≤ " : " > ") +
                  trimmed_decimal(ratio, 3) + " × stable " +
                  seconds_text(*stable.p95_latency_seconds) + " = " + seconds_text(bound);
  return result;
}

GateResult judge_error_rate(const ArmFigures& stable, const ArmFigures& canary, double points) {
  GateResult result{"error_rate",        GateStatus::Waiting, stable.error_rate(),
                    canary.error_rate(), std::nullopt,        ""};
  if (result.stable) result.threshold = *result.stable + points / 100;
  if (!result.stable || !result.canary) {
    result.detail =
        "waiting for requests on both arms " + arm_counts(stable.requests, canary.requests);
    return result;
  }
  const bool pass = *result.canary <= *result.threshold + kEpsilon;
  result.status = pass ? GateStatus::Pass : GateStatus::Fail;
  result.detail = "canary " + percent_text(*result.canary) + (pass ? " ≤ " : " > ") + "stable " +
                  percent_text(*result.stable) + " + " + points_text(points) + " = " +
                  percent_text(*result.threshold);
  return result;
}

}  // namespace

std::optional<double> ArmFigures::error_rate() const {
  if (requests <= 0) return std::nullopt;
  return static_cast<double>(errors) / static_cast<double>(requests);
}

std::string to_string(GateStatus status) {
  switch (status) {
    case GateStatus::Pass:
      return "pass";
    case GateStatus::Fail:
      return "fail";
    case GateStatus::Waiting:
      return "waiting";
    case GateStatus::NotTracked:
      return "not_tracked";
  }
  return "unknown";
}

std::vector<GateResult> evaluate_gates(const ArmFigures& stable, const ArmFigures& canary,
                                       const GateSettings& settings) {
  return {
      judge_floor({"completion_rate", "task_completed reports", stable.completion_reports,
                   canary.completion_reports, stable.completion_rate, canary.completion_rate,
                   settings.completion_drop_points / 100,
                   points_text(settings.completion_drop_points), settings.min_feedback_samples,
                   percent_text}),
      judge_latency(stable, canary, settings.latency_p95_ratio),
      judge_error_rate(stable, canary, settings.error_rate_rise_points),
      judge_floor({"satisfaction", "ratings", stable.ratings, canary.ratings, stable.satisfaction,
                   canary.satisfaction, settings.satisfaction_drop_points / 100,
                   points_text(settings.satisfaction_drop_points), settings.min_feedback_samples,
                   percent_text}),
      judge_floor({"judged_quality", "judged answers", stable.judged, canary.judged,
                   stable.judged_quality, canary.judged_quality, settings.judged_quality_drop,
                   score_text(settings.judged_quality_drop), settings.min_judged_samples,
                   score_text}),
  };
}

namespace {
Json optional_json(const std::optional<double>& value) {
  return value ? Json(*value) : Json(nullptr);
}
}  // namespace

Json gate_result_to_json(const GateResult& result) {
  return {{"name", result.name},
          {"status", to_string(result.status)},
          {"stable", optional_json(result.stable)},
          {"canary", optional_json(result.canary)},
          {"threshold", optional_json(result.threshold)},
          {"detail", result.detail}};
}

Json arm_figures_to_json(const ArmFigures& figures) {
  return {{"requests", figures.requests},
          {"errors", figures.errors},
          {"error_rate", optional_json(figures.error_rate())},
          {"p95_latency_seconds", optional_json(figures.p95_latency_seconds)},
          {"completion_reports", figures.completion_reports},
          {"completion_rate", optional_json(figures.completion_rate)},
          {"ratings", figures.ratings},
          {"satisfaction", optional_json(figures.satisfaction)},
          {"judged", figures.judged},
          {"judged_quality", optional_json(figures.judged_quality)}};
}

}  // namespace slipway::traffic
