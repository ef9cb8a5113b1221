#include "app/serve/version_loader.h"

#include "app/serve/backend_factory.h"
#include "engine/format/format_error.h"
#include "engine/format/model_config.h"
#include "engine/lora/lora_loader.h"
#include "registry/artifacts.h"

namespace slipway::app {
namespace {

backends::ApiError conflict(std::string message, std::string code) {
  backends::ApiError error;
  error.status = 409;
  error.message = std::move(message);
  error.code = std::move(code);
  return error;
}

ServeRefusal invalid_adapter(std::string message) {
  backends::ApiError error = backends::ApiError::bad_request(std::move(message));
  error.code = "invalid_adapter";
  return ServeRefusal(std::move(error));
}

void check_not_archived(const registry::Version& version, const std::string& what) {
  if (version.stage != registry::Stage::Archived) return;
  throw ServeRefusal(conflict(what + version.ref() +
                                  " is archived and cannot be served; restore it "
                                  "to candidate first (slipway models stage " +
                                  version.model + " " + std::to_string(version.version) +
                                  " candidate --reason ...)",
                              "version_archived"));
}

// The fast check of a folder against the version's hashes: the registered folder through the
// registry (which also refreshes recorded mtimes), another one directly.
void check_artifacts(registry::Registry& registry, const registry::Version& version,
                     const std::filesystem::path& folder) {
  try {
    if (folder.empty() || folder == version.source.path)
      registry.verify(version, registry::VerifyMode::Fast);
    else
      registry::verify_artifacts(folder, version.artifacts, registry::VerifyMode::Fast);
  } catch (const registry::RegistryError& e) {
    if (e.code() == registry::RegistryError::Code::Integrity)
      throw ServeRefusal(conflict(e.what(), "artifact_changed"));  // names version and file
    if (e.code() == registry::RegistryError::Code::StageRule)
      throw ServeRefusal(conflict(e.what(), "version_archived"));
    throw;
  }
}

int64_t engine_bytes(const registry::Version& version, const std::filesystem::path& folder,
                     const EngineSettings& engine) {
  const engine::ModelConfig config = engine::load_model_config(folder);
  return weights_bytes(version.artifacts) + kv_cache_bytes(config, engine);
}

}  // namespace

std::filesystem::path serving_folder(const registry::Version& version,
                                     const VersionServing& serving) {
  return serving.folder.empty() ? version.source.path : serving.folder;
}

LoraBase lora_base(registry::Registry& registry, const registry::Version& version,
                   const VersionServing& serving) {
  LoraBase base;
  base.version = registry.get_version(registry::parse_version_ref(version.source.base));
  if (base.version.source.kind != registry::SourceKind::Embedded)
    throw invalid_adapter(version.ref() + " (LoRA adapter " + version.source.path.string() +
                          ") has base " + base.version.ref() + ", a " +
                          registry::to_string(base.version.source.kind) +
                          " version; an adapter needs an embedded base model");
  base.folder = serving.base_folder.empty() ? base.version.source.path : serving.base_folder;
  return base;
}

void check_servable(registry::Registry& registry, const registry::Version& version,
                    const VersionServing& serving) {
  check_not_archived(version, "");
  if (version.source.kind == registry::SourceKind::Upstream) return;
  if (!serving.verified) check_artifacts(registry, version, serving.folder);
  if (version.source.kind != registry::SourceKind::Lora) return;
  const LoraBase base = lora_base(registry, version, serving);
  check_not_archived(base.version, "the base of " + version.ref() + ", ");
  check_artifacts(registry, base.version, base.folder);
}

MemoryUse version_memory(registry::Registry& registry, const registry::Version& version,
                         const VersionServing& serving) {
  MemoryUse use;
  switch (version.source.kind) {
    case registry::SourceKind::Upstream:
      break;
    case registry::SourceKind::Embedded: {
      const std::filesystem::path folder = serving_folder(version, serving);
      use.base_key = base_engine_key(folder);
      use.base_bytes = engine_bytes(version, folder, serving.engine);
      break;
    }
    case registry::SourceKind::Lora: {
      const LoraBase base = lora_base(registry, version, serving);
      use.base_key = base_engine_key(base.folder);
      use.base_bytes = engine_bytes(base.version, base.folder, serving.engine);
      use.own_bytes = weights_bytes(version.artifacts) + kAdapterOverheadBytes;
      break;
    }
  }
  return use;
}

std::shared_ptr<backends::Backend> make_version_backend(registry::Registry& registry,
                                                        const registry::Version& version,
                                                        const VersionServing& serving,
                                                        BaseEngines& engines,
                                                        boost::asio::io_context& io) {
  switch (version.source.kind) {
    case registry::SourceKind::Embedded: {
      auto engine = engines.acquire(serving_folder(version, serving), serving.engine);
      return make_embedded_backend(serving.served_name, engine);
    }
    case registry::SourceKind::Upstream: {
      UpstreamSettings upstream = serving.upstream.value_or(UpstreamSettings{});
      upstream.base_url = version.source.url;
      upstream.model = version.source.upstream_model;
      upstream.api_key_env = version.source.api_key_env;
      return make_upstream_backend(serving.served_name, upstream, io);
    }
    case registry::SourceKind::Lora:
      break;
  }
  const LoraBase base = lora_base(registry, version, serving);
  auto engine = engines.acquire(base.folder, serving.engine);
  std::shared_ptr<const engine::LoraAdapter> adapter;
  try {
    adapter = engine::load_lora_adapter(
        serving_folder(version, serving), engine->package->model().config(),
        engine::LoraLimits{engine->settings.max_lora_rank}, serving.served_name);
  } catch (const engine::FormatError& e) {
    throw invalid_adapter(std::string("cannot serve ") + version.ref() + " on " +
                          base.version.ref() + ": " + e.what());
  }
  return make_embedded_backend(serving.served_name, engine, std::move(adapter), base.version.ref());
}

}  // namespace slipway::app
