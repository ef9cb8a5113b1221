#include "app/cli_output.h"

#include <cstdio>

namespace slipway::app {

void print_text(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

void print_json(const nlohmann::ordered_json& json) {
  print_text(json.dump(2) + "\n");
}

}  // namespace slipway::app
