// Reading drift slots back: every replica's slots of a range, summed, and which series exist.
#include <algorithm>
#include <stdexcept>
#include <string>
#include <tuple>

#include "monitor/drift/drift_recorder.h"
#include "monitor/drift/drift_slot_columns.h"
#include "monitor/series_filter.h"

namespace slipway::monitor {

namespace {

// Slots starting in the range (a slot is counted whole): ends before its start are refused.
void append_slot_filter(std::string& sql, store::Params& params, const SeriesFilter& filter) {
  if (filter.until_ms != 0 && filter.until_ms < filter.since_ms) {
    throw std::invalid_argument("a drift range must not end (" + std::to_string(filter.until_ms) +
                                " ms) before it starts (" + std::to_string(filter.since_ms) +
                                " ms)");
  }
  append_series_filter(sql, params, "slot_ms", filter);
}

}  // namespace

DriftSample read_drift_sample(store::Store& store, const DriftQuery& query) {
  if (query.route.empty()) throw std::invalid_argument("a drift query needs a route");
  std::string sql =
      "SELECT answers, refusals, uncertain, length_counts, finish_reasons, prompt_terms, "
      "response_terms FROM monitor_drift_slots WHERE ";
  store::Params params;
  append_slot_filter(sql, params, series_filter_of(query));
  const store::Rows rows =
      store.read([&](store::Transaction& tx) { return tx.query(sql, params); });

  DriftSample sum;
  for (const store::Row& row : rows) {
    DriftSample slot;
    slot.answers = row.integer(0);
    slot.refusals = row.integer(1);
    slot.uncertain = row.integer(2);
    slot.lengths = value_counts_from_json(row.text(3));
    slot.finish_reasons = label_counts_from_json(row.text(4));
    slot.prompt_terms = label_counts_from_json(row.text(5));
    slot.response_terms = label_counts_from_json(row.text(6));
    sum.add(slot);
  }
  return sum;
}

std::vector<DriftSeries> list_drift_series(store::Store& store, int64_t since_ms,
                                           int64_t until_ms) {
  std::string sql = "SELECT DISTINCT route, version, arm FROM monitor_drift_slots WHERE ";
  store::Params params;
  append_slot_filter(sql, params, {since_ms, until_ms, {}, {}, {}});
  const store::Rows rows =
      store.read([&](store::Transaction& tx) { return tx.query(sql, params); });

  std::vector<DriftSeries> series;
  series.reserve(rows.size());
  for (const store::Row& row : rows) series.push_back({row.text(0), row.text(1), row.text(2)});
  // Sorted here by bytes: the two dialects' ORDER BY collations differ.
  std::sort(series.begin(), series.end(), [](const DriftSeries& a, const DriftSeries& b) {
    return std::tie(a.route, a.version, a.arm) < std::tie(b.route, b.version, b.arm);
  });
  return series;
}

}  // namespace slipway::monitor
