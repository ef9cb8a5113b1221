#pragma once
// The subcommands of `slipway feedback`, one file each; cmd_feedback.cpp adds them with the
// common flags they share with `slipway models` (app/client_flags.h).
#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "app/cli_output.h"
#include "app/client_flags.h"
#include "app/feedback/feedback_client.h"

namespace slipway::app::feedback {

void add_export_command(CLI::App& feedback, CommonFlagsPtr common);
void add_exports_command(CLI::App& feedback, CommonFlagsPtr common);
void add_rates_command(CLI::App& feedback, CommonFlagsPtr common);
void add_show_command(CLI::App& feedback, CommonFlagsPtr common);
void add_forget_user_command(CLI::App& feedback, CommonFlagsPtr common);
void add_purge_command(CLI::App& feedback, CommonFlagsPtr common);

// CLI11 checks, so a bad value is a usage error (exit 2) before anything is opened.
CLI::Validator since_validator();     // parse_since forms: 2026-12-01, ...T10:00:00Z, 24h, 7d
CLI::Validator duration_validator();  // parse_duration_ms forms: 90s, 30m, 1h, 7d

}  // namespace slipway::app::feedback
