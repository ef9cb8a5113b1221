#pragma once
// `slipway shadow report`: how a route's shadow versions answered compared with the primary
// answers they mirrored. A pair is a shadow answer (arm "shadow", choice 0, status 200) served
// in the range, and the primary answer named by its primary_id (choice 0, status 200). Per
// shadow version: latency, time to first token and completion tokens on both sides, the
// finish-reason mix, how often the output text matched, and the judge's verdicts on pairs.
//
// build_shadow_report reads the figures; shadow_report_to_json is what the admin API
// (GET /admin/v1/routes/{route}/shadow-report) and `--json` print. Output is deterministic:
// versions, primary versions and finish reasons in name order.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "feedback/json.h"
#include "store/store.h"

namespace slipway::feedback {

struct ShadowReportQuery {
  std::string route;     // required: the route (public model name) the answers were served on
  int64_t since_ms = 0;  // shadow answers created at or after
  int64_t until_ms = 0;  // ... and before (exclusive); 0: no end
  std::string version;   // one shadow version ("model/N"); "" every shadow version
};

// Mean and percentiles of one side's samples. Percentiles interpolate linearly between the
// closest ranks (numpy's default, as `slipway bench` reports them).
struct SampleSummary {
  int64_t count = 0;
  double mean = 0;
  double p50 = 0;
  double p95 = 0;
};

// One measure over the pairs where both sides have it.
struct PairedFigure {
  int64_t pairs = 0;
  SampleSummary primary;
  SampleSummary shadow;
  double mean_delta = 0;        // shadow - primary, averaged over the pairs
  std::optional<double> ratio;  // shadow mean / primary mean; absent when the primary's is 0
};

// Output text: the chat message's content (its tool calls as JSON appended) or the
// completion's text. Only pairs whose two bodies are both still kept can be compared.
struct OutputMatch {
  int64_t pairs_with_bodies = 0;
  int64_t exact = 0;       // the same text
  int64_t normalized = 0;  // the same after trimming and collapsing runs of whitespace
  std::optional<double> exact_rate() const;       // absent without bodies
  std::optional<double> normalized_rate() const;  // absent without bodies
};

// Judge verdicts (feedback_judgments, choice 0 on both sides) between a pair's two answers,
// in either order. A verdict whose detail has the word "tie" (any case) counts as a tie.
struct JudgeTally {
  int64_t shadow_wins = 0;
  int64_t primary_wins = 0;
  int64_t ties = 0;
  int64_t judged() const { return shadow_wins + primary_wins + ties; }
};

struct ShadowVersionReport {
  std::string version;
  int64_t shadow_answers = 0;  // its shadow answers in range (choice 0), whatever their status
  int64_t pairs = 0;
  std::map<std::string, int64_t> primary_versions;  // primary versions seen, pairs each
  PairedFigure latency_seconds;
  PairedFigure ttft_seconds;                              // pairs where both sides reported it
  PairedFigure completion_tokens;                         // pairs where both sides counted them
  std::map<std::string, int64_t> primary_finish_reasons;  // "" is shown as "unknown"
  std::map<std::string, int64_t> shadow_finish_reasons;
  OutputMatch match;
  JudgeTally judge;
};

struct ShadowReport {
  ShadowReportQuery query;
  std::vector<ShadowVersionReport> versions;  // every shadow version with answers in range
  std::string empty_reason;                   // why there are no pairs; "" when there are
  int64_t pairs() const;
};

// Throws std::invalid_argument for a query without a route or with until <= since.
ShadowReport build_shadow_report(store::Store& store, const ShadowReportQuery& query);

// {"object": "shadow.report", "route", "since", "until" (null: now), "version" (null: all),
//  "pairs", "message" (only when pairs is 0),
//  "versions": [{"version", "shadow_answers", "pairs", "primary_versions": {version: pairs},
//    "latency_seconds" | "ttft_seconds" | "completion_tokens": null or {"pairs",
//      "primary": {"mean", "p50", "p95"}, "shadow": {...}, "mean_delta", "ratio"},
//    "finish_reasons": {"primary": {reason: n}, "shadow": {reason: n}},
//    "match": {"pairs_with_bodies", "exact", "exact_rate", "normalized", "normalized_rate"},
//    "judge": {"judged", "shadow_wins", "primary_wins", "ties", "summary"}}]}
Json shadow_report_to_json(const ShadowReport& report);

// Trimmed, each run of whitespace one space: what the normalized match compares.
std::string normalize_whitespace(const std::string& text);

}  // namespace slipway::feedback
