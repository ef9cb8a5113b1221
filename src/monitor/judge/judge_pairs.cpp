// The judge's pair rows: one verdict per (primary, shadow) answer pair, listed
// newest first.
#include <stdexcept>

#include "monitor/judge/judge_scores.h"

namespace slipway::monitor {

void record_judge_pair(store::Store& store, const JudgePairRow& row) {
  store.write([&](store::Transaction& tx) {
    tx.execute(
        "INSERT INTO monitor_judge_pairs (primary_id, shadow_id, route, "
        "primary_version, "
        "shadow_version, judge, verdict, detail, answered_ms, judged_ms) "
        "VALUES (?, ?, ?, ?, ?, "
        "?, ?, ?, ?, ?) ON CONFLICT (primary_id, shadow_id) DO UPDATE SET "
        "route = excluded.route, "
        "primary_version = excluded.primary_version, shadow_version = "
        "excluded.shadow_version, "
        "judge = excluded.judge, verdict = excluded.verdict, detail = "
        "excluded.detail, "
        "answered_ms = excluded.answered_ms, judged_ms = excluded.judged_ms",
        {row.primary_id, row.shadow_id, row.route, row.primary_version, row.shadow_version,
         row.judge, row.verdict, row.detail, row.answered_ms, row.judged_ms});
  });
}

std::vector<JudgePairRow> list_judge_pairs(store::Store& store, const std::string& route,
                                           int64_t since_ms, int64_t until_ms, int64_t limit) {
  if (limit <= 0) {
    throw std::invalid_argument("the judge pairs' limit must be positive, got " +
                                std::to_string(limit));
  }
  std::string sql =
      "SELECT primary_id, shadow_id, route, primary_version, "
      "shadow_version, judge, verdict, "
      "detail, answered_ms, judged_ms FROM monitor_judge_pairs "
      "WHERE answered_ms >= ?";
  store::Params params{since_ms};
  if (until_ms != 0) {
    sql += " AND answered_ms < ?";
    params.emplace_back(until_ms);
  }
  if (!route.empty()) {
    sql += " AND route = ?";
    params.emplace_back(route);
  }
  sql +=
      " ORDER BY answered_ms DESC, judged_ms DESC, primary_id, shadow_id "
      "LIMIT ?";
  params.emplace_back(limit);
  const store::Rows rows =
      store.read([&](store::Transaction& tx) { return tx.query(sql, params); });
  std::vector<JudgePairRow> pairs;
  pairs.reserve(rows.size());
  for (const store::Row& row : rows) {
    pairs.push_back({row.text(0), row.text(1), row.text(2), row.text(3), row.text(4), row.text(5),
                     row.text(6), row.text(7), row.integer(8), row.integer(9)});
  }
  return pairs;
}

nlohmann::json judge_pair_to_json(const JudgePairRow& row) {
  return {{"primary_id", row.primary_id},
          {"shadow_id", row.shadow_id},
          {"route", row.route},
          {"primary_version", row.primary_version},
          {"shadow_version", row.shadow_version},
          {"judge", row.judge},
          {"verdict", row.verdict},
          {"detail", row.detail},
          {"answered_ms", row.answered_ms},
          {"judged_ms", row.judged_ms}};
}

}  // namespace slipway::monitor
