#include "feedback/dataset_export.h"

#include <set>
#include <stdexcept>
#include <utility>

#include "feedback/export_rows.h"
#include "feedback/export_summary.h"
#include "feedback/preference_pairs.h"
#include "feedback/prompt_key.h"
#include "feedback/utc_text.h"

namespace slipway::feedback {

namespace {

using detail::ExportAnswer;
using detail::JudgedPair;

constexpr const char* kRecordColumns =
    "SELECT id, format, filters_json, summary_json, sha256, bytes, actor, created_ms "
    "FROM feedback_exports";

// Answers with a non-zero net user rating that match the filters, with their bodies.
std::vector<ExportAnswer> load_rated(store::Transaction& tx, const ExportFilters& filters) {
  store::Params params;
  const std::string sql =
      "SELECT " + detail::answer_columns("r", "b") +
      ", n.net FROM (SELECT response_id, choice_index, SUM(rating) AS net "
      "FROM feedback_ratings WHERE rating IS NOT NULL GROUP BY response_id, choice_index) n "
      "JOIN feedback_responses r ON r.id = n.response_id AND r.choice_index = n.choice_index "
      "LEFT JOIN feedback_bodies b ON b.id = r.id WHERE n.net <> 0" +
      detail::answer_filter("r", filters, params);
  std::vector<ExportAnswer> rated;
  for (const auto& row : tx.query(sql, params)) {
    rated.push_back(detail::answer_from_row(row, 0));
    rated.back().net = row.integer(9);
  }
  return rated;
}

// Judge verdicts whose two answers both match the filters.
std::vector<JudgedPair> load_judged(store::Transaction& tx, const ExportFilters& filters) {
  store::Params params;
  std::string sql = "SELECT " + detail::answer_columns("c", "cb") + ", " +
                    detail::answer_columns("x", "xb") +
                    " FROM feedback_judgments j "
                    "JOIN feedback_responses c ON c.id = j.chosen_id AND "
                    "c.choice_index = j.chosen_choice "
                    "JOIN feedback_responses x ON x.id = j.rejected_id AND "
                    "x.choice_index = j.rejected_choice "
                    "LEFT JOIN feedback_bodies cb ON cb.id = c.id "
                    "LEFT JOIN feedback_bodies xb ON xb.id = x.id WHERE 1 = 1";
  sql += detail::answer_filter("c", filters, params);
  sql += detail::answer_filter("x", filters, params);
  std::vector<JudgedPair> judged;
  for (const auto& row : tx.query(sql, params)) {
    judged.emplace_back(detail::answer_from_row(row, 0), detail::answer_from_row(row, 9));
  }
  return judged;
}

// Appends rows as JSONL, dropping exact repeats (metadata aside) and counting what it wrote.
class RowWriter {
 public:
  RowWriter(bool with_metadata, ExportSummary& summary)
      : with_metadata_(with_metadata), summary_(summary) {}

  bool add(Json row, Json metadata, ExportSource source, const std::string& prompt_hash) {
    if (!seen_.insert(detail::sorted_dump(row)).second) {
      ++summary_.duplicates;
      return false;
    }
    if (with_metadata_) row["slipway"] = std::move(metadata);
    content_ += row.dump(-1, ' ', false, Json::error_handler_t::replace);
    content_ += '\n';
    ++summary_.rows;
    ++(source == ExportSource::Judge ? summary_.judge_rows : summary_.user_rows);
    prompts_.insert(prompt_hash);
    summary_.prompts = static_cast<int64_t>(prompts_.size());
    return true;
  }

  std::string take_content() { return std::move(content_); }

 private:
  bool with_metadata_;
  ExportSummary& summary_;
  std::set<std::string> seen_;
  std::set<std::string> prompts_;
  std::string content_;
};

void write_pairs(RowWriter& writer, const std::vector<detail::PreferencePair>& pairs,
                 ExportSource source) {
  for (const auto& pair : pairs) {
    writer.add(detail::dpo_row(*pair.chosen, *pair.rejected),
               detail::dpo_metadata(*pair.chosen, *pair.rejected, source), source,
               pair.chosen->prompt_hash);
  }
}

void write_examples(RowWriter& writer, const std::vector<detail::LabelledAnswer>& examples,
                    ExportSource source, ExportSummary& summary) {
  for (const auto& example : examples) {
    const ExportAnswer& answer = *example.answer;
    if (writer.add(detail::kto_row(answer, example.label), detail::kto_metadata(answer, source),
                   source, answer.prompt_hash)) {
      ++(example.label ? summary.desirable : summary.undesirable);
    }
  }
}

// Skipped answers are counted once each, whether users rated them or a judge named them.
void count_skipped(const std::vector<ExportAnswer>& rated, const std::vector<JudgedPair>& judged,
                   ExportSummary& summary) {
  std::set<std::pair<std::string, int>> counted;
  const auto count = [&](const ExportAnswer& answer) {
    if (!counted.insert({answer.id, answer.choice}).second) return;
    if (answer.usability == detail::Usability::Completion) ++summary.skipped_completions;
    if (answer.usability == detail::Usability::NoBody) ++summary.skipped_no_body;
  };
  for (const auto& answer : rated) count(answer);
  for (const auto& [chosen, rejected] : judged) {
    count(chosen);
    count(rejected);
  }
}

// Stored filters as written by filters_to_json; a damaged value keeps at least the format.
ExportFilters stored_filters(const std::string& filters_json, const std::string& format) {
  const Json json = Json::parse(filters_json, nullptr, false);
  try {
    if (!json.is_discarded()) return filters_from_json(json);
  } catch (const std::invalid_argument&) {
  }
  ExportFilters filters;
  filters.format = parse_export_format(format).value_or(ExportFormat::Dpo);
  return filters;
}

ExportRecord record_from_row(const store::Row& row) {
  ExportRecord record;
  record.id = row.text(0);
  record.filters = stored_filters(row.text(2), row.text(1));
  record.summary = detail::summary_from_json(Json::parse(row.text(3), nullptr, false));
  record.sha256 = row.text(4);
  record.bytes = row.integer(5);
  record.actor = row.text(6);
  record.created_ms = row.integer(7);
  return record;
}

std::optional<ExportRecord> find_record(store::Transaction& tx, const std::string& id) {
  auto rows = tx.query(std::string(kRecordColumns) + " WHERE id = ?", {id});
  if (rows.empty()) return std::nullopt;
  return record_from_row(rows.front());
}

}  // namespace

Json record_to_json(const ExportRecord& record) {
  Json json = Json::object();
  json["id"] = record.id;
  json["format"] = export_format_name(record.filters.format);
  json["filters"] = filters_to_json(record.filters);
  json["summary"] = summary_to_json(record.summary);
  json["sha256"] = record.sha256;
  json["rows"] = record.summary.rows;
  json["bytes"] = record.bytes;
  json["actor"] = record.actor;
  json["created"] = iso_utc(record.created_ms);
  json["created_ms"] = record.created_ms;
  return json;
}

BuiltExport build_export(store::Store& store, const ExportFilters& filters) {
  const bool users = filters.source != ExportSource::Judge;
  const bool judges = filters.source != ExportSource::User;
  std::vector<ExportAnswer> rated;
  std::vector<JudgedPair> judged;
  store.read([&](store::Transaction& tx) {
    if (users) rated = load_rated(tx, filters);
    if (judges) judged = load_judged(tx, filters);
  });

  BuiltExport built;
  ExportSummary& summary = built.summary;
  summary.rated_answers = static_cast<int64_t>(rated.size());
  count_skipped(rated, judged, summary);
  detail::ExportTally tally;
  for (const auto& answer : rated) {
    if (answer.usable()) ++(answer.net > 0 ? tally.liked : tally.disliked);
  }
  tally.judgments = static_cast<int64_t>(judged.size());

  // User rows first, then judge rows: the sources stay apart in the file too.
  RowWriter writer(filters.with_metadata, summary);
  if (filters.format == ExportFormat::Dpo) {
    write_pairs(writer, detail::user_pairs(rated), ExportSource::User);
    write_pairs(writer, detail::judge_pairs(judged), ExportSource::Judge);
  } else {
    write_examples(writer, detail::user_examples(rated), ExportSource::User, summary);
    write_examples(writer, detail::judge_examples(judged), ExportSource::Judge, summary);
  }
  built.content = writer.take_content();
  summary.message = detail::export_message(filters, summary, tally);
  return built;
}

ExportRecord create_export(store::Store& store, const ExportFilters& filters,
                           const std::string& actor, int64_t now_ms, std::string* content) {
  BuiltExport built = build_export(store, filters);
  ExportRecord record;
  record.filters = filters;
  record.summary = built.summary;
  record.actor = actor;
  record.created_ms = now_ms;
  if (built.summary.rows > 0) {
    record.sha256 = sha256_hex(built.content);
    record.bytes = static_cast<int64_t>(built.content.size());
    const std::string filters_json = filters_to_json(filters).dump();
    // Equal content under other filters is another export (its record says how it was made).
    record.id = std::string(export_format_name(filters.format)) + "-" + compact_utc(now_ms) + "-" +
                sha256_hex(record.sha256 + "\n" + filters_json).substr(0, 12);
    store.write([&](store::Transaction& tx) {
      // The same content and filters in the same second is the same export: the first stands.
      tx.execute(
          "INSERT INTO feedback_exports (id, format, filters_json, summary_json, sha256, "
          "rows_count, bytes, actor, created_ms, content) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
          "ON CONFLICT (id) DO NOTHING",
          {record.id, std::string(export_format_name(filters.format)), filters_json,
           summary_to_json(record.summary).dump(), record.sha256, record.summary.rows, record.bytes,
           actor, now_ms, built.content});
      if (auto stored = find_record(tx, record.id)) record = std::move(*stored);
    });
  }
  if (content != nullptr) *content = std::move(built.content);
  return record;
}

std::vector<ExportRecord> list_exports(store::Store& store, int64_t limit) {
  if (limit < 1) throw std::invalid_argument("the export list limit must be at least 1");
  return store.read([&](store::Transaction& tx) {
    std::vector<ExportRecord> records;
    for (const auto& row : tx.query(
             std::string(kRecordColumns) + " ORDER BY created_ms DESC, id DESC LIMIT ?", {limit})) {
      records.push_back(record_from_row(row));
    }
    return records;
  });
}

std::optional<ExportRecord> get_export(store::Store& store, const std::string& id) {
  return store.read([&](store::Transaction& tx) { return find_record(tx, id); });
}

std::optional<std::string> export_content(store::Store& store, const std::string& id) {
  return store.read([&](store::Transaction& tx) -> std::optional<std::string> {
    auto rows = tx.query("SELECT content FROM feedback_exports WHERE id = ?", {id});
    if (rows.empty()) return std::nullopt;
    return rows.front().text(0);
  });
}

}  // namespace slipway::feedback
