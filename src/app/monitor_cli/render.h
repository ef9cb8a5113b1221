#pragma once
// Text forms of what `slipway alerts|quality|drift|monitor` print, from the admin API's JSON, so
// direct and remote mode print alike. Fields a newer server adds are ignored; absent ones
// print as "-".
#include <cstddef>
#include <cstdint>
#include <string>

#include "app/monitor_cli/monitor_client.h"

namespace slipway::app::monitor_cli {

// `alerts list`: ID STATE SEVERITY RULE ROUTE VERSION FIRED (UTC) SUMMARY ACTION RESULT, from
// {"data": [alert...]}. An empty list says so.
std::string render_alerts_table(const Json& list);
// `alerts show`: every field, the evidence as indented JSON.
std::string render_alert(const Json& alert);
// `alerts resolve`: "resolved alert-...: <resolution>".
std::string render_resolved(const Json& alert);

// `quality`: per version its state and sentence, the baseline and its source, then a table
// START SCORED UNPARSABLE FAILED MEAN THRESHOLD BELOW. `settings` says whose settings applied.
std::string render_quality(const Json& answer, const std::string& settings);
// `drift`: per series and window, the report's state and a table NAME STATE VALUE WARNING
// CRITICAL SENTENCE. `settings` says whose settings applied.
std::string render_drift(const Json& answer, const std::string& settings);

// `monitor status`: the last evaluation, the judge's counters, the series and active alerts.
std::string render_monitor_status(const Json& status);
// `monitor evaluate`: what the evaluation did and the series it saw.
std::string render_evaluation(const Json& summary);

// Text shared by the renderers.
// 0.1234 -> "0.123", 7.6 -> "7.6", absent -> "-".
std::string format_number(const Json& object, const std::string& key, int decimals = 3);
// The first `max_chars` characters (UTF-8 code points) of text, "…" marking a cut.
std::string cut_text(const std::string& text, std::size_t max_chars);
// A span in its largest whole unit: 3'600'000 -> "1h", 5'400'000 -> "90m", 45'000 -> "45s".
std::string span_text(int64_t ms);
// Every line of text (ending in a newline) with `prefix` before it.
std::string indent(const std::string& text, const std::string& prefix);

}  // namespace slipway::app::monitor_cli
