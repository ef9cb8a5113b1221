#pragma once
// Dataset exports in TRL's conversational formats, one JSON object per line:
//   dpo  {"prompt": [messages], "chosen": [assistant message], "rejected": [assistant message]}
//        pairs of answers to the same prompt where one was liked and the other disliked
//        (source "user"), or that a judge compared (source "judge").
//   kto  {"prompt": [messages], "completion": [assistant message], "label": true|false}
//        every rated answer (a user's net rating > 0 is true, < 0 false; a judge's chosen is
//        true, rejected false).
// Only chat answers with a kept body can be exported; legacy completions are counted, not
// written (TRL takes one format per file).
#include <cstdint>
#include <optional>
#include <string>

#include "feedback/json.h"

namespace slipway::feedback {

enum class ExportFormat { Dpo, Kto };
enum class ExportSource { User, Judge, All };

const char* export_format_name(ExportFormat format);  // "dpo" / "kto"
const char* export_source_name(ExportSource source);  // "user" / "judge" / "all"
std::optional<ExportFormat> parse_export_format(const std::string& text);
std::optional<ExportSource> parse_export_source(const std::string& text);

struct ExportFilters {
  ExportFormat format = ExportFormat::Dpo;
  ExportSource source = ExportSource::User;
  std::string route;                // "" any; every answer of a row must match
  std::string version;              // "" any; every answer of a row must match
  std::optional<int64_t> since_ms;  // answers created at or after
  bool with_metadata = false;       // add a "slipway" object per row (ids, source, route, versions)
};

Json filters_to_json(const ExportFilters& filters);
ExportFilters filters_from_json(const Json& json);  // throws std::invalid_argument

// "2026-12-01", "2026-12-01T10:00:00Z" (or with an offset), or an age before now: "30m", "12h",
// "7d", "2w". Throws std::invalid_argument with the accepted forms.
int64_t parse_since(const std::string& text, int64_t now_ms);
// A positive duration: "90s", "30m", "12h", "7d", "2w" (or plain seconds "3600"). Throws
// std::invalid_argument.
int64_t parse_duration_ms(const std::string& text);

}  // namespace slipway::feedback
