#pragma once
// The message of the FormatError an action throws, for the tests of refused files. Header-only:
// the ASan parser tests link only slipway_parsers_asan.
#include <functional>
#include <string>

#include "engine/format/format_error.h"

namespace slipway::engine::testing {

// The FormatError's message; "" when the action throws none (other exceptions pass through).
inline std::string format_error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const FormatError& e) {
    return e.what();
  }
  return "";
}

}  // namespace slipway::engine::testing
