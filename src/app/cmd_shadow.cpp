// slipway shadow report ROUTE [--since 24h] [--until T] [--version model/N] [--json]: how a
// route's shadow versions answered next to the primaries they mirrored, read from the response
// log in a data folder or store opened directly, or from a running server's admin API
// (GET /admin/v1/routes/{route}/shadow-report) with --server.
#include <memory>
#include <string>

#include "app/cli_output.h"
#include "app/client_flags.h"
#include "app/commands.h"
#include "app/feedback/feedback_commands.h"
#include "app/models/admin_client.h"
#include "app/shadow/shadow_report_text.h"
#include "feedback/export_format.h"
#include "feedback/feedback_schema.h"
#include "feedback/shadow_report.h"
#include "store/clock.h"

namespace slipway::app {

namespace {

namespace fb = ::slipway::feedback;

struct ShadowReportArgs {
  std::string route;
  std::string since = "24h";
  std::string until;  // "" now
  std::string version;
};

fb::Json direct_report(const DataLocation& location, const ShadowReportArgs& args) {
  const auto store = open_store(location);
  fb::migrate_feedback(*store);  // a fresh folder reports nothing rather than failing
  const int64_t now = store::system_now_ms();
  fb::ShadowReportQuery query;
  query.route = args.route;
  query.since_ms = fb::parse_since(args.since, now);
  if (!args.until.empty()) query.until_ms = fb::parse_since(args.until, now);
  query.version = args.version;
  return fb::shadow_report_to_json(fb::build_shadow_report(*store, query));
}

fb::Json remote_report(const ClientOptions& client, const ShadowReportArgs& args) {
  using models::url_encode;
  std::string target = "/admin/v1/routes/" + url_encode(args.route) +
                       "/shadow-report?since=" + url_encode(args.since);
  if (!args.until.empty()) target += "&until=" + url_encode(args.until);
  if (!args.version.empty()) target += "&version=" + url_encode(args.version);
  return models::AdminClient(client.server, client.api_key).call("GET", target);
}

void add_report_command(CLI::App& shadow, const CommonFlagsPtr& common) {
  auto args = std::make_shared<ShadowReportArgs>();
  CLI::App* cmd = shadow.add_subcommand(
      "report",
      "Compare a route's shadow answers with their primaries: latency, TTFT and token deltas, "
      "finish reasons, output match rate, judge preference");
  cmd->add_option("route", args->route, "The route (public model name)")->required();
  cmd->add_option("--since", args->since, "Shadow answers served since (default 24h ago)")
      ->check(feedback::since_validator());
  cmd->add_option("--until", args->until, "Shadow answers served before (default now)")
      ->check(feedback::since_validator());
  cmd->add_option("--version", args->version,
                  "Only this shadow version, as logged (model/N; default every shadow version)");
  cmd->callback([args, common] {
    const fb::Json report = uses_server(common->client)
                                ? remote_report(common->client, *args)
                                : direct_report(common->client.location, *args);
    if (common->json) {
      print_json(report);
    } else {
      print_text(shadow::render_shadow_report(report));
    }
  });
}

}  // namespace

void register_shadow_command(CLI::App& root) {
  CLI::App* cmd = root.add_subcommand(
      "shadow", "Shadow mode: how shadow versions answered next to the primary answers");
  cmd->require_subcommand(1);
  const CommonFlagsPtr common = add_client_flags(*cmd, "log");
  add_report_command(*cmd, common);
}

}  // namespace slipway::app
