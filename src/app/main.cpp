// slipway: one binary for serving, versioning, rolling out and watching fine-tuned LLMs.
#include <cstdio>
#include <exception>

#include "app/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"slipway: from a fine-tuned weights folder to safe production"};
  app.require_subcommand(1);
  slipway::app::register_alerts_command(app);
  slipway::app::register_bench_command(app);
  slipway::app::register_drift_command(app);
  slipway::app::register_feedback_command(app);
  slipway::app::register_generate_command(app);
  slipway::app::register_keys_command(app);
  slipway::app::register_lora_command(app);
  slipway::app::register_models_command(app);
  slipway::app::register_monitor_command(app);
  slipway::app::register_quality_command(app);
  slipway::app::register_rollback_command(app);
  slipway::app::register_rollout_command(app);
  slipway::app::register_routes_command(app);
  slipway::app::register_serve_command(app);
  slipway::app::register_shadow_command(app);
  slipway::app::register_store_command(app);
  slipway::app::register_tiny_adapter_command(app);
  slipway::app::register_tiny_model_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // Usage errors exit 2 (the shell convention); --help and --version stay 0.
    return app.exit(e) == 0 ? 0 : 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "slipway: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
