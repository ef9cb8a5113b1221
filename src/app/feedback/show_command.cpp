// slipway feedback show ID
#include "app/feedback/feedback_commands.h"

namespace slipway::app::feedback {

void add_show_command(CLI::App& feedback, CommonFlagsPtr common) {
  auto id = std::make_shared<std::string>();
  CLI::App* cmd = feedback.add_subcommand(
      "show", "One logged answer as JSON: metadata, body when kept, ratings");
  cmd->add_option("id", *id, "The answer's id (the OpenAI response's \"id\")")->required();
  cmd->callback(
      [id, common] { print_json(make_feedback_client(common->client)->get_response(*id)); });
}

}  // namespace slipway::app::feedback
