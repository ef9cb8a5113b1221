#pragma once
// Helpers for the Jinja unit tests: render a template string with a JSON context.
#include <string>

#include "text/chat_template.h"

namespace slipway::text::jinja_test {

inline std::string render(const std::string& source, const nlohmann::ordered_json& context =
                                                         nlohmann::ordered_json::object()) {
  return ChatTemplate::parse(source, "test")->render_ordered(context);
}

// The TemplateError message, or "" when rendering succeeded.
inline std::string error_of(const std::string& source, const nlohmann::ordered_json& context =
                                                           nlohmann::ordered_json::object()) {
  try {
    render(source, context);
  } catch (const TemplateError& e) {
    return e.what();
  }
  return "";
}

}  // namespace slipway::text::jinja_test
