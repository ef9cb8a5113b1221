#include "app/serve/alias_cache.h"

#include <mutex>

#include "registry/registry_error.h"
#include "registry/version_ref.h"

namespace slipway::app {

void AliasCache::set_model(const std::string& model, std::map<std::string, int64_t> aliases,
                           std::map<std::string, int64_t> labels) {
  std::unique_lock lock(mutex_);
  models_[model] = ModelNames{std::move(aliases), std::move(labels)};
}

bool AliasCache::knows_model(const std::string& model) const {
  std::shared_lock lock(mutex_);
  return models_.count(model) != 0;
}

void AliasCache::add_served(const std::string& served_name, const std::string& model,
                            int64_t version) {
  std::unique_lock lock(mutex_);
  if (auto old = served_version_.find(served_name); old != served_version_.end()) {
    served_[old->second].erase(served_name);
    if (served_[old->second].empty()) served_.erase(old->second);
  }
  served_version_[served_name] = {model, version};
  served_[{model, version}].insert(served_name);
}

void AliasCache::remove_served(const std::string& served_name) {
  std::unique_lock lock(mutex_);
  auto it = served_version_.find(served_name);
  if (it == served_version_.end()) return;
  auto names = served_.find(it->second);
  if (names != served_.end()) {
    names->second.erase(served_name);
    if (names->second.empty()) served_.erase(names);
  }
  served_version_.erase(it);
}

std::optional<AliasCache::VersionKey> AliasCache::lookup(std::string_view text) const {
  // Cheap for plain names (the common miss); only "x@y" and "x/y" are parsed.
  if (text.find_first_of("@/") == std::string_view::npos) return std::nullopt;
  registry::VersionRef ref;
  try {
    ref = registry::parse_version_ref(text);
  } catch (const registry::RegistryError&) {
    return std::nullopt;
  }
  if (ref.number) return VersionKey{ref.model, *ref.number};
  auto model = models_.find(ref.model);
  if (model == models_.end()) return std::nullopt;
  const auto& names = ref.alias ? model->second.aliases : model->second.labels;
  const std::string& key = ref.alias ? *ref.alias : ref.label.value_or("");
  auto it = names.find(key);
  if (it == names.end()) return std::nullopt;
  return VersionKey{ref.model, it->second};
}

std::optional<std::string> AliasCache::resolve(std::string_view text) const {
  std::shared_lock lock(mutex_);
  const auto key = lookup(text);
  if (!key) return std::nullopt;
  auto it = served_.find(*key);
  if (it == served_.end() || it->second.empty()) return std::nullopt;
  return *it->second.begin();
}

std::optional<int64_t> AliasCache::version_of(std::string_view text) const {
  std::shared_lock lock(mutex_);
  const auto key = lookup(text);
  if (!key) return std::nullopt;
  return key->second;
}

}  // namespace slipway::app
