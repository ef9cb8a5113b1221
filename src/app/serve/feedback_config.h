#pragma once
// The `feedback:` section of the serve YAML (docs/configuration.md): the response log's body
// policy, retention, redaction rules and group commit, read into feedback::LogSettings.
#include <string>

#include "app/serve/yaml_section.h"
#include "feedback/log_settings.h"

namespace slipway::app {

// Reads the section over the defaults in `settings`; throws ConfigError (file and line) for an
// unknown key, a wrong type, a value out of range or a redaction pattern that does not compile.
void read_feedback_config(YamlSection section, feedback::LogSettings& settings);

// One line for the server's start log: where bodies go and how they are kept.
std::string describe_feedback_settings(const feedback::LogSettings& settings);

}  // namespace slipway::app
