#pragma once
// Models declared to `slipway serve` by folder or upstream (flags, YAML, the demo model) are
// registered at start, idempotently by content: the same bytes give the same version on every
// restart, a changed folder a new version.
#include <filesystem>
#include <string>

#include "app/serve/serve_config.h"
#include "registry/registry.h"

namespace slipway::app {

// The registry model name for a served name: characters a model name cannot have
// ([A-Za-z0-9][A-Za-z0-9._-]{0,127}) become '-'.
std::string registry_model_name(const std::string& served_name);

struct ConfiguredVersion {
  registry::Version version;
  bool created = false;  // false: the same content was registered before
  // The configured folder (canonical; empty for upstreams). Its files match the version's
  // hashes now, but the version may have been registered from another folder with the same
  // bytes: serve this one.
  std::filesystem::path folder;
};

// Registers `model` (a path, an upstream, or an adapter over `lora_base`, the registered
// version of its base as "name/N") as a version of `registry_name` with reuse_identical, actor
// "config". A folder whose files match, by size and mtime, a version already registered from
// the same folder (and, for adapters, on the same base) is taken as that version without
// hashing it again.
ConfiguredVersion register_configured_model(registry::Registry& registry,
                                            const std::string& registry_name,
                                            const ModelSettings& model,
                                            const std::string& lora_base = "");

}  // namespace slipway::app
