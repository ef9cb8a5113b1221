#include "app/serve/version_loader.h"

#include "app/serve/backend_factory.h"
#include "app/serve/memory_budget.h"
#include "engine/format/model_config.h"
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

}  // namespace

std::filesystem::path serving_folder(const registry::Version& version,
                                     const VersionServing& serving) {
  return serving.folder.empty() ? version.source.path : serving.folder;
}

void check_servable(registry::Registry& registry, const registry::Version& version,
                    const VersionServing& serving) {
  if (version.stage == registry::Stage::Archived) {
    throw ServeRefusal(conflict(version.ref() +
                                    " is archived and cannot be served; restore it "
                                    "to candidate first (slipway models stage " +
                                    version.model + " " + std::to_string(version.version) +
                                    " candidate --reason ...)",
                                "version_archived"));
  }
  if (version.source.kind == registry::SourceKind::Lora) {
    backends::ApiError error = backends::ApiError::bad_request(
        version.ref() +
        " is a LoRA adapter: LoRA versions cannot be served yet (multi-LoRA "
        "serving on a base model comes next, issue 5)");
    error.code = "lora_not_supported";
    throw ServeRefusal(std::move(error));
  }
  if (serving.verified || version.source.kind != registry::SourceKind::Embedded) return;
  try {
    if (serving.folder.empty() || serving.folder == version.source.path)
      registry.verify(version, registry::VerifyMode::Fast);  // also refreshes recorded mtimes
    else
      registry::verify_artifacts(serving.folder, version.artifacts, registry::VerifyMode::Fast);
  } catch (const registry::RegistryError& e) {
    if (e.code() == registry::RegistryError::Code::Integrity)
      throw ServeRefusal(conflict(e.what(), "artifact_changed"));  // names version and file
    if (e.code() == registry::RegistryError::Code::StageRule)
      throw ServeRefusal(conflict(e.what(), "version_archived"));
    throw;
  }
}

int64_t estimate_memory(const registry::Version& version, const VersionServing& serving) {
  if (version.source.kind != registry::SourceKind::Embedded) return 0;
  const engine::ModelConfig config = engine::load_model_config(serving_folder(version, serving));
  return weights_bytes(version.artifacts) + kv_cache_bytes(config, serving.engine);
}

ModelSettings model_settings(const registry::Version& version, const VersionServing& serving) {
  ModelSettings model;
  model.name = serving.served_name;
  model.engine = serving.engine;
  switch (version.source.kind) {
    case registry::SourceKind::Embedded:
      model.path = serving_folder(version, serving);
      break;
    case registry::SourceKind::Upstream: {
      UpstreamSettings upstream = serving.upstream.value_or(UpstreamSettings{});
      upstream.base_url = version.source.url;
      upstream.model = version.source.upstream_model;
      upstream.api_key_env = version.source.api_key_env;
      model.upstream = std::move(upstream);
      break;
    }
    case registry::SourceKind::Lora:
      throw ServeRefusal(backends::ApiError::bad_request(
          version.ref() + " is a LoRA adapter: LoRA versions cannot be served yet"));
  }
  return model;
}

std::shared_ptr<backends::Backend> make_version_backend(const registry::Version& version,
                                                        const VersionServing& serving,
                                                        engine::ComputePool& pool,
                                                        boost::asio::io_context& io) {
  return make_backend(model_settings(version, serving), pool, io);
}

}  // namespace slipway::app
