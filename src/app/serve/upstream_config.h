#pragma once
// An `upstream:` mapping of the serve YAML (a served model's, or the judge's).
#include "app/serve/yaml_section.h"

namespace slipway::app {

UpstreamSettings read_upstream(YamlSection section);

}  // namespace slipway::app
