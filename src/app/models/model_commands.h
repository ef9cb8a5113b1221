#pragma once
// The subcommands of `slipway models`, one file each; cmd_models.cpp adds them with the common
// flags they share (app/client_flags.h).
#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "app/cli_output.h"
#include "app/client_flags.h"
#include "app/models/registry_client.h"
#include "registry/record_json.h"
#include "registry/records.h"

namespace slipway::app::models {

void add_register_command(CLI::App& models, CommonFlagsPtr common);
void add_list_command(CLI::App& models, CommonFlagsPtr common);
void add_show_command(CLI::App& models, CommonFlagsPtr common);
void add_diff_command(CLI::App& models, CommonFlagsPtr common);
void add_alias_command(CLI::App& models, CommonFlagsPtr common);
void add_stage_command(CLI::App& models, CommonFlagsPtr common);
void add_history_command(CLI::App& models, CommonFlagsPtr common);
void add_verify_command(CLI::App& models, CommonFlagsPtr common);

// {"object":"list","data":[...]}, as the admin API answers lists.
template <class Records>
registry::Json json_list(const Records& records) {
  registry::Json data = registry::Json::array();
  for (const auto& record : records) data.push_back(registry::to_json(record));
  return registry::Json{{"object", "list"}, {"data", std::move(data)}};
}

}  // namespace slipway::app::models
