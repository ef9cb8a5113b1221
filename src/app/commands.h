#pragma once
// Each CLI subcommand lives in its own file and registers itself on the root app.
#include <CLI/CLI.hpp>

namespace slipway::app {

void register_alerts_command(CLI::App& root);
void register_bench_command(CLI::App& root);
void register_drift_command(CLI::App& root);
void register_feedback_command(CLI::App& root);
void register_generate_command(CLI::App& root);
void register_keys_command(CLI::App& root);
void register_lora_command(CLI::App& root);
void register_models_command(CLI::App& root);
void register_monitor_command(CLI::App& root);
void register_quality_command(CLI::App& root);
void register_rollback_command(CLI::App& root);
void register_rollout_command(CLI::App& root);
void register_routes_command(CLI::App& root);
void register_serve_command(CLI::App& root);
void register_shadow_command(CLI::App& root);
void register_store_command(CLI::App& root);
void register_tiny_adapter_command(CLI::App& root);
void register_tiny_model_command(CLI::App& root);

}  // namespace slipway::app
