#include <cstdio>

#include "app/models/model_commands.h"

namespace slipway::app::models {

void print_text(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

void print_json(const registry::Json& json) {
  print_text(json.dump(2) + "\n");
}

}  // namespace slipway::app::models
