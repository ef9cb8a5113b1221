// `slipway rollout status` as text: where the rollout is, why, over which window, each gate
// with both arms' values, and the last events.
#include <algorithm>
#include <cstdio>

#include "app/models/table.h"
#include "app/traffic/json_text.h"
#include "app/traffic/render.h"
#include "traffic/gates.h"

namespace slipway::app::traffic {
namespace {

namespace tr = ::slipway::traffic;

constexpr size_t kStatusEvents = 5;

std::string number_text(const char* format, double value) {
  char text[48];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

// The gates compare fractions (rates), seconds (latency) or judge scores; each reads in its
// own unit.
std::string gate_value(const std::string& gate, const std::optional<double>& value) {
  if (!value) return "-";
  if (gate == "p95_latency") return number_text("%.3f s", *value);
  if (gate == "judged_quality") return number_text("%.2f", *value);
  return number_text("%.2f%%", *value * 100);
}

std::string gate_threshold(const std::string& gate, const std::optional<double>& threshold) {
  if (!threshold) return "-";
  const bool at_most = gate == "p95_latency" || gate == "error_rate";
  return (at_most ? "<= " : ">= ") + gate_value(gate, threshold);
}

std::string status_words(std::string status) {
  std::replace(status.begin(), status.end(), '_', ' ');
  return status;
}

// A plan step is {"weight": percent, "min_duration": "10m", "min_requests": 100}.
std::optional<double> step_weight(const Json& step) {
  return field_number(step, "weight");
}

const Json& plan_steps(const Json& status) {
  static const Json none = Json::array();
  if (!status.contains("plan") || !status["plan"].is_object()) return none;
  const Json& plan = status["plan"];
  return plan.contains("steps") && plan["steps"].is_array() ? plan["steps"] : none;
}

std::string plan_text(const Json& status) {
  std::string out;
  for (const Json& step : plan_steps(status)) {
    if (!out.empty()) out += ", ";
    const auto weight = step_weight(step);
    out += weight ? format_percent(*weight) : "?";
  }
  return out;
}

tr::ArmFigures arm_from_json(const Json& arm) {
  tr::ArmFigures figures;
  const auto count = [&arm](const char* key) {
    return static_cast<int64_t>(field_number(arm, key).value_or(0));
  };
  figures.requests = count("requests");
  figures.errors = count("errors");
  figures.p95_latency_seconds = field_number(arm, "p95_latency_seconds");
  figures.completion_reports = count("completion_reports");
  figures.completion_rate = field_number(arm, "completion_rate");
  figures.ratings = count("ratings");
  figures.satisfaction = field_number(arm, "satisfaction");
  figures.judged = count("judged");
  figures.judged_quality = field_number(arm, "judged_quality");
  return figures;
}

// The gates as judged, or, while the step is too young to be judged, as they stand on the
// figures so far (so people see where the canary is heading).
Json gates_to_show(const Json& status, bool& judged) {
  const Json decision = status.value("decision", Json::object());
  if (decision.is_object() && decision.contains("gates") && decision["gates"].is_array() &&
      !decision["gates"].empty()) {
    judged = true;
    return decision["gates"];
  }
  judged = false;
  const Json arms = status.value("arms", Json::object());
  if (!arms.is_object() || !arms.contains("stable") || !arms.contains("canary"))
    return Json::array();
  tr::GateSettings settings;
  try {
    settings = tr::gate_settings_from_json(status.at("plan").value("gates", Json::object()));
  } catch (const std::exception&) {
    // A plan this binary cannot read: show the default thresholds rather than nothing.
  }
  Json gates = Json::array();
  for (const tr::GateResult& gate :
       tr::evaluate_gates(arm_from_json(arms["stable"]), arm_from_json(arms["canary"]), settings))
    gates.push_back(tr::gate_result_to_json(gate));
  return gates;
}

std::string render_gates(const Json& status) {
  bool judged = false;
  const Json gates = gates_to_show(status, judged);
  if (gates.empty()) return "";
  std::vector<models::TableRow> rows;
  for (const Json& gate : gates) {
    const std::string name = field_text(gate, "name");
    rows.push_back({name, gate_value(name, field_number(gate, "stable")),
                    gate_value(name, field_number(gate, "canary")),
                    gate_threshold(name, field_number(gate, "threshold")),
                    status_words(field_text(gate, "status"))});
  }
  std::string out = judged ? "\ngates (as judged):\n" : "\ngates (on the figures so far):\n";
  return out + models::render_table({"GATE", "STABLE", "CANARY", "THRESHOLD", "STATUS"}, rows);
}

std::string arm_requests(const Json& status, const char* arm) {
  const Json arms = status.value("arms", Json::object());
  if (!arms.is_object() || !arms.contains(arm)) return "-";
  return field_text(arms[arm], "requests", "0");
}

}  // namespace

std::string render_rollout_status(const Json& status) {
  std::string out;
  const auto line = [&out](const std::string& key, const std::string& value) {
    out += key + std::string(10 - std::min<size_t>(key.size(), 9), ' ') + value + "\n";
  };
  line("rollout:", field_text(status, "id") + " on " + field_text(status, "route") + ": " +
                       field_text(status, "stable") + " -> " + field_text(status, "canary"));
  const std::string reason = field_text(status, "reason", "");
  line("state:", field_text(status, "state") + (reason.empty() ? "" : " (" + reason + ")"));

  const Json& steps = plan_steps(status);
  const auto step = field_number(status, "step");
  std::string step_line =
      step ? std::to_string(static_cast<int64_t>(*step) + 1) + "/" + std::to_string(steps.size())
           : "-";
  const Json current = step && *step >= 0 && static_cast<size_t>(*step) < steps.size()
                           ? steps[static_cast<size_t>(*step)]
                           : Json::object();
  auto weight = field_number(status, "weight_percent");
  if (!weight) weight = step_weight(current);
  if (weight) step_line += " at " + format_percent(*weight);
  step_line += " (plan " + plan_text(status);
  if (current.contains("min_duration") && current.contains("min_requests")) {
    step_line += "; at least " + field_text(current, "min_duration") + " and " +
                 field_text(current, "min_requests") + " requests per arm";
  }
  line("step:", step_line + ")");

  const Json window = status.value("window", Json());
  if (window.is_object()) {
    const auto since = field_number(window, "since_ms");
    const auto until = field_number(window, "until_ms");
    std::string text = "since " + field_time(window, "since");
    if (since && until) text += " (" + format_span(static_cast<int64_t>(*until - *since)) + ")";
    line("window:", text + ", stable " + arm_requests(status, "stable") + " requests, canary " +
                        arm_requests(status, "canary") + " requests");
  }
  const Json decision = status.value("decision", Json());
  if (decision.is_object()) {
    const std::string why = field_text(decision, "reason", "");
    line("decision:", field_text(decision, "kind") + (why.empty() ? "" : ": " + why));
  }
  out += render_gates(status);

  const Json events = status.value("events", Json::array());
  if (events.is_array() && !events.empty()) {
    Json last = Json::array();
    for (size_t i = 0; i < std::min(events.size(), kStatusEvents); ++i) last.push_back(events[i]);
    out += "\nlast events (newest first):\n" + render_events_table(last);
  }
  return out;
}

}  // namespace slipway::app::traffic
