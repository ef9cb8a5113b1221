#pragma once
// Human renderings of registry records for `slipway models` (the --json forms are the record
// JSON of registry/record_json.h instead).
#include <string>
#include <vector>

#include "registry/records.h"

namespace slipway::app::models {

// "registered demo/3 (label llama-...-20261129, 4 files, 1.2 GiB)"
std::string render_registered(const registry::Version& version, bool created);
// Models: NAME VERSIONS LATEST ALIASES.
std::string render_model_table(const std::vector<registry::Model>& models);
// One model's versions: VERSION LABEL STAGE ALIASES CREATED CREATOR.
std::string render_version_table(const std::vector<registry::Version>& versions);
// Every field of a version, artifacts with size and short hash.
std::string render_version(const registry::Version& version);
// The diff JSON of registry/version_diff.h as `key: a -> b` lines by section.
std::string render_diff(const registry::Json& diff);
// The audit trail: TIME ACTOR EVENT DETAILS REASON.
std::string render_history(const std::vector<registry::Event>& events);
// What an event changed, e.g. "production: 2 -> 3", "version 3: candidate -> staging".
std::string event_details(const registry::Event& event);

}  // namespace slipway::app::models
