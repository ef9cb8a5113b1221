#pragma once
// Turns a registered version into a backend: refuses what must not be served (archived
// versions, LoRA adapters for now, files changed since registration), estimates the memory it
// will take, and builds the backend from the version's source.
#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "app/serve/serve_config.h"
#include "backends/backend.h"
#include "engine/compute_pool.h"
#include "registry/registry.h"

namespace slipway::app {

// A version that cannot be served, with the HTTP answer the admin API gives (409
// version_archived, artifact_changed or memory_budget_exceeded; 400 for LoRA versions). At
// start, slipway prints what() and exits 1.
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
  EngineSettings engine;    // embedded versions
  // Upstream versions declared in the serve config keep its settings (timeouts, TLS); none:
  // built from the version's source with default timeouts.
  std::optional<UpstreamSettings> upstream;
  // Embedded versions: the folder to load, when not the one the version was registered from.
  // A configured folder registered at start may have the same bytes as a version registered
  // earlier from another folder (reuse by content hash): it is served from the configured one.
  std::filesystem::path folder;
  // The caller has just checked `folder` against the version's hashes (registration did).
  bool verified = false;
};

// The folder an embedded version is loaded from.
std::filesystem::path serving_folder(const registry::Version& version,
                                     const VersionServing& serving);

// Throws ServeRefusal for an archived or LoRA version or (unless serving.verified; fast path:
// size and mtime, else the hash) a changed or missing artifact, naming the file.
void check_servable(registry::Registry& registry, const registry::Version& version,
                    const VersionServing& serving);

// Bytes the version takes once loaded: its *.safetensors (memory-mapped, counted as resident)
// plus its KV cache under serving.engine; 0 for upstream versions.
int64_t estimate_memory(const registry::Version& version, const VersionServing& serving);

// The settings make_backend takes for this version.
ModelSettings model_settings(const registry::Version& version, const VersionServing& serving);

std::shared_ptr<backends::Backend> make_version_backend(const registry::Version& version,
                                                        const VersionServing& serving,
                                                        engine::ComputePool& pool,
                                                        boost::asio::io_context& io);

}  // namespace slipway::app
