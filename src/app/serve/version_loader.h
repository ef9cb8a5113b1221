#pragma once
// Turns a registered version into a backend: refuses what must not be served (archived
// versions, files changed since registration, a LoRA adapter that does not fit its base),
// says what memory it will take, and builds the backend from the version's source. Embedded
// models and LoRA adapters run on a shared BaseEngine of their (base) folder.
#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "app/serve/base_engines.h"
#include "app/serve/memory_budget.h"
#include "app/serve/serve_config.h"
#include "backends/backend.h"
#include "registry/registry.h"

namespace slipway::app {

// A version that cannot be served, with the HTTP answer the admin API gives (409
// version_archived, artifact_changed, memory_budget_exceeded or too_many_adapters; 400
// invalid_adapter for an adapter its base cannot take). At start, slipway prints what() and
// exits 1.
class ServeRefusal : public std::runtime_error {
 public:
  explicit ServeRefusal(backends::ApiError error)
      : std::runtime_error(error.message), error_(std::move(error)) {}
  const backends::ApiError& error() const { return error_; }

 private:
  backends::ApiError error_;
};

// How one version is served.
struct VersionServing {
  std::string served_name;  // what clients send as "model"
  EngineSettings engine;    // embedded versions and the base engine of adapters
  // Upstream versions declared in the serve config keep its settings (timeouts, TLS); none:
  // built from the version's source with default timeouts.
  std::optional<UpstreamSettings> upstream;
  // Embedded and LoRA versions: the folder to load, when not the one the version was
  // registered from. A configured folder registered at start may have the same bytes as a
  // version registered earlier from another folder (reuse by content hash): it is served from
  // the configured one.
  std::filesystem::path folder;
  // LoRA versions: the folder of the base, when not the one the base version was registered
  // from (the base is served from a configured folder, see `folder`).
  std::filesystem::path base_folder;
  // The caller has just checked `folder` against the version's hashes (registration did).
  bool verified = false;
};

// The folder an embedded or LoRA version is loaded from.
std::filesystem::path serving_folder(const registry::Version& version,
                                     const VersionServing& serving);

// The base of a LoRA version: its registered version and the folder its engine loads from.
struct LoraBase {
  registry::Version version;
  std::filesystem::path folder;
};
// Resolves source.base; throws ServeRefusal 400 invalid_adapter when the base is not an
// embedded version, registry::RegistryError when it does not exist.
LoraBase lora_base(registry::Registry& registry, const registry::Version& version,
                   const VersionServing& serving);

// Throws ServeRefusal for an archived version or (unless serving.verified; fast path: size and
// mtime, else the hash) a changed or missing artifact, naming the file. A LoRA version's base
// gets the same checks (its files always).
void check_servable(registry::Registry& registry, const registry::Version& version,
                    const VersionServing& serving);

// The memory accounting of the version (see MemoryUse): embedded: its engine; LoRA: its base's
// engine and the adapter file plus kAdapterOverheadBytes; upstream: nothing.
MemoryUse version_memory(registry::Registry& registry, const registry::Version& version,
                         const VersionServing& serving);

// Builds the backend. Embedded and LoRA versions get their engine from `engines` (loading it
// when nobody holds it); an adapter the base cannot take is ServeRefusal 400 invalid_adapter
// with the loader's message (naming the adapter folder).
std::shared_ptr<backends::Backend> make_version_backend(registry::Registry& registry,
                                                        const registry::Version& version,
                                                        const VersionServing& serving,
                                                        BaseEngines& engines,
                                                        boost::asio::io_context& io);

}  // namespace slipway::app
