#include "app/commands.h"

namespace slipway::app {

void register_generate_command(CLI::App& root) {
  root.add_subcommand("generate", "Generate text from a model folder");
}

}  // namespace slipway::app
