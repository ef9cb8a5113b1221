#pragma once
// The WHERE clause the monitor's range queries share (traffic windows, judge scores, drift
// slots): a half-open time range on one column and equality on whichever of route, version and
// arm are given.
#include <cstdint>
#include <string>
#include <string_view>

#include "store/value.h"

namespace slipway::monitor {

// Views into the caller's query, which must outlive it.
struct SeriesFilter {
  int64_t since_ms = 0;
  int64_t until_ms = 0;    // 0: no end
  std::string_view route;  // empty: any
  std::string_view version;
  std::string_view arm;
};

// The filter of a query with since_ms, until_ms, route, version and arm members.
template <class Query>
SeriesFilter series_filter_of(const Query& query) {
  return {query.since_ms, query.until_ms, query.route, query.version, query.arm};
}

// Appends "<time_column> >= ? [AND <time_column> < ?] [AND route = ?] [AND version = ?]
// [AND arm = ?]" to `sql` and the values to `params`. `time_column` is ours, never user text.
void append_series_filter(std::string& sql, store::Params& params, std::string_view time_column,
                          const SeriesFilter& filter);

}  // namespace slipway::monitor
