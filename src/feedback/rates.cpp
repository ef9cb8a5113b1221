#include "feedback/rates.h"

#include <map>
#include <stdexcept>
#include <tuple>

#include "feedback/utc_text.h"

namespace slipway::feedback {

namespace {

using WindowKey = std::tuple<std::string, std::string, std::string, int64_t>;

// The WHERE clause over feedback_responses (alias `r`) and its parameters.
std::string response_filter(const RateQuery& query, store::Params& params) {
  std::string sql = " WHERE r.created_ms >= ?";
  params.push_back(query.since_ms);
  if (query.until_ms > 0) {
    sql += " AND r.created_ms < ?";
    params.push_back(query.until_ms);
  }
  const std::pair<const char*, const std::string*> equal[] = {
      {"r.route", &query.route}, {"r.version", &query.version}, {"r.arm", &query.arm}};
  for (const auto& [column, value] : equal) {
    if (value->empty()) continue;
    sql += std::string(" AND ") + column + " = ?";
    params.push_back(*value);
  }
  return sql;
}

// The window start as SQL; integer division truncates the same way on both dialects. The
// width is an integer we format ourselves, never user text.
std::string window_start_sql(int64_t window_ms) {
  const std::string width = std::to_string(window_ms);
  return "(r.created_ms / " + width + ") * " + width;
}

// The grouped select of `aggregates` per route, version, arm (and window).
std::string grouped_sql(const RateQuery& query, const std::string& aggregates,
                        const std::string& from, const std::string& condition,
                        store::Params& params) {
  const bool windowed = query.window_ms > 0;
  const std::string start = windowed ? window_start_sql(query.window_ms) : "0";
  std::string sql = "SELECT r.route, r.version, r.arm, " + start + ", " + aggregates + from +
                    response_filter(query, params) + condition +
                    " GROUP BY r.route, r.version, r.arm";
  if (windowed) sql += ", " + start;
  return sql;
}

}  // namespace

std::optional<double> RateWindow::thumbs_up_share() const {
  if (thumbs_up + thumbs_down == 0) return std::nullopt;
  return static_cast<double>(thumbs_up) / static_cast<double>(thumbs_up + thumbs_down);
}

std::optional<double> RateWindow::completion_rate() const {
  if (completion_reports == 0) return std::nullopt;
  return static_cast<double>(completed) / static_cast<double>(completion_reports);
}

Json rate_window_to_json(const RateWindow& window) {
  const auto optional = [](std::optional<double> value) {
    return value ? Json(*value) : Json(nullptr);
  };
  Json json = Json::object();
  json["route"] = window.route;
  json["version"] = window.version;
  json["arm"] = window.arm;
  json["start"] = iso_utc(window.start_ms);
  if (window.window_ms % 1000 == 0) {
    json["window_seconds"] = window.window_ms / 1000;
  } else {
    json["window_seconds"] = static_cast<double>(window.window_ms) / 1000.0;
  }
  json["answers"] = window.answers;
  json["thumbs_up"] = window.thumbs_up;
  json["thumbs_down"] = window.thumbs_down;
  json["thumbs_up_share"] = optional(window.thumbs_up_share());
  json["completion_reports"] = window.completion_reports;
  json["completed"] = window.completed;
  json["completion_rate"] = optional(window.completion_rate());
  return json;
}

std::vector<RateWindow> feedback_rates(store::Store& store, const RateQuery& query) {
  if (query.window_ms < 0) throw std::invalid_argument("the rate window must not be negative");
  if (query.until_ms > 0 && query.until_ms <= query.since_ms) {
    throw std::invalid_argument("the rate range ends before it starts (until <= since)");
  }
  std::map<WindowKey, RateWindow> windows;
  const auto window_of = [&](const store::Row& row) -> RateWindow& {
    const int64_t start = query.window_ms > 0 ? row.integer(3) : query.since_ms;
    WindowKey key{row.text(0), row.text(1), row.text(2), start};
    auto [it, fresh] = windows.try_emplace(key);
    if (fresh) {
      it->second.route = row.text(0);
      it->second.version = row.text(1);
      it->second.arm = row.text(2);
      it->second.start_ms = start;
      it->second.window_ms = query.window_ms;
    }
    return it->second;
  };

  store.read([&](store::Transaction& tx) {
    store::Params answer_params;
    const auto answers = tx.query(grouped_sql(query, "COUNT(*)", " FROM feedback_responses r",
                                              " AND r.choice_index = 0", answer_params),
                                  answer_params);
    for (const auto& row : answers) window_of(row).answers = row.integer(4);

    // Every user's rating of any choice is one sample, in the window of the answer it rates.
    store::Params rating_params;
    const auto ratings =
        tx.query(grouped_sql(query,
                             "SUM(CASE WHEN t.rating = 1 THEN 1 ELSE 0 END), "
                             "SUM(CASE WHEN t.rating = -1 THEN 1 ELSE 0 END), "
                             "SUM(CASE WHEN t.task_completed IS NULL THEN 0 ELSE 1 END), "
                             "SUM(CASE WHEN t.task_completed = 1 THEN 1 ELSE 0 END)",
                             " FROM feedback_ratings t JOIN feedback_responses r "
                             "ON r.id = t.response_id AND r.choice_index = t.choice_index",
                             "", rating_params),
                 rating_params);
    for (const auto& row : ratings) {
      RateWindow& window = window_of(row);
      window.thumbs_up = row.integer(4);
      window.thumbs_down = row.integer(5);
      window.completion_reports = row.integer(6);
      window.completed = row.integer(7);
    }
  });
  std::vector<RateWindow> ordered;
  ordered.reserve(windows.size());
  for (auto& [key, window] : windows) ordered.push_back(std::move(window));
  return ordered;
}

}  // namespace slipway::feedback
