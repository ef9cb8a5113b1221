#include "feedback/shadow_report.h"

#include <stdexcept>

#include "feedback/shadow_figures.h"
#include "feedback/utc_text.h"

namespace slipway::feedback {

namespace {

// Pair rows are read a page at a time: bodies can be large, figures need only their texts.
constexpr int64_t kPageRows = 200;

// The shadow answers of the query (alias `s`): the WHERE clause, its parameters appended.
std::string shadow_filter(const ShadowReportQuery& query, store::Params& params) {
  std::string sql =
      " WHERE s.route = ? AND s.arm = 'shadow' AND s.choice_index = 0 AND s.created_ms >= ?";
  store::Params added{store::Value(query.route), store::Value(query.since_ms)};
  if (query.until_ms > 0) {
    sql += " AND s.created_ms < ?";
    added.emplace_back(query.until_ms);
  }
  if (!query.version.empty()) {
    sql += " AND s.version = ?";
    added.emplace_back(query.version);
  }
  params.insert(params.end(), added.begin(), added.end());
  return sql;
}

// A shadow answer joined with its primary (alias `p`), both successful.
constexpr const char* kPairJoin =
    " FROM feedback_responses s JOIN feedback_responses p ON p.id = s.primary_id AND "
    "p.choice_index = 0";
constexpr const char* kPairCondition = " AND s.status = 200 AND p.status = 200";

// The log stores times in milliseconds; the report speaks seconds.
std::optional<double> optional_seconds(const store::Row& row, std::size_t column) {
  if (row.is_null(column)) return std::nullopt;
  return row.real(column) / 1000.0;
}

std::optional<double> optional_count(const store::Row& row, std::size_t column) {
  if (row.is_null(column)) return std::nullopt;
  return static_cast<double>(row.integer(column));
}

// One shadow version's pairs as they are read, before they are summarized.
struct VersionSamples {
  ShadowVersionReport report;
  detail::PairedSamples latency, ttft, tokens;
};

// Columns of a pair row, in the order add_pair reads them.
constexpr const char* kPairColumns =
    "SELECT s.version, s.id, s.created_ms, s.latency_ms, s.ttft_ms, s.completion_tokens, "
    "s.finish_reason, p.version, p.latency_ms, p.ttft_ms, p.completion_tokens, "
    "p.finish_reason, sb.outputs_json, pb.outputs_json";

void add_pair(VersionSamples& samples, const store::Row& row) {
  ShadowVersionReport& report = samples.report;
  ++report.pairs;
  ++report.primary_versions[row.text(7)];
  samples.latency.add(optional_seconds(row, 8), optional_seconds(row, 3));
  samples.ttft.add(optional_seconds(row, 9), optional_seconds(row, 4));
  samples.tokens.add(optional_count(row, 10), optional_count(row, 5));
  ++report.primary_finish_reasons[row.text(11)];
  ++report.shadow_finish_reasons[row.text(6)];
  if (row.is_null(12) || row.is_null(13)) return;
  const auto shadow_text = detail::first_output_text(row.text(12));
  const auto primary_text = detail::first_output_text(row.text(13));
  if (!shadow_text || !primary_text) return;
  ++report.match.pairs_with_bodies;
  if (*shadow_text == *primary_text) ++report.match.exact;
  if (normalize_whitespace(*shadow_text) == normalize_whitespace(*primary_text)) {
    ++report.match.normalized;
  }
}

// Every pair, page by page in (created, id) order, so the sums add up in the same order on
// every run.
void read_pairs(store::Transaction& tx, const ShadowReportQuery& query,
                std::map<std::string, VersionSamples>& versions) {
  int64_t after_created = 0;
  std::string after_id;
  bool first_page = true;
  while (true) {
    store::Params params;
    std::string sql = std::string(kPairColumns) + kPairJoin +
                      " LEFT JOIN feedback_bodies sb ON sb.id = s.id"
                      " LEFT JOIN feedback_bodies pb ON pb.id = p.id" +
                      shadow_filter(query, params) + kPairCondition;
    if (!first_page) {
      sql += " AND (s.created_ms > ? OR (s.created_ms = ? AND s.id > ?))";
      params.insert(params.end(), {after_created, after_created, after_id});
    }
    sql += " ORDER BY s.created_ms, s.id LIMIT " + std::to_string(kPageRows);
    const auto rows = tx.query(sql, params);
    for (const auto& row : rows) add_pair(versions[row.text(0)], row);
    if (static_cast<int64_t>(rows.size()) < kPageRows) return;
    after_created = rows.back().integer(2);
    after_id = rows.back().text(1);
    first_page = false;
  }
}

void read_judgments(store::Transaction& tx, const ShadowReportQuery& query,
                    std::map<std::string, VersionSamples>& versions) {
  store::Params params;
  const std::string sql =
      std::string("SELECT s.version, CASE WHEN j.chosen_id = s.id THEN 1 ELSE 0 END, j.detail") +
      kPairJoin +
      " JOIN feedback_judgments j ON j.chosen_choice = 0 AND j.rejected_choice = 0 AND "
      "((j.chosen_id = s.id AND j.rejected_id = p.id) OR "
      "(j.chosen_id = p.id AND j.rejected_id = s.id))" +
      shadow_filter(query, params) + kPairCondition;
  for (const auto& row : tx.query(sql, params)) {
    JudgeTally& tally = versions[row.text(0)].report.judge;
    if (detail::says_tie(row.text(2))) {
      ++tally.ties;
    } else if (row.integer(1) == 1) {
      ++tally.shadow_wins;
    } else {
      ++tally.primary_wins;
    }
  }
}

std::string range_text(const ShadowReportQuery& query) {
  std::string text = "since " + iso_utc(query.since_ms);
  if (query.until_ms > 0) text += " until " + iso_utc(query.until_ms);
  return text;
}

std::string empty_reason(const ShadowReportQuery& query, int64_t shadow_answers) {
  const std::string which = query.version.empty()
                                ? "shadow answers"
                                : "shadow answers from version `" + query.version + "`";
  if (shadow_answers == 0) {
    return "No " + which + " for route `" + query.route + "` " + range_text(query) +
           ": is a shadow version set on the route, and has traffic reached it?";
  }
  return std::to_string(shadow_answers) + " " + which + " for route `" + query.route + "` " +
         range_text(query) +
         ", but none pairs with a primary answer: the shadows or their primaries failed, or the "
         "primaries were purged from the log.";
}

}  // namespace

std::optional<double> OutputMatch::exact_rate() const {
  if (pairs_with_bodies == 0) return std::nullopt;
  return static_cast<double>(exact) / static_cast<double>(pairs_with_bodies);
}

std::optional<double> OutputMatch::normalized_rate() const {
  if (pairs_with_bodies == 0) return std::nullopt;
  return static_cast<double>(normalized) / static_cast<double>(pairs_with_bodies);
}

int64_t ShadowReport::pairs() const {
  int64_t total = 0;
  for (const auto& version : versions) total += version.pairs;
  return total;
}

ShadowReport build_shadow_report(store::Store& store, const ShadowReportQuery& query) {
  if (query.route.empty()) throw std::invalid_argument("a shadow report names a route");
  if (query.until_ms > 0 && query.until_ms <= query.since_ms) {
    throw std::invalid_argument("the report's range ends before it starts (until <= since)");
  }
  std::map<std::string, VersionSamples> versions;
  int64_t shadow_answers = 0;
  store.read([&](store::Transaction& tx) {
    store::Params params;
    const auto counts = tx.query("SELECT s.version, COUNT(*) FROM feedback_responses s" +
                                     shadow_filter(query, params) + " GROUP BY s.version",
                                 params);
    for (const auto& row : counts) {
      versions[row.text(0)].report.shadow_answers = row.integer(1);
      shadow_answers += row.integer(1);
    }
    read_pairs(tx, query, versions);
    read_judgments(tx, query, versions);
  });

  ShadowReport report;
  report.query = query;
  for (auto& [version, samples] : versions) {
    ShadowVersionReport& out = samples.report;
    out.version = version;
    out.latency_seconds = samples.latency.figure();
    out.ttft_seconds = samples.ttft.figure();
    out.completion_tokens = samples.tokens.figure();
    report.versions.push_back(std::move(out));
  }
  if (report.pairs() == 0) report.empty_reason = empty_reason(query, shadow_answers);
  return report;
}

}  // namespace slipway::feedback
