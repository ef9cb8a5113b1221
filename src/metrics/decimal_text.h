#pragma once
// Numbers as people read them in reasons and reports (gate results, quality trends).
#include <string>

namespace slipway::metrics {

// `value` with at most `decimals` decimals and no trailing zeros: 0.7, 2.16, 90; never "-0".
std::string trimmed_decimal(double value, int decimals);

}  // namespace slipway::metrics
