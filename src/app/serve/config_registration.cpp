#include "app/serve/config_registration.h"

#include <algorithm>
#include <filesystem>
#include <vector>

#include "registry/artifacts.h"

namespace slipway::app {
namespace {

namespace fs = std::filesystem;

bool allowed(char ch) {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
         ch == '.' || ch == '_' || ch == '-';
}

// Relative paths of the files registration would hash (see registry/artifacts.h), sorted.
std::vector<std::string> artifact_paths(const fs::path& folder) {
  std::vector<std::string> paths;
  fs::recursive_directory_iterator it(folder, fs::directory_options::follow_directory_symlink);
  for (; it != fs::recursive_directory_iterator(); ++it) {
    const std::string name = it->path().filename().string();
    if (!name.empty() && name[0] == '.') {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file())
      paths.push_back(it->path().lexically_relative(folder).generic_string());
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

// A version registered earlier from this very folder whose files still match by size and
// mtime (the fast check of serving), newest first.
std::optional<registry::Version> unchanged_version(registry::Registry& registry,
                                                   const std::string& name,
                                                   const registry::Source& source) {
  const fs::path& folder = source.path;
  std::vector<registry::Version> versions;
  try {
    versions = registry.list_versions(name);
  } catch (const registry::RegistryError& e) {
    if (e.code() == registry::RegistryError::Code::NotFound) return std::nullopt;
    throw;
  }
  std::optional<std::vector<std::string>> files;
  std::sort(versions.begin(), versions.end(),
            [](const auto& a, const auto& b) { return a.version > b.version; });
  for (const auto& version : versions) {
    if (version.source.kind != source.kind || version.source.path != folder ||
        version.source.base != source.base)
      continue;
    if (!files) files = artifact_paths(folder);
    if (files->size() != version.artifacts.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < files->size() && same; ++i)
      same = (*files)[i] == version.artifacts[i].path;
    if (!same) continue;
    try {
      const auto report =
          registry::verify_artifacts(folder, version.artifacts, registry::VerifyMode::Fast);
      if (report.files_hashed == 0) return version;
      // Some file had to be hashed and matched: the content is the same; let registration
      // (reuse_identical) find it and refresh nothing here.
    } catch (const registry::RegistryError&) {
      // Changed: a new version.
    }
  }
  return std::nullopt;
}

}  // namespace

std::string registry_model_name(const std::string& served_name) {
  std::string name;
  for (char ch : served_name) name.push_back(allowed(ch) ? ch : '-');
  while (!name.empty() &&
         !((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= 'A' && name[0] <= 'Z') ||
           (name[0] >= '0' && name[0] <= '9')))
    name.erase(0, 1);
  if (name.size() > 128) name.resize(128);
  return name;
}

ConfiguredVersion register_configured_model(registry::Registry& registry,
                                            const std::string& registry_name,
                                            const ModelSettings& model,
                                            const std::string& lora_base) {
  registry::RegisterRequest request;
  request.model = registry_name;
  request.actor = "config";
  request.reuse_identical = true;
  if (model.upstream) {
    request.source.kind = registry::SourceKind::Upstream;
    request.source.url = model.upstream->base_url;
    request.source.upstream_model = model.upstream->model;
    request.source.api_key_env = model.upstream->api_key_env;
  } else {
    const bool adapter = !model.adapter.empty();
    const fs::path& given = adapter ? model.adapter : model.path;
    std::error_code error;
    fs::path folder = fs::canonical(given, error);
    if (error) folder = fs::absolute(given);
    request.source.kind = adapter ? registry::SourceKind::Lora : registry::SourceKind::Embedded;
    request.source.path = folder;
    if (adapter) request.source.base = lora_base;
    if (auto existing = unchanged_version(registry, registry_name, request.source))
      return {std::move(*existing), false, folder};
  }
  // An automatic label may be taken by another process registering at the same moment:
  // asking again suggests the next free one.
  for (int attempt = 1;; ++attempt) {
    try {
      registry::RegisterResult result = registry.register_version(request);
      return {std::move(result.version), result.created, request.source.path};
    } catch (const registry::RegistryError& e) {
      if (e.code() != registry::RegistryError::Code::Conflict || attempt >= 3) throw;
    }
  }
}

}  // namespace slipway::app
