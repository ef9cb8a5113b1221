// slipway feedback purge
#include "app/feedback/feedback_commands.h"
#include "app/feedback/render.h"

namespace slipway::app::feedback {

void add_purge_command(CLI::App& feedback, CommonFlagsPtr common) {
  CLI::App* cmd = feedback.add_subcommand(
      "purge",
      "Apply retention now: bodies and answers past their age, bodies beyond the size cap "
      "(direct: the default retention; --server: the server's feedback: settings)");
  cmd->callback([common] {
    const Json counts = make_feedback_client(common->client)->purge();
    if (common->json) {
      print_json(counts);
    } else {
      print_text("purged " + render_purge_counts(counts) + "\n");
    }
  });
}

}  // namespace slipway::app::feedback
