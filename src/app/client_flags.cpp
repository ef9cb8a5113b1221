#include "app/client_flags.h"

#include <CLI/CLI.hpp>
#include <stdexcept>

#include "app/cli_output.h"

namespace slipway::app {

CommonFlagsPtr add_client_flags(CLI::App& group, const std::string& served) {
  auto flags = std::make_shared<CommonFlags>();
  // The common flags may follow the subcommand: `slipway models show demo/3 --json`.
  group.fallthrough();
  group.add_option("--data", flags->client.location.data_dir,
                   "Data folder holding slipway.db (default: $SLIPWAY_DATA, "
                   "$XDG_DATA_HOME/slipway, ~/.local/share/slipway)");
  group.add_option("--store", flags->client.location.store,
                   "Store location instead of --data: postgresql://... or a SQLite file");
  group.add_option("--server", flags->client.server,
                   "Work on a running slipway server's " + served + " (its admin API) at this URL");
  group.add_option("--api-key", flags->client.api_key, "The server's API key (with --server)")
      ->envname("SLIPWAY_API_KEY");
  group.add_flag("--json", flags->json, "Print the records as JSON");
  return flags;
}

bool uses_server(const ClientOptions& options) {
  if (options.server.empty()) return false;
  if (!options.location.data_dir.empty() || !options.location.store.empty()) {
    throw std::invalid_argument("--server cannot be combined with --data or --store");
  }
  return true;
}

void print_answer(const CommonFlags& common, const nlohmann::ordered_json& answer,
                  const std::function<std::string(const nlohmann::ordered_json&)>& render) {
  if (common.json) {
    print_json(answer);
  } else {
    print_text(render(answer));
  }
}

}  // namespace slipway::app
