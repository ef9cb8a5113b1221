#include "monitor/series_filter.h"

#include <utility>

namespace slipway::monitor {

void append_series_filter(std::string& sql, store::Params& params, std::string_view time_column,
                          const SeriesFilter& filter) {
  sql.append(time_column).append(" >= ?");
  params.emplace_back(filter.since_ms);
  if (filter.until_ms != 0) {
    sql.append(" AND ").append(time_column).append(" < ?");
    params.emplace_back(filter.until_ms);
  }
  const std::pair<const char*, std::string_view> columns[] = {
      {"route", filter.route}, {"version", filter.version}, {"arm", filter.arm}};
  for (const auto& [column, value] : columns) {
    if (value.empty()) continue;
    sql.append(" AND ").append(column).append(" = ?");
    params.emplace_back(std::string(value));
  }
}

}  // namespace slipway::monitor
