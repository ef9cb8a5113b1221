#pragma once
// The JSON type of the feedback part: the same ordered JSON the backends speak, so request
// bodies and answers pass from the HTTP layer without conversion.
#include <nlohmann/json.hpp>

namespace slipway::feedback {

using Json = nlohmann::ordered_json;

}  // namespace slipway::feedback
