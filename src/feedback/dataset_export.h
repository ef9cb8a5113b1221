#pragma once
// Building a DPO/KTO dataset from the log and recording it: the record (content hash, filters,
// counts, time, who) is what a later version's lineage names (`--data-version` of the
// registry), and the content is kept so the exact file can be downloaded again.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "feedback/export_format.h"
#include "store/store.h"

namespace slipway::feedback {

struct ExportSummary {
  int64_t rows = 0;
  int64_t prompts = 0;              // distinct prompts in the rows
  int64_t user_rows = 0;            // rows from user ratings
  int64_t judge_rows = 0;           // rows from judge verdicts
  int64_t desirable = 0;            // kto: label true
  int64_t undesirable = 0;          // kto: label false
  int64_t rated_answers = 0;        // answers with a net rating matching the filters
  int64_t skipped_no_body = 0;      // rated answers whose body was not kept or was purged
  int64_t skipped_completions = 0;  // rated legacy completions
  int64_t duplicates = 0;           // rows dropped as exact repeats
  // Human-readable: the class balance, and for an empty export why it is empty.
  std::string message;
};

struct BuiltExport {
  std::string content;  // JSONL, '\n' after each row; empty when no row matched
  ExportSummary summary;
};

struct ExportRecord {
  // "<format>-<yyyymmddThhmmssZ>-<12 hex>", the hex from the content's SHA-256 and the filters
  std::string id;
  ExportFilters filters;
  ExportSummary summary;
  std::string sha256;  // of content
  int64_t bytes = 0;
  std::string actor;
  int64_t created_ms = 0;
};

Json summary_to_json(const ExportSummary& summary);
Json record_to_json(const ExportRecord& record);  // without the content

// Reads the log (one read transaction) and builds the dataset; deterministic for equal data.
BuiltExport build_export(store::Store& store, const ExportFilters& filters);
// build_export, then records it with its content (one write transaction). An export with no
// row is not recorded: the record's id is empty and summary.message says why.
ExportRecord create_export(store::Store& store, const ExportFilters& filters,
                           const std::string& actor, int64_t now_ms,
                           std::string* content = nullptr);
std::vector<ExportRecord> list_exports(store::Store& store, int64_t limit = 100);
std::optional<ExportRecord> get_export(store::Store& store, const std::string& id);
std::optional<std::string> export_content(store::Store& store, const std::string& id);

}  // namespace slipway::feedback
