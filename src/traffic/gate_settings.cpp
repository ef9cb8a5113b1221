// Gate thresholds as a plan's "gates" object: absent fields keep the seed's defaults.
#include "traffic/gates.h"
#include "traffic/json_fields.h"

namespace slipway::traffic {

namespace {

double non_negative(const Json& value, const std::string& name) {
  const double number = number_field(value, name);
  if (number < 0) throw_invalid("\"" + name + "\" must not be negative, got " + value.dump() + ".");
  return number;
}

}  // namespace

Json gate_settings_to_json(const GateSettings& settings) {
  return {{"completion_drop_points", number_json(settings.completion_drop_points)},
          {"latency_p95_ratio", number_json(settings.latency_p95_ratio)},
          {"error_rate_rise_points", number_json(settings.error_rate_rise_points)},
          {"satisfaction_drop_points", number_json(settings.satisfaction_drop_points)},
          {"judged_quality_drop", number_json(settings.judged_quality_drop)},
          {"min_feedback_samples", settings.min_feedback_samples},
          {"min_judged_samples", settings.min_judged_samples}};
}

GateSettings gate_settings_from_json(const Json& json) {
  GateSettings settings;
  if (json.is_null()) return settings;
  require_object(json, "\"gates\"");
  refuse_unknown_fields(json,
                        {"completion_drop_points", "latency_p95_ratio", "error_rate_rise_points",
                         "satisfaction_drop_points", "judged_quality_drop", "min_feedback_samples",
                         "min_judged_samples"},
                        "\"gates\"");
  // Each present, non-null field replaces its default.
  const auto read = [&json](const char* name, auto parse, auto& target) {
    auto it = json.find(name);
    if (it != json.end() && !it->is_null()) target = parse(*it, name);
  };
  read("completion_drop_points", non_negative, settings.completion_drop_points);
  read("error_rate_rise_points", non_negative, settings.error_rate_rise_points);
  read("satisfaction_drop_points", non_negative, settings.satisfaction_drop_points);
  read("judged_quality_drop", non_negative, settings.judged_quality_drop);
  read("latency_p95_ratio", non_negative, settings.latency_p95_ratio);
  if (settings.latency_p95_ratio <= 0)
    throw_invalid("\"latency_p95_ratio\" must be above 0 (1.2 allows a 20% slower canary).");
  read("min_feedback_samples", count_field, settings.min_feedback_samples);
  read("min_judged_samples", count_field, settings.min_judged_samples);
  return settings;
}

}  // namespace slipway::traffic
