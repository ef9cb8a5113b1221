// The judged-quality trend as text: per version its state, sentence and baseline, then its
// windows oldest first.
#include "app/models/table.h"
#include "app/monitor_cli/render.h"
#include "app/traffic/json_text.h"

namespace slipway::app::monitor_cli {
namespace {

using traffic::field_text;

// yes / no, or "-" for a window with too few samples to count.
std::string below_text(const Json& point) {
  if (field_text(point, "enough_samples") != "true") return "-";
  return field_text(point, "below") == "true" ? "yes" : "no";
}

std::string baseline_line(const Json& trend) {
  std::string out = "  baseline: ";
  if (!traffic::field_number(trend, "baseline")) {
    out.append("none yet (").append(field_text(trend, "baseline_samples", "0"));
    return out.append(" scored on the stable arm)\n");
  }
  out.append(format_number(trend, "baseline", 2)).append(" (");
  out.append(field_text(trend, "baseline_source"));
  // A pinned baseline has no samples of its own.
  if (traffic::field_number(trend, "baseline_samples").value_or(0) > 0) {
    out.append(", ").append(field_text(trend, "baseline_samples")).append(" scored");
  }
  return out.append(")\n");
}

std::string windows_table(const Json& trend) {
  std::vector<models::TableRow> rows;
  const Json& points = trend.is_object() && trend.contains("points") ? trend["points"] : Json();
  for (const Json& point : traffic::list_rows(points)) {
    rows.push_back({traffic::field_time(point, "start"), field_text(point, "scored"),
                    field_text(point, "unparsable"), field_text(point, "failed"),
                    format_number(point, "mean", 2), format_number(point, "threshold", 2),
                    below_text(point)});
  }
  if (rows.empty()) return "  No complete windows yet.\n";
  return indent(
      models::render_table(
          {"START", "SCORED", "UNPARSABLE", "FAILED", "MEAN", "THRESHOLD", "BELOW"}, rows),
      "  ");
}

}  // namespace

std::string render_quality(const Json& answer, const std::string& settings) {
  const std::string route = field_text(answer, "route");
  const Json& trends = traffic::list_rows(answer);
  if (trends.empty()) return "No judged answers on route " + route + " (" + settings + ").\n";
  std::string out = "Judged quality of route " + route + " (" + settings + ")\n";
  for (const Json& trend : trends) {
    out.append("\n").append(field_text(trend, "version")).append(": ");
    out += field_text(trend, "state");
    const std::string sentence = field_text(trend, "sentence", "");
    out += (sentence.empty() ? "" : ": " + sentence) + "\n";
    out += baseline_line(trend);
    out += windows_table(trend);
  }
  return out;
}

}  // namespace slipway::app::monitor_cli
