#include "app/serve/store_gate_figures.h"

#include "feedback/rates.h"
#include "monitor/judge/judge_scores.h"
#include "monitor/traffic_windows.h"

namespace slipway::app {

traffic::ArmFigures StoreGateFigures::figures(const std::string& route, const std::string& version,
                                              const std::string& arm, int64_t since_ms,
                                              int64_t until_ms) {
  traffic::ArmFigures figures;
  const monitor::WindowTotals totals =
      monitor::read_window_totals(store_, {route, version, arm, since_ms, until_ms});
  figures.requests = totals.requests;
  figures.errors = totals.errors;
  figures.p95_latency_seconds = totals.latency_quantile(0.95);
  feedback::RateQuery query;
  query.route = route;
  query.version = version;
  query.arm = arm;
  query.since_ms = since_ms;
  query.until_ms = until_ms;
  for (const feedback::RateWindow& window : feedback::feedback_rates(store_, query)) {
    figures.completion_reports += window.completion_reports;
    figures.ratings += window.thumbs_up + window.thumbs_down;
    figures.completion_rate = window.completion_rate();
    figures.satisfaction = window.thumbs_up_share();
  }
  // The judge's scores of the answers this arm served in the window.
  const monitor::QualityWindow judged =
      monitor::read_quality_total(store_, {route, version, arm, since_ms, until_ms, 0});
  figures.judged = judged.scored;
  figures.judged_quality = judged.mean();
  return figures;
}

}  // namespace slipway::app
