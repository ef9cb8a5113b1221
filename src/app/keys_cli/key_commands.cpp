// slipway keys create|list|show|revoke.
#include "app/keys_cli/key_commands.h"

#include <functional>
#include <memory>

#include "app/cli_output.h"
#include "app/keys_cli/key_client.h"
#include "app/keys_cli/render.h"

namespace slipway::app::keys_cli {
namespace {

void add_create_command(CLI::App& keys, const CommonFlagsPtr& common) {
  auto key = std::make_shared<NewKey>();
  auto days = std::make_shared<int64_t>(0);
  CLI::App* cmd = keys.add_subcommand(
      "create", "Create an API key; its secret is printed once and cannot be shown again");
  cmd->add_option("--name", key->name, "A label, unique among active keys ([A-Za-z0-9._-])")
      ->required();
  cmd->add_option("--scopes", key->scopes,
                  "What the key may do: inference, feedback and/or admin, comma-separated")
      ->required();
  cmd->add_option("--rpm", key->limits.requests_per_minute,
                  "Requests per minute (default: the server's limit)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--tpm", key->limits.tokens_per_minute,
                  "Prompt and completion tokens per minute (default: the server's limit)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--max-streams", key->limits.max_streams,
                  "Model requests in flight at once (default: the server's limit)")
      ->check(CLI::NonNegativeNumber);
  CLI::Option* expires = cmd->add_option("--expires-days", *days, "Expire after this many days")
                             ->check(CLI::Range(int64_t{1}, kMaxExpiryDays));
  cmd->callback([key, days, expires, common] {
    NewKey request = *key;
    if (expires->count() > 0) request.expires_in_days = *days;
    print_answer(*common, make_key_client(common->client)->create(request), render_created);
  });
}

void add_list_command(CLI::App& keys, const CommonFlagsPtr& common) {
  auto all = std::make_shared<bool>(false);
  CLI::App* cmd = keys.add_subcommand("list", "List API keys, newest first (never the secrets)");
  cmd->add_flag("--all", *all, "Include revoked keys");
  cmd->callback([all, common] {
    print_answer(*common, make_key_client(common->client)->list(*all), render_keys_table);
  });
}

void add_show_command(CLI::App& keys, const CommonFlagsPtr& common) {
  auto key = std::make_shared<std::string>();
  CLI::App* cmd = keys.add_subcommand("show", "Show one API key");
  cmd->add_option("key", *key, "The key's id (key_...) or an active key's name")->required();
  cmd->callback([key, common] {
    print_answer(*common, make_key_client(common->client)->show(*key), render_key);
  });
}

void add_revoke_command(CLI::App& keys, const CommonFlagsPtr& common) {
  auto key = std::make_shared<std::string>();
  CLI::App* cmd = keys.add_subcommand(
      "revoke", "Revoke an API key at once (it stays listed with --all; it cannot come back)");
  cmd->add_option("key", *key, "The key's id (key_...) or an active key's name")->required();
  cmd->callback([key, common] {
    print_answer(*common, make_key_client(common->client)->revoke(*key), render_revoked);
  });
}

}  // namespace

void add_key_commands(CLI::App& keys, const CommonFlagsPtr& common) {
  add_create_command(keys, common);
  add_list_command(keys, common);
  add_show_command(keys, common);
  add_revoke_command(keys, common);
}

}  // namespace slipway::app::keys_cli
