// The evaluator's state as text: when it last ran and what it did, the judge's counters, each
// series' drift and quality state, and the active alerts.
#include "app/models/table.h"
#include "app/monitor_cli/render.h"
#include "app/traffic/json_text.h"

namespace slipway::app::monitor_cli {
namespace {

using traffic::field_text;

// The state of a series' drift report or quality trend, "-" without one.
std::string part_state(const Json& series, const char* part) {
  const Json value = series.is_object() ? series.value(part, Json()) : Json();
  return value.is_object() ? field_text(value, "state") : "-";
}

std::string series_table(const Json& summary) {
  std::vector<models::TableRow> rows;
  const Json& all_series = summary.contains("series") ? summary["series"] : Json();
  for (const Json& series : traffic::list_rows(all_series)) {
    rows.push_back({field_text(series, "route"), field_text(series, "version"),
                    field_text(series, "arm"), part_state(series, "drift"),
                    part_state(series, "quality")});
  }
  if (rows.empty()) return "No series with recent data.\n";
  return models::render_table({"ROUTE", "VERSION", "ARM", "DRIFT", "QUALITY"}, rows);
}

std::string errors_text(const Json& summary) {
  std::string out;
  const Json& errors = summary.contains("errors") ? summary["errors"] : Json();
  for (const Json& error : traffic::list_rows(errors)) {
    out += "error: " + (error.is_string() ? error.get<std::string>() : error.dump()) + "\n";
  }
  return out;
}

// "evaluated 2026-...Z: fired 1, refreshed 0, resolved 0"
std::string outcome_line(const Json& summary) {
  return "evaluated " + traffic::field_time(summary, "evaluated") + ": fired " +
         field_text(summary, "fired", "0") + ", refreshed " +
         field_text(summary, "refreshed", "0") + ", resolved " +
         field_text(summary, "resolved", "0") + "\n";
}

std::string judge_text(const Json& status) {
  const Json judge = status.value("judge", Json());
  if (!judge.is_object()) return "judge: none configured\n";
  std::string out = "judge: " + field_text(judge, "judge") + "\n  answers:";
  for (const char* key : {"sampled", "scored", "unparsable", "failed", "dropped"})
    out += std::string(" ") + key + " " + field_text(judge, key, "0");
  out += "\n  pairs: judged " + field_text(judge, "pairs_judged", "0") + ", dropped " +
         field_text(judge, "pairs_dropped", "0") +
         "\n  queue: " + field_text(judge, "queued", "0") + " queued, " +
         field_text(judge, "in_flight", "0") + " in flight\n";
  return out;
}

}  // namespace

std::string render_monitor_status(const Json& status) {
  if (!status.is_object()) return "No status.\n";
  std::string out;
  const bool evaluated = traffic::field_number(status, "evaluated_ms").value_or(0) > 0;
  out += evaluated ? "last " + outcome_line(status) : "not evaluated yet\n";
  out += judge_text(status);
  out += "\nseries:\n" + indent(series_table(status), "  ");
  const Json alerts = status.value("active_alerts", Json::array());
  out += "\nactive alerts:\n" + indent(render_alerts_table(alerts), "  ");
  return out + errors_text(status);
}

std::string render_evaluation(const Json& summary) {
  if (!summary.is_object()) return "No evaluation.\n";
  return outcome_line(summary) + indent(series_table(summary), "  ") + errors_text(summary);
}

}  // namespace slipway::app::monitor_cli
