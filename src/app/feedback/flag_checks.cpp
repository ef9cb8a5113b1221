#include <stdexcept>

#include "app/feedback/feedback_commands.h"
#include "store/clock.h"

namespace slipway::app::feedback {
namespace {

// A validator whose message is the parser's own (it lists the accepted forms).
template <class Parse>
CLI::Validator parser_validator(const char* name, Parse parse) {
  return CLI::Validator(
      [parse](std::string& text) -> std::string {
        try {
          parse(text);
          return {};
        } catch (const std::invalid_argument& e) {
          return e.what();
        }
      },
      name);
}

}  // namespace

CLI::Validator since_validator() {
  return parser_validator(
      "TIME", [](const std::string& text) { fb::parse_since(text, store::system_now_ms()); });
}

CLI::Validator duration_validator() {
  return parser_validator("DURATION", [](const std::string& text) { fb::parse_duration_ms(text); });
}

}  // namespace slipway::app::feedback
