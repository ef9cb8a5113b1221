#pragma once
// The human-readable side of an export's summary: what was written, the KTO class balance
// with TRL's weighting advice, and for an empty export what was found and what was missing.
// Internal to dataset_export.
#include <cstdint>
#include <string>

#include "feedback/dataset_export.h"

namespace slipway::feedback::detail {

// What the export saw beyond the summary's counts, to explain an empty result.
struct ExportTally {
  int64_t liked = 0;      // usable answers with a net rating > 0
  int64_t disliked = 0;   // usable answers with a net rating < 0
  int64_t judgments = 0;  // judge verdicts whose two answers match the filters
};

std::string export_message(const ExportFilters& filters, const ExportSummary& summary,
                           const ExportTally& tally);
// summary_to_json's inverse, for stored records; missing fields stay 0.
ExportSummary summary_from_json(const Json& json);

}  // namespace slipway::feedback::detail
