// slipway feedback forget-user USER
#include <cstdio>

#include "app/feedback/feedback_commands.h"
#include "app/feedback/render.h"

namespace slipway::app::feedback {

void add_forget_user_command(CLI::App& feedback, CommonFlagsPtr common) {
  auto user = std::make_shared<std::string>();
  CLI::App* cmd = feedback.add_subcommand(
      "forget-user",
      "Delete everything of one user: their answers (metadata, bodies, ratings on them) and the "
      "ratings they gave");
  cmd->add_option("user", *user, "The user id (the \"user\" field or X-User-Id)")
      ->required()
      ->check(CLI::Validator(
          [](std::string& text) { return text.empty() ? std::string("empty user") : ""; }, "USER"));
  cmd->callback([user, common] {
    auto client = make_feedback_client(common->client);
    if (!client->remote()) {
      std::fputs(
          "slipway: warning: a running server may still hold queued answers or ratings of this "
          "user and write them after this; use --server URL to forget through it\n",
          stderr);
    }
    const Json counts = client->forget_user(*user);
    if (common->json) {
      print_json(counts);
    } else {
      print_text("forgot user " + *user + ": " + render_forget_counts(counts) + "\n");
    }
  });
}

}  // namespace slipway::app::feedback
