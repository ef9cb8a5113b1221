// slipway alerts list|show|resolve.
#include <cstdio>
#include <memory>

#include "app/cli_output.h"
#include "app/monitor_cli/monitor_commands.h"
#include "app/monitor_cli/render.h"

namespace slipway::app::monitor_cli {
namespace {

void add_list_command(CLI::App& alerts, const CommonFlagsPtr& common) {
  auto query = std::make_shared<AlertQuery>();
  CLI::App* cmd = alerts.add_subcommand("list", "List alerts, newest first");
  cmd->add_option("--state", query->state, "Only active or only resolved alerts")
      ->check(CLI::IsMember({"active", "resolved"}));
  cmd->add_option("--route", query->route, "Only this route");
  cmd->add_option("--version", query->version, "Only this version (model/N)");
  cmd->add_option("--rule", query->rule, "Only this rule (its name)");
  cmd->add_option("--kind", query->kind, "Only this kind of alert")
      ->check(CLI::IsMember({"quality", "drift"}));
  cmd->add_option("--limit", query->limit, "At most this many (default 100)")
      ->check(CLI::Range(int64_t{1}, kMaxAlerts));
  cmd->callback([query, common] {
    print_answer(*common, make_monitor_client(common->client)->list_alerts(*query),
                 render_alerts_table);
  });
}

void add_show_command(CLI::App& alerts, const CommonFlagsPtr& common) {
  auto id = std::make_shared<std::string>();
  CLI::App* cmd = alerts.add_subcommand("show", "Show one alert with its evidence");
  cmd->add_option("id", *id, "The alert's id (alert-...)")->required();
  cmd->callback([id, common] {
    print_answer(*common, make_monitor_client(common->client)->show_alert(*id), render_alert);
  });
}

void add_resolve_command(CLI::App& alerts, const CommonFlagsPtr& common) {
  auto id = std::make_shared<std::string>();
  auto reason = std::make_shared<std::string>();
  CLI::App* cmd = alerts.add_subcommand(
      "resolve", "Resolve an active alert by hand (it fires again if its condition lasts)");
  cmd->add_option("id", *id, "The alert's id (alert-...)")->required();
  cmd->add_option("--reason", *reason, "Why, kept in the alert's resolution");
  cmd->callback([id, reason, common] {
    const auto client = make_monitor_client(common->client);
    const Json alert = client->resolve_alert(*id, *reason);
    print_answer(*common, alert, render_resolved);
    if (client->direct()) {
      const char* note =
          "note: resolved directly on the store, so no webhook was posted (with --server URL the "
          "server posts its webhooks)\n";
      // On stderr with --json, so stdout stays one JSON document.
      common->json ? static_cast<void>(std::fputs(note, stderr)) : print_text(note);
    }
  });
}

}  // namespace

void add_alerts_commands(CLI::App& alerts, const CommonFlagsPtr& common) {
  add_list_command(alerts, common);
  add_show_command(alerts, common);
  add_resolve_command(alerts, common);
}

}  // namespace slipway::app::monitor_cli
