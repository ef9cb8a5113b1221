// Routes, events and rollback as text; rollout status is in render_rollout.cpp.
#include "app/traffic/render.h"

#include <cstdio>

#include "app/models/table.h"
#include "app/traffic/json_text.h"

namespace slipway::app::traffic {
namespace {

// The canary's share of a route's traffic in percent, from whichever form the JSON carries.
std::optional<double> canary_weight_percent(const Json& route) {
  if (auto percent = field_number(route, "canary_weight_percent")) return percent;
  if (auto bp = field_number(route, "canary_weight_bp")) return *bp / 100.0;
  return std::nullopt;
}

std::string canary_text(const Json& route) {
  const std::string canary = field_text(route, "canary");
  if (canary == "-") return canary;
  const auto weight = canary_weight_percent(route);
  return weight ? canary + " at " + format_percent(*weight) : canary;
}

// "running, step 2/4" of a rollout record; "-" without one.
std::string rollout_brief(const Json& rollout) {
  if (!rollout.is_object()) return "-";
  std::string out = field_text(rollout, "state");
  const auto step = field_number(rollout, "step");
  const Json plan = rollout.value("plan", Json::object());
  if (step && plan.is_object() && plan.contains("steps") && plan["steps"].is_array()) {
    out += ", step " + std::to_string(static_cast<int64_t>(*step) + 1) + "/" +
           std::to_string(plan["steps"].size());
  }
  return out;
}

}  // namespace

std::string format_percent(double percent) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", percent);
  std::string out = text;
  while (out.back() == '0') out.pop_back();
  if (out.back() == '.') out.pop_back();
  return out + "%";
}

std::string render_routes_table(const Json& list) {
  std::vector<models::TableRow> rows;
  for (const Json& route : list_rows(list)) {
    rows.push_back({field_text(route, "name"), field_text(route, "stable"), canary_text(route),
                    field_list(route, "shadows"), rollout_brief(route.value("rollout", Json()))});
  }
  if (rows.empty()) return "No routes.\n";
  return models::render_table({"ROUTE", "STABLE", "CANARY", "SHADOWS", "ROLLOUT"}, rows);
}

std::string render_route_summary(const Json& route) {
  return field_text(route, "name") + ": stable " + field_text(route, "stable") + ", canary " +
         canary_text(route) + ", shadows " + field_list(route, "shadows") + ", fallback " +
         field_text(route, "fallback");
}

std::string render_route(const Json& route) {
  std::string out;
  const auto line = [&out](const std::string& key, const std::string& value) {
    out += key + std::string(key.size() < 11 ? 11 - key.size() : 1, ' ') + value + "\n";
  };
  line("route:", field_text(route, "name"));
  line("stable:", field_text(route, "stable"));
  line("canary:", canary_text(route));
  line("shadows:", field_list(route, "shadows"));
  line("fallback:", field_text(route, "fallback"));
  line("generation:", field_text(route, "generation"));
  line("created:", field_time(route, "created"));
  line("updated:", field_time(route, "updated"));
  if (route.contains("rollout") && route["rollout"].is_object()) {
    const Json& rollout = route["rollout"];
    line("rollout:", rollout_brief(rollout) + " (" + field_text(rollout, "stable") + " -> " +
                         field_text(rollout, "canary") + "; `slipway rollout status " +
                         field_text(route, "name") + "`)");
  }
  std::vector<models::TableRow> rows;
  const Json history = route.value("stable_history", Json::array());
  for (const Json& change : list_rows(history)) {
    rows.push_back({field_time(change, "at"), field_text(change, "version"),
                    field_text(change, "previous"), field_text(change, "actor"),
                    field_text(change, "reason", "")});
  }
  if (!rows.empty()) {
    out += "\nstable history (newest first):\n";
    out += models::render_table({"TIME", "VERSION", "PREVIOUS", "ACTOR", "REASON"}, rows);
  }
  return out;
}

std::string render_events_table(const Json& events) {
  std::vector<models::TableRow> rows;
  for (const Json& event : list_rows(events)) {
    rows.push_back({field_time(event, "at"), field_text(event, "kind"), field_text(event, "actor"),
                    field_text(event, "reason", "")});
  }
  if (rows.empty()) return "No events.\n";
  return models::render_table({"TIME", "KIND", "ACTOR", "REASON"}, rows);
}

std::string render_rollback(const Json& result) {
  std::string took;
  if (auto ms = field_number(result, "switch_ms")) {
    char text[32];
    std::snprintf(text, sizeof text, *ms < 10 ? "%.1f" : "%.0f", *ms);
    took = std::string(" (switched in ") + text + " ms)";
  }
  return field_text(result, "name") + ": " + field_text(result, "rolled_back_from") + " -> " +
         field_text(result, "stable") + took + "\n";
}

}  // namespace slipway::app::traffic
