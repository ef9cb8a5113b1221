#pragma once
// The flags `slipway models` and `slipway feedback` share: where the command works (a data
// folder or store opened by this process, or a running server's admin API) and how it prints.
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "app/data_location.h"

namespace CLI {
class App;
}

namespace slipway::app {

struct ClientOptions {
  DataLocation location;  // --data, --store
  std::string server;     // --server URL: remote mode when set
  std::string api_key;    // --api-key (default $SLIPWAY_API_KEY)
};

struct CommonFlags {
  ClientOptions client;
  bool json = false;  // --json: print the records as JSON
};
using CommonFlagsPtr = std::shared_ptr<CommonFlags>;

// Declares --data, --store, --server, --api-key and --json on a command group (they may follow
// its subcommand) and returns the flags they fill, for the subcommands to keep.
// `served` names what --server works on: "registry", "log".
CommonFlagsPtr add_client_flags(CLI::App& group, const std::string& served);

// The answer as is with --json, else its text form (`render`).
void print_answer(const CommonFlags& common, const nlohmann::ordered_json& answer,
                  const std::function<std::string(const nlohmann::ordered_json&)>& render);

// True for remote mode (--server given); throws std::invalid_argument when --server is
// combined with --data or --store.
bool uses_server(const ClientOptions& options);

}  // namespace slipway::app
