// Alerts as text: the list, one alert in full, and a resolve's outcome.
#include "app/models/table.h"
#include "app/monitor_cli/render.h"
#include "app/traffic/json_text.h"

namespace slipway::app::monitor_cli {
namespace {

using traffic::field_text;
using traffic::field_time;

constexpr std::size_t kSummaryChars = 60;

// What the alert's action did; a pending action names itself.
std::string action_outcome(const Json& alert) {
  const std::string result = field_text(alert, "action_result");
  if (result != "-") return result;
  const std::string action = field_text(alert, "action", "none");
  return action == "none" ? "-" : action + ": pending";
}

}  // namespace

std::string render_alerts_table(const Json& list) {
  std::vector<models::TableRow> rows;
  for (const Json& alert : traffic::list_rows(list)) {
    rows.push_back({field_text(alert, "id"), field_text(alert, "state"),
                    field_text(alert, "severity"), field_text(alert, "rule"),
                    field_text(alert, "route"), field_text(alert, "version"),
                    field_time(alert, "fired"),
                    cut_text(field_text(alert, "summary"), kSummaryChars), action_outcome(alert)});
  }
  if (rows.empty()) return "No alerts.\n";
  return models::render_table({"ID", "STATE", "SEVERITY", "RULE", "ROUTE", "VERSION", "FIRED (UTC)",
                               "SUMMARY", "ACTION RESULT"},
                              rows);
}

std::string render_alert(const Json& alert) {
  std::string out;
  const auto line = [&out](const std::string& key, const std::string& value) {
    out += key + std::string(key.size() < 15 ? 15 - key.size() : 1, ' ') + value + "\n";
  };
  line("alert:", field_text(alert, "id"));
  line("state:", field_text(alert, "state"));
  line("severity:", field_text(alert, "severity"));
  line("rule:", field_text(alert, "rule") + " (" + field_text(alert, "kind") + ")");
  line("route:", field_text(alert, "route"));
  line("version:", field_text(alert, "version"));
  line("summary:", field_text(alert, "summary"));
  line("fired:", field_time(alert, "fired"));
  line("last seen:", field_time(alert, "last_seen"));
  line("resolved:", field_time(alert, "resolved"));
  line("resolution:", field_text(alert, "resolution"));
  line("action:", field_text(alert, "action", "none"));
  line("action result:", field_text(alert, "action_result"));
  const auto yes_no = [&alert](const char* key) {
    return traffic::field_text(alert, key) == "true" ? "yes" : "no";
  };
  line("notified:",
       std::string("fire ") + yes_no("notified_fire") + ", resolve " + yes_no("notified_resolve"));
  const Json evidence =
      alert.is_object() && alert.contains("evidence") ? alert["evidence"] : Json::object();
  return out + "evidence:\n" + indent(evidence.dump(2) + "\n", "  ");
}

std::string render_resolved(const Json& alert) {
  return "resolved " + field_text(alert, "id") + " (" + field_text(alert, "rule") + " on " +
         field_text(alert, "route") + " " + field_text(alert, "version") +
         "): " + field_text(alert, "resolution") + "\n";
}

}  // namespace slipway::app::monitor_cli
