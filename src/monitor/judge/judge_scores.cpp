// The judge's score rows: written one per judged answer (a re-judged answer
// replaces its row) and purged by age together with the pair rows.
#include "monitor/judge/judge_scores.h"

namespace slipway::monitor {

const char* judge_outcome_name(JudgeOutcome outcome) {
  switch (outcome) {
    case JudgeOutcome::Scored:
      return "scored";
    case JudgeOutcome::Unparsable:
      return "unparsable";
    case JudgeOutcome::Failed:
      return "failed";
  }
  return "failed";
}

void record_judge_score(store::Store& store, const JudgeScoreRow& row) {
  // Only a scored row carries a score: the readers' means never see the others.
  const bool scored = row.outcome == JudgeOutcome::Scored && row.score.has_value();
  const JudgeOutcome outcome =
      row.outcome == JudgeOutcome::Scored && !scored ? JudgeOutcome::Unparsable : row.outcome;
  const store::Value score = scored ? store::Value(*row.score) : store::null_value();
  store.write([&](store::Transaction& tx) {
    tx.execute(
        "INSERT INTO monitor_judge_scores (response_id, route, version, "
        "arm, judge, outcome, "
        "score, detail, latency_ms, answered_ms, judged_ms) VALUES (?, "
        "?, ?, ?, ?, ?, ?, ?, ?, "
        "?, ?) ON CONFLICT (response_id) DO UPDATE SET route = "
        "excluded.route, version = "
        "excluded.version, arm = excluded.arm, judge = excluded.judge, "
        "outcome = "
        "excluded.outcome, score = excluded.score, detail = "
        "excluded.detail, latency_ms = "
        "excluded.latency_ms, answered_ms = excluded.answered_ms, "
        "judged_ms = excluded.judged_ms",
        {row.response_id, row.route, row.version, row.arm, row.judge,
         std::string(judge_outcome_name(outcome)), score, row.detail, row.latency_ms,
         row.answered_ms, row.judged_ms});
  });
}

int64_t purge_judge_rows(store::Store& store, int64_t before_ms) {
  return store.write([&](store::Transaction& tx) {
    return tx.execute("DELETE FROM monitor_judge_scores WHERE answered_ms < ?", {before_ms}) +
           tx.execute("DELETE FROM monitor_judge_pairs WHERE answered_ms < ?", {before_ms});
  });
}

}  // namespace slipway::monitor
