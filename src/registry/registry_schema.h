#pragma once
// The registry's tables (store::Schema "registry"): models, immutable versions and their
// artifacts, the mutable fast-path mtime cache, aliases and the append-only event log.
// Database triggers refuse changes to a version's identity and to artifact and event rows.
#include "store/migrations.h"

namespace slipway::registry {

const store::Schema& registry_schema();

}  // namespace slipway::registry
