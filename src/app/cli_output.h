#pragma once
// How the `slipway models` and `slipway feedback` subcommands print their results.
#include <nlohmann/json.hpp>
#include <string>

namespace slipway::app {

// Writes text, or JSON (indented, with a final newline), to stdout.
void print_text(const std::string& text);
void print_json(const nlohmann::ordered_json& json);

}  // namespace slipway::app
