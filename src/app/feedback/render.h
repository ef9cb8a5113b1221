#pragma once
// Text forms of what `slipway feedback` prints, from the admin API's JSON records.
#include <string>
#include <vector>

#include "app/feedback/feedback_client.h"

namespace slipway::app::feedback {

// `slipway feedback exports`: ID FORMAT ROWS SHA256 (first 12) CREATED FILTERS.
std::string render_exports_table(const std::vector<Json>& records);
// One export, a "key: value" line per field.
std::string render_export_record(const Json& record);
// What `export` reports: the id, sha256 and rows, then the summary's message; for an export
// that matched nothing, the summary's reason (it starts with "No rows").
std::string render_export_report(const Json& record);
// The filters other than the format, as "source=user route=support since=2026-12-01T00:00:00Z".
std::string render_filters(const Json& filters);
// `slipway feedback rates`: ROUTE VERSION ARM START ANSWERS UP DOWN UP-SHARE COMPLETION.
std::string render_rates_table(const std::vector<Json>& windows);
// "3 answers, 2 bodies, ..." of a counts object, with labels per key.
std::string render_forget_counts(const Json& counts);
std::string render_purge_counts(const Json& counts);

}  // namespace slipway::app::feedback
