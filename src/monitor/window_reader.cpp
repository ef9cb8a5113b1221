// Reading the windows back: every replica's rows of a range, summed whole or per step.
#include <functional>
#include <map>
#include <stdexcept>
#include <string>

#include "monitor/series_filter.h"
#include "monitor/traffic_windows.h"
#include "monitor/window_buckets.h"

namespace slipway::monitor {

namespace {

// Calls `visit(minute_ms, totals)` for each row the query selects.
void for_each_row(store::Store& store, const WindowQuery& query,
                  const std::function<void(int64_t, const WindowTotals&)>& visit) {
  std::string sql =
      "SELECT minute_ms, requests, errors, successes, prompt_tokens, completion_tokens, "
      "latency_buckets, ttft_buckets FROM monitor_windows WHERE ";
  store::Params params;
  append_series_filter(sql, params, "minute_ms", series_filter_of(query));
  const store::Rows rows =
      store.read([&](store::Transaction& tx) { return tx.query(sql, params); });
  for (const store::Row& row : rows) {
    WindowTotals totals;
    totals.requests = row.integer(1);
    totals.errors = row.integer(2);
    totals.successes = row.integer(3);
    totals.prompt_tokens = row.integer(4);
    totals.completion_tokens = row.integer(5);
    totals.latency_buckets = buckets_from_json(row.text(6));
    totals.ttft_buckets = buckets_from_json(row.text(7));
    visit(row.integer(0), totals);
  }
}

}  // namespace

WindowTotals read_window_totals(store::Store& store, const WindowQuery& query) {
  WindowTotals sum;
  for_each_row(store, query, [&](int64_t, const WindowTotals& row) { sum.add(row); });
  return sum;
}

std::vector<WindowPoint> read_window_series(store::Store& store, const WindowQuery& query,
                                            int64_t step_ms) {
  if (step_ms <= 0 || step_ms % kMinuteMs != 0) {
    throw std::invalid_argument(
        "a window series step must be a positive whole number of "
        "minutes (a multiple of 60000 ms), got " +
        std::to_string(step_ms) + " ms");
  }
  std::map<int64_t, WindowTotals> steps;
  for_each_row(store, query, [&](int64_t minute_ms, const WindowTotals& row) {
    steps[align_down(minute_ms, step_ms)].add(row);
  });
  std::vector<WindowPoint> series;
  series.reserve(steps.size());
  for (auto& [start_ms, totals] : steps) series.push_back({start_ms, std::move(totals)});
  return series;
}

}  // namespace slipway::monitor
