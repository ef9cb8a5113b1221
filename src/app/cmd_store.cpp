// slipway store check: the database's own integrity check.
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>

#include "app/commands.h"
#include "app/data_location.h"

namespace slipway::app {

void register_store_command(CLI::App& root) {
  auto location = std::make_shared<DataLocation>();
  CLI::App* cmd = root.add_subcommand("store", "Look after the database holding slipway's state");
  cmd->require_subcommand(1);
  cmd->fallthrough();
  cmd->add_option("--data", location->data_dir,
                  "Data folder holding slipway.db (default: $SLIPWAY_DATA, "
                  "$XDG_DATA_HOME/slipway, ~/.local/share/slipway)");
  cmd->add_option("--store", location->store,
                  "Store location instead of --data: postgresql://... or a SQLite file");
  CLI::App* check =
      cmd->add_subcommand("check", "Run the database's integrity check: prints ok or the problems");
  check->callback([location] {
    auto store = open_store(*location);
    const auto problems = store->integrity_problems();
    if (problems.empty()) {
      std::printf("ok\n");
      return;
    }
    for (const auto& problem : problems) std::printf("%s\n", problem.c_str());
    std::fflush(stdout);
    throw std::runtime_error(store->describe() + ": " + std::to_string(problems.size()) +
                             (problems.size() == 1 ? " integrity problem" : " integrity problems"));
  });
}

}  // namespace slipway::app
