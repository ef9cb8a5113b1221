#pragma once
// `slipway shadow report` as text: from the report's JSON (feedback::shadow_report_to_json, the
// same whether it was read from the store or from a server), one block per shadow version with
// a PRIMARY / SHADOW / DELTA / RATIO table of latency, TTFT and tokens, then the finish-reason
// mix, output matches and judge verdicts.
#include <string>

#include "feedback/json.h"

namespace slipway::app::shadow {

std::string render_shadow_report(const ::slipway::feedback::Json& report);

}  // namespace slipway::app::shadow
