#pragma once
// The export's view of one logged answer choice (its metadata row, net rating and usable body)
// and the TRL rows built from it. Internal to dataset_export.
#include <cstdint>
#include <string>

#include "feedback/export_format.h"
#include "store/store.h"

namespace slipway::feedback::detail {

// Why an answer can or cannot be written.
enum class Usability {
  Usable,      // a chat answer whose body holds its prompt messages and a non-empty output
  Completion,  // a legacy completion: TRL's conversational formats take messages only
  NoBody,      // its body was not kept, was purged or does not hold this choice
  EmptyOutput  // a chat output with neither content nor tool calls
};

struct ExportAnswer {
  std::string id;
  int choice = 0;
  std::string kind, route, version, prompt_hash;
  int64_t created_ms = 0;
  int64_t net = 0;  // sum of the users' ratings
  Usability usability = Usability::NoBody;
  Json prompt_messages;     // the prompt as chat messages (Usable only)
  Json message;             // the output as an assistant message (Usable only)
  std::string message_key;  // `message` dumped with sorted keys, to compare outputs

  bool usable() const { return usability == Usability::Usable; }
};

// The nine columns answer_from_row reads, from a feedback_responses alias and a LEFT JOINed
// feedback_bodies alias.
std::string answer_columns(const std::string& response, const std::string& body);
ExportAnswer answer_from_row(const store::Row& row, std::size_t first_column);
// " AND <alias>.route = ? ..." for the filters that are set, appending their parameters.
std::string answer_filter(const std::string& response, const ExportFilters& filters,
                          store::Params& params);

// JSON with object keys sorted, so equal documents compare equal as text.
std::string sorted_dump(const Json& value);

// TRL's conversational rows; metadata, when asked, goes under "slipway".
Json dpo_row(const ExportAnswer& chosen, const ExportAnswer& rejected);
Json kto_row(const ExportAnswer& answer, bool label);
Json dpo_metadata(const ExportAnswer& chosen, const ExportAnswer& rejected, ExportSource source);
Json kto_metadata(const ExportAnswer& answer, ExportSource source);

}  // namespace slipway::feedback::detail
