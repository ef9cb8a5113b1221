// Reading judged quality back: score counts and sums per route, version and
// window, grouped in SQL (integer division aligns windows the same way on both
// dialects).
#include <algorithm>
#include <map>
#include <stdexcept>
#include <tuple>

#include "monitor/judge/judge_scores.h"
#include "monitor/series_filter.h"

namespace slipway::monitor {

namespace {

void check_query(const QualityQuery& query) {
  if (query.window_ms < 0) {
    throw std::invalid_argument("the quality window must not be negative, got " +
                                std::to_string(query.window_ms) + " ms");
  }
}

// A range that ends where (or before) it starts holds nothing; callers such as a gate whose
// step began this millisecond ask for one.
bool empty_range(const QualityQuery& query) {
  return query.until_ms != 0 && query.until_ms <= query.since_ms;
}

// The counts and score sum of the rows `query` selects, grouped by `group` (may
// be empty), whose columns come first in each row.
store::Rows grouped_counts(store::Store& store, const QualityQuery& query,
                           const std::string& group) {
  std::string sql = "SELECT " + (group.empty() ? std::string() : group + ", ") +
                    "SUM(CASE WHEN outcome = 'scored' THEN 1 ELSE 0 END), "
                    "SUM(CASE WHEN outcome = 'unparsable' THEN 1 ELSE 0 END), "
                    "SUM(CASE WHEN outcome = 'failed' THEN 1 ELSE 0 END), "
                    "SUM(CASE WHEN outcome = 'scored' THEN score ELSE 0 END) "
                    "FROM monitor_judge_scores WHERE ";
  store::Params params;
  append_series_filter(sql, params, "answered_ms", series_filter_of(query));
  if (!group.empty()) sql += " GROUP BY " + group;
  return store.read([&](store::Transaction& tx) { return tx.query(sql, params); });
}

// Fills the counts from a row whose count columns start at `first` (empty sums
// are NULL).
void fill_counts(QualityWindow& window, const store::Row& row, std::size_t first) {
  const auto integer = [&](std::size_t column) {
    return row.is_null(column) ? 0 : row.integer(column);
  };
  window.scored = integer(first);
  window.unparsable = integer(first + 1);
  window.failed = integer(first + 2);
  window.score_sum = row.is_null(first + 3) ? 0.0 : row.real(first + 3);
}

int64_t range_width(const QualityQuery& query) {
  return query.until_ms != 0 ? query.until_ms - query.since_ms : 0;
}

}  // namespace

std::optional<double> QualityWindow::mean() const {
  if (scored <= 0) return std::nullopt;
  return score_sum / static_cast<double>(scored);
}

nlohmann::json quality_window_to_json(const QualityWindow& window) {
  const auto mean = window.mean();
  return {{"route", window.route},
          {"version", window.version},
          {"start_ms", window.start_ms},
          {"window_ms", window.window_ms},
          {"scored", window.scored},
          {"unparsable", window.unparsable},
          {"failed", window.failed},
          {"mean", mean ? nlohmann::json(*mean) : nlohmann::json(nullptr)}};
}

std::vector<QualityWindow> read_quality_windows(store::Store& store, const QualityQuery& query) {
  check_query(query);
  if (empty_range(query)) return {};
  const bool windowed = query.window_ms > 0;
  // The width is a number we format ourselves, never user text.
  const std::string width = std::to_string(query.window_ms);
  const std::string start = "(answered_ms / " + width + ") * " + width;
  const store::Rows rows =
      grouped_counts(store, query, windowed ? "route, version, " + start : "route, version");

  std::map<std::tuple<std::string, std::string, int64_t>, QualityWindow> windows;
  for (const store::Row& row : rows) {
    QualityWindow window;
    window.route = row.text(0);
    window.version = row.text(1);
    window.start_ms = windowed ? row.integer(2) : query.since_ms;
    window.window_ms = windowed ? query.window_ms : range_width(query);
    fill_counts(window, row, windowed ? 3 : 2);
    windows[{window.route, window.version, window.start_ms}] = std::move(window);
  }
  std::vector<QualityWindow> ordered;
  ordered.reserve(windows.size());
  for (auto& [key, window] : windows) ordered.push_back(std::move(window));
  return ordered;
}

QualityWindow read_quality_total(store::Store& store, const QualityQuery& query) {
  check_query(query);
  QualityWindow total;
  total.route = query.route;
  total.version = query.version;
  total.start_ms = query.since_ms;
  total.window_ms = std::max<int64_t>(range_width(query), 0);
  if (empty_range(query)) return total;
  const store::Rows rows = grouped_counts(store, query, "");
  if (!rows.empty()) fill_counts(total, rows.front(), 0);
  return total;
}

}  // namespace slipway::monitor
