// config.json and generation_config.json from untrusted bytes (a downloaded model folder):
// FormatError is the only acceptable failure. The input is tried as both files.
#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/format/format_error.h"
#include "engine/format/model_config.h"
#include "support/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using namespace slipway::engine;
  const std::string text(slipway::fuzz::as_text(data, size));
  try {
    parse_model_config(text, "config.json");
  } catch (const FormatError&) {
  }
  try {
    parse_generation_defaults(text, "generation_config.json");
  } catch (const FormatError&) {
  }
  return 0;
}
