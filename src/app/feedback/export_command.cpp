// slipway feedback export --format dpo|kto [--route R] [--version V] [--since T]
//   [--source user|judge|all] [--with-metadata] [--out FILE]
#include <cstdio>

#include "app/feedback/feedback_commands.h"
#include "app/feedback/output_file.h"
#include "app/feedback/render.h"

namespace slipway::app::feedback {
namespace {

struct ExportArgs {
  std::string format;
  std::string source = "user";
  ExportRequest request;
  std::string out;
};

void run_export(ExportArgs& args, const CommonFlags& common) {
  // Both were checked by CLI11 (IsMember), so the parses succeed.
  args.request.format = *fb::parse_export_format(args.format);
  args.request.source = *fb::parse_export_source(args.source);
  auto client = make_feedback_client(common.client);
  const CreatedExport created = client->create_export(args.request);
  if (args.out.empty()) {
    print_text(created.content);
  } else {
    // Also when nothing matched: an empty file says so to whatever reads it next.
    write_file_atomically(args.out, created.content);
  }
  if (common.json && !args.out.empty()) {
    print_json(created.record);
  } else {
    const std::string report = render_export_report(created.record);
    std::fputs(report.c_str(), stderr);
  }
}

}  // namespace

void add_export_command(CLI::App& feedback, CommonFlagsPtr common) {
  auto args = std::make_shared<ExportArgs>();
  CLI::App* cmd = feedback.add_subcommand(
      "export",
      "Build and record a preference dataset (JSONL in TRL's conversational formats): dpo pairs "
      "or kto rated answers");
  cmd->add_option("--format", args->format,
                  "dpo (prompt/chosen/rejected) or kto "
                  "(prompt/completion/label)")
      ->required()
      ->check(CLI::IsMember({"dpo", "kto"}));
  cmd->add_option("--route", args->request.route, "Only answers to this route (model name)");
  cmd->add_option("--version", args->request.version, "Only answers of this version");
  cmd->add_option("--since", args->request.since,
                  "Only answers served since: 2026-12-01, 2026-12-01T10:00:00Z, or an age (12h, "
                  "7d, 2w)")
      ->check(since_validator());
  cmd->add_option("--source", args->source, "user (ratings), judge (judge verdicts) or all")
      ->check(CLI::IsMember({"user", "judge", "all"}));
  cmd->add_flag("--with-metadata", args->request.with_metadata,
                "Add a \"slipway\" object to each row (answer ids, source, route, versions)");
  cmd->add_option("--out", args->out,
                  "Write the JSONL here (atomically; default: stdout). With --json the record "
                  "goes to stdout");
  cmd->callback([args, common] { run_export(*args, *common); });
}

}  // namespace slipway::app::feedback
