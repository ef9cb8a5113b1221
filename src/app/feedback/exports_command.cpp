// slipway feedback exports [ID] [--out FILE] [--limit N]
#include <stdexcept>

#include "app/feedback/feedback_commands.h"
#include "app/feedback/output_file.h"
#include "app/feedback/render.h"

namespace slipway::app::feedback {
namespace {

struct ExportsArgs {
  std::string id;
  std::string out;
  int64_t limit = 100;
};

void run_exports(const ExportsArgs& args, const CommonFlags& common) {
  if (args.id.empty() && !args.out.empty()) {
    throw CLI::ValidationError("--out", "--out writes one export's content: give its ID");
  }
  auto client = make_feedback_client(common.client);
  if (args.id.empty()) {
    const auto records = client->list_exports(args.limit);
    if (common.json) {
      print_json(Json{{"object", "list"}, {"data", records}});
    } else {
      print_text(render_exports_table(records));
    }
    return;
  }
  const Json record = client->get_export(args.id);
  if (!args.out.empty()) write_file_atomically(args.out, client->export_content(args.id));
  if (common.json) {
    print_json(record);
  } else {
    print_text(render_export_record(record));
  }
}

}  // namespace

void add_exports_command(CLI::App& feedback, CommonFlagsPtr common) {
  auto args = std::make_shared<ExportsArgs>();
  CLI::App* cmd = feedback.add_subcommand(
      "exports", "List the recorded exports, or show one (and write its content with --out)");
  cmd->add_option("id", args->id, "An export id: show it");
  cmd->add_option("--out", args->out, "With ID: write the export's JSONL here (atomically)");
  cmd->add_option("--limit", args->limit, "Newest exports listed (default 100)")
      ->check(CLI::Range(int64_t{1}, int64_t{100'000}));
  cmd->callback([args, common] { run_exports(*args, *common); });
}

}  // namespace slipway::app::feedback
