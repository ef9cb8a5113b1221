// Drift reports as text: per series and window the report's state, then each check with its
// figure, thresholds and sentence.
#include "app/models/table.h"
#include "app/monitor_cli/render.h"
#include "app/traffic/json_text.h"

namespace slipway::app::monitor_cli {
namespace {

using traffic::field_text;

// A check's critical level; 0 means it has none.
std::string critical_text(const Json& check) {
  const auto critical = traffic::field_number(check, "critical");
  return critical && *critical != 0 ? format_number(check, "critical") : "-";
}

std::string checks_table(const Json& report) {
  std::vector<models::TableRow> rows;
  const Json& checks = report.contains("checks") ? report["checks"] : Json();
  for (const Json& check : traffic::list_rows(checks)) {
    rows.push_back({field_text(check, "name"), field_text(check, "state"),
                    format_number(check, "value"), format_number(check, "warning"),
                    critical_text(check), field_text(check, "sentence")});
  }
  if (rows.empty()) return "no checks\n";
  return models::render_table({"NAME", "STATE", "VALUE", "WARNING", "CRITICAL", "SENTENCE"}, rows);
}

std::string render_window(const Json& window) {
  std::string out =
      traffic::field_time(window, "since") + " to " + traffic::field_time(window, "until") + ": ";
  const Json report = window.is_object() ? window.value("report", Json()) : Json();
  if (!report.is_object()) return out + "no answers in this window\n";
  out += field_text(report, "state") + " against " + field_text(window, "baseline") + " (" +
         field_text(report, "current_answers") + " answers, baseline " +
         field_text(report, "baseline_answers") + ")\n";
  return out + indent(checks_table(report), "  ");
}

}  // namespace

std::string render_drift(const Json& answer, const std::string& settings) {
  const std::string route = field_text(answer, "route");
  const Json& all_series = traffic::list_rows(answer);
  std::string out;
  // Appends rather than `"literal" + string` chains: GCC 12 at -O3 warns (-Wrestrict) on those.
  if (all_series.empty()) {
    out.append("No drift data on route ").append(route).append(" (").append(settings);
    return out.append(").\n");
  }
  const auto window_ms = traffic::field_number(answer, "window_ms").value_or(0);
  out.append("Drift of route ").append(route).append(", ");
  out.append(span_text(static_cast<int64_t>(window_ms))).append(" windows (");
  out.append(settings).append(")\n");
  for (const Json& series : all_series) {
    out.append("\n").append(field_text(series, "version")).append(" (");
    out.append(field_text(series, "arm")).append(")\n");
    const Json& windows = series.contains("windows") ? series["windows"] : Json();
    for (const Json& window : traffic::list_rows(windows)) {
      out += indent(render_window(window), "  ");
    }
  }
  return out;
}

}  // namespace slipway::app::monitor_cli
