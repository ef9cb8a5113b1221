#pragma once
// The judge's results in the store: one row per judged answer (monitor_judge_scores: a score,
// or an unparsable or failed outcome, which count but never weigh in a mean) and one per
// judged shadow pair (monitor_judge_pairs), and the windows the quality trend, the rollout
// gate and the dashboard read back.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "store/store.h"

namespace slipway::monitor {

enum class JudgeOutcome { Scored, Unparsable, Failed };
const char* judge_outcome_name(JudgeOutcome outcome);  // "scored", "unparsable", "failed"

struct JudgeScoreRow {
  std::string response_id;
  std::string route, version, arm;
  std::string judge;  // which judge model answered
  JudgeOutcome outcome = JudgeOutcome::Scored;
  std::optional<double> score;  // when scored
  std::string detail;           // the judge's answer (capped) or why it failed
  int64_t latency_ms = 0;
  int64_t answered_ms = 0;  // when the judged answer was served: windows go by this
  int64_t judged_ms = 0;
};

struct JudgePairRow {
  std::string primary_id, shadow_id;
  std::string route, primary_version, shadow_version;
  std::string judge;
  std::string verdict;  // "primary", "shadow", "tie", "unparsable", "failed"
  std::string detail;   // both orders' answers (capped) or why it failed
  int64_t answered_ms = 0;
  int64_t judged_ms = 0;
};

// Insert or replace (by response id / by pair). Throws store::StoreError.
void record_judge_score(store::Store& store, const JudgeScoreRow& row);
void record_judge_pair(store::Store& store, const JudgePairRow& row);

struct QualityQuery {
  std::string route;    // "" all
  std::string version;  // "" all
  std::string arm;      // "" all
  int64_t since_ms = 0;
  int64_t until_ms = 0;   // exclusive; 0: no end
  int64_t window_ms = 0;  // 0: one window over the range
};

struct QualityWindow {
  std::string route, version;
  int64_t start_ms = 0;  // aligned to window_ms since the epoch, or since_ms for one window
  int64_t window_ms = 0;
  int64_t scored = 0;
  int64_t unparsable = 0;
  int64_t failed = 0;
  double score_sum = 0;
  std::optional<double> mean() const;  // absent when nothing was scored
};
nlohmann::json quality_window_to_json(const QualityWindow& window);

// Grouped by route, version and window (arms summed; filter with `arm`); ordered by route,
// version, start. Windows without rows are absent.
std::vector<QualityWindow> read_quality_windows(store::Store& store, const QualityQuery& query);
// One total over the query's range (window_ms ignored), all routes and versions it matches.
QualityWindow read_quality_total(store::Store& store, const QualityQuery& query);

// Newest first, at most `limit`.
std::vector<JudgePairRow> list_judge_pairs(store::Store& store, const std::string& route,
                                           int64_t since_ms, int64_t until_ms, int64_t limit);
nlohmann::json judge_pair_to_json(const JudgePairRow& row);

// Deletes score and pair rows answered before `before_ms`; returns how many.
int64_t purge_judge_rows(store::Store& store, int64_t before_ms);

}  // namespace slipway::monitor
