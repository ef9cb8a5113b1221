#pragma once
// The JSON forms of registry records, shared by the admin API, `slipway models ... --json`
// and the CLI's remote mode (which parses them back). Shapes are documented in
// docs/admin-api.md.
#include "registry/records.h"

namespace slipway::registry {

Json to_json(const Source& source);
Json to_json(const Artifact& artifact);
Json to_json(const Version& version);  // includes "ref": "name/N"
Json to_json(const Model& model);
Json to_json(const Event& event);

Source source_from_json(const Json& json);  // throws RegistryError(Invalid) naming the field
Version version_from_json(const Json& json);
Model model_from_json(const Json& json);
Event event_from_json(const Json& json);

}  // namespace slipway::registry
