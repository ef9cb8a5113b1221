// The WHERE clause the window, quality and drift readers share.
#include "monitor/series_filter.h"

#include <gtest/gtest.h>

#include <string>

namespace slipway::monitor {
namespace {

TEST(SeriesFilterTest, OpenRangeWithoutSeriesFiltersOnlyTheStart) {
  std::string sql = "WHERE ";
  store::Params params;
  append_series_filter(sql, params, "minute_ms", {1000, 0, {}, {}, {}});
  EXPECT_EQ(sql, "WHERE minute_ms >= ?");
  EXPECT_EQ(params, (store::Params{int64_t{1000}}));
}

TEST(SeriesFilterTest, GivenColumnsFollowTheRangeInRouteVersionArmOrder) {
  struct Query {
    std::string route = "support", version = "", arm = "canary";
    int64_t since_ms = 5, until_ms = 9;
  } query;
  std::string sql;
  store::Params params;
  append_series_filter(sql, params, "slot_ms", series_filter_of(query));
  EXPECT_EQ(sql, "slot_ms >= ? AND slot_ms < ? AND route = ? AND arm = ?");
  EXPECT_EQ(params,
            (store::Params{int64_t{5}, int64_t{9}, std::string("support"), std::string("canary")}));
}

}  // namespace
}  // namespace slipway::monitor
