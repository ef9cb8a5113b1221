#pragma once
// The `monitoring:` section of the serve YAML (docs/configuration.md): the judge, the quality
// trend, drift, alert rules and webhooks (MonitorSettings in serve_config.h).
#include <filesystem>

#include "app/serve/yaml_section.h"

namespace slipway::app {

// Reads `monitoring:` over the defaults in `settings`; relative file paths are taken relative to
// `base_dir`. Throws ConfigError (file and line).
void read_monitoring_config(YamlSection section, const std::filesystem::path& base_dir,
                            MonitorSettings& settings);

}  // namespace slipway::app
