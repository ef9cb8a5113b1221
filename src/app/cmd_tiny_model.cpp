#include "app/commands.h"

namespace slipway::app {

void register_tiny_model_command(CLI::App& root) {
  root.add_subcommand("tiny-model", "Write a random-weight model folder");
}

}  // namespace slipway::app
