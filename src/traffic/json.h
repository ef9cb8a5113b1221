#pragma once
#include <nlohmann/json.hpp>

namespace slipway::traffic {
using Json = nlohmann::ordered_json;
}
