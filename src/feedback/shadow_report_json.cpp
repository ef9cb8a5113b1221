// The shadow report as the admin API and `slipway shadow report --json` show it.
#include "feedback/shadow_report.h"
#include "feedback/utc_text.h"

namespace slipway::feedback {

namespace {

Json optional_number(const std::optional<double>& value) {
  return value ? Json(*value) : Json(nullptr);
}

Json summary_json(const SampleSummary& summary) {
  return Json{{"mean", summary.mean}, {"p50", summary.p50}, {"p95", summary.p95}};
}

// Null when no pair had the measure on both sides, so a missing figure never reads as 0.
Json figure_json(const PairedFigure& figure) {
  if (figure.pairs == 0) return nullptr;
  Json json = Json::object();
  json["pairs"] = figure.pairs;
  json["primary"] = summary_json(figure.primary);
  json["shadow"] = summary_json(figure.shadow);
  json["mean_delta"] = figure.mean_delta;
  json["ratio"] = optional_number(figure.ratio);
  return json;
}

// Keys in name order, an empty name shown as "unknown" (and sorted as such).
Json counts_json(const std::map<std::string, int64_t>& counts) {
  std::map<std::string, int64_t> named;
  for (const auto& [name, count] : counts) named[name.empty() ? "unknown" : name] += count;
  Json json = Json::object();
  for (const auto& [name, count] : named) json[name] = count;
  return json;
}

std::string judge_summary(const JudgeTally& judge) {
  if (judge.judged() == 0) return "none yet";
  return "shadow " + std::to_string(judge.shadow_wins) + ", primary " +
         std::to_string(judge.primary_wins) + ", ties " + std::to_string(judge.ties);
}

Json version_json(const ShadowVersionReport& version) {
  Json json = Json::object();
  json["version"] = version.version;
  json["shadow_answers"] = version.shadow_answers;
  json["pairs"] = version.pairs;
  json["primary_versions"] = counts_json(version.primary_versions);
  json["latency_seconds"] = figure_json(version.latency_seconds);
  json["ttft_seconds"] = figure_json(version.ttft_seconds);
  json["completion_tokens"] = figure_json(version.completion_tokens);
  json["finish_reasons"] = Json{{"primary", counts_json(version.primary_finish_reasons)},
                                {"shadow", counts_json(version.shadow_finish_reasons)}};
  const OutputMatch& match = version.match;
  json["match"] = Json{{"pairs_with_bodies", match.pairs_with_bodies},
                       {"exact", match.exact},
                       {"exact_rate", optional_number(match.exact_rate())},
                       {"normalized", match.normalized},
                       {"normalized_rate", optional_number(match.normalized_rate())}};
  const JudgeTally& judge = version.judge;
  json["judge"] = Json{{"judged", judge.judged()},
                       {"shadow_wins", judge.shadow_wins},
                       {"primary_wins", judge.primary_wins},
                       {"ties", judge.ties},
                       {"summary", judge_summary(judge)}};
  return json;
}

}  // namespace

Json shadow_report_to_json(const ShadowReport& report) {
  const ShadowReportQuery& query = report.query;
  Json json = Json::object();
  json["object"] = "shadow.report";
  json["route"] = query.route;
  json["since"] = iso_utc(query.since_ms);
  json["until"] = query.until_ms > 0 ? Json(iso_utc(query.until_ms)) : Json(nullptr);
  json["version"] = query.version.empty() ? Json(nullptr) : Json(query.version);
  json["pairs"] = report.pairs();
  if (report.pairs() == 0) json["message"] = report.empty_reason;
  json["versions"] = Json::array();
  for (const auto& version : report.versions) json["versions"].push_back(version_json(version));
  return json;
}

}  // namespace slipway::feedback
