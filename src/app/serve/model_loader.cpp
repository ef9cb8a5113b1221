#include "app/serve/model_loader.h"

#include <chrono>
#include <cstdio>
#include <utility>

#include "app/serve/memory_budget.h"
#include "registry/registry_error.h"
#include "store/store_error.h"

namespace slipway::app {
namespace {

using backends::ApiError;
using backends::Json;

int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

ApiError conflict(std::string message, std::string code) {
  ApiError error;
  error.status = 409;
  error.message = std::move(message);
  error.code = std::move(code);
  return error;
}

}  // namespace

ServedModels::ServedModels(registry::Registry& registry,
                           std::shared_ptr<backends::BackendSet> backends,
                           engine::ComputePool& pool, boost::asio::io_context& io, Options options)
    : registry_(registry),
      backends_(std::move(backends)),
      io_(io),
      options_(std::move(options)),
      engines_(pool) {}

ServedModels::~ServedModels() {
  subscription_.reset();
  backends_->set_resolver(nullptr);
}

void ServedModels::start_resolving() {
  std::weak_ptr<AliasCache> weak = aliases_;
  backends_->set_resolver([weak](const std::string& name) -> std::optional<std::string> {
    auto cache = weak.lock();
    return cache ? cache->resolve(name) : std::nullopt;
  });
  subscription_ = registry_.on_change([this](const std::string& model) {
    if (!aliases_->knows_model(model)) return;
    try {
      refresh_model(model);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "slipway: could not refresh the aliases of \"%s\": %s\n", model.c_str(),
                   e.what());
    }
  });
}

void ServedModels::refresh_model(const std::string& model) {
  const registry::Model info = registry_.get_model(model);
  std::map<std::string, int64_t> labels;
  for (const auto& version : registry_.list_versions(model))
    labels[version.label] = version.version;
  aliases_->set_model(model, {info.aliases.begin(), info.aliases.end()}, std::move(labels));
}

int64_t ServedModels::used_locked() const {
  std::vector<MemoryUse> served;
  for (const auto& [name, entry] : entries_) served.push_back(entry.memory);
  return memory_used(served);
}

void ServedModels::check_adapter_room_locked(const registry::Version& version, const MemoryUse& use,
                                             const EngineSettings& engine) const {
  // The engine's own settings when it is loaded: the first load of a folder decides.
  const auto live = engines_.find(use.base_key);
  const int64_t limit = live ? live->settings.max_loras : engine.max_loras;
  std::string names;
  int64_t count = 0;
  for (const auto& [name, entry] : entries_) {
    if (entry.source != registry::SourceKind::Lora || entry.memory.base_key != use.base_key)
      continue;
    ++count;
    names += (names.empty() ? "" : ", ") + name;
  }
  if (count < limit) return;
  throw ServeRefusal(conflict("Cannot load " + version.ref() + ": its base " + version.source.base +
                                  " already serves " + std::to_string(count) + " adapters (" +
                                  names + "), the limit of max_loras = " + std::to_string(limit) +
                                  " (--max-loras or engine.max_loras); unload one first "
                                  "(DELETE /admin/v1/served/NAME)",
                              "too_many_adapters"));
}

std::filesystem::path ServedModels::loaded_base_folder(const std::string& base) const {
  std::lock_guard lock(mutex_);
  for (const auto& [name, entry] : entries_) {
    if (entry.source == registry::SourceKind::Embedded && !entry.pending &&
        entry.model + "/" + std::to_string(entry.version) == base)
      return entry.memory.base_key;
  }
  return {};
}

int64_t ServedModels::memory_used_bytes() const {
  std::lock_guard lock(mutex_);
  return used_locked();
}

Json ServedModels::to_json(const Entry& entry) {
  const bool adapter = entry.source == registry::SourceKind::Lora;
  Json json{{"name", entry.name},
            {"model", entry.model},
            {"version", entry.model + "/" + std::to_string(entry.version)},
            {"label", entry.label},
            {"source", registry::to_string(entry.source)}};
  if (adapter) json["base"] = entry.base;
  // An adapter's own bytes; its base's engine is counted once, under the base's entry.
  json["memory_bytes"] = adapter ? entry.memory.own_bytes : entry.memory.base_bytes;
  json["loaded_at"] = entry.loaded_at;
  return json;
}

ServedModels::Loaded ServedModels::load_version(const registry::Version& version,
                                                const VersionServing& given) {
  const std::string& name = given.served_name;
  if (name.empty()) throw ApiError::bad_request("The served name is empty.", "name");
  const bool adapter = version.source.kind == registry::SourceKind::Lora;
  VersionServing serving = given;
  // An adapter runs on the engine already serving its base, whatever folder that loaded from.
  if (adapter && serving.base_folder.empty())
    serving.base_folder = loaded_base_folder(version.source.base);
  // Refusals that need no file access come before admission.
  if (version.stage == registry::Stage::Archived) check_servable(registry_, version, serving);
  MemoryUse memory;
  try {
    memory = version_memory(registry_, version, serving);
  } catch (const ServeRefusal&) {
    throw;
  } catch (const registry::RegistryError&) {
    throw;
  } catch (const std::exception&) {
    check_servable(registry_, version, serving);  // a changed or missing config.json: say so
    throw;
  }

  Entry entry;
  entry.name = name;
  entry.model = version.model;
  entry.version = version.version;
  entry.label = version.label;
  entry.source = version.source.kind;
  if (adapter) entry.base = version.source.base;
  entry.memory = memory;
  entry.pending = true;
  {
    std::lock_guard lock(mutex_);
    if (auto it = entries_.find(name); it != entries_.end()) {
      const Entry& old = it->second;
      if (old.model == version.model && old.version == version.version && !old.pending)
        return {to_json(old), true};
      throw conflict("\"" + name + "\" already serves " + old.model + "/" +
                         std::to_string(old.version) + (old.pending ? " (loading)" : "") +
                         "; unload it first (DELETE /admin/v1/served/" + name +
                         ") or load under another name",
                     "name_in_use");
    }
    if (backends_->find_exact(name))
      throw conflict("\"" + name + "\" is already served", "name_in_use");
    if (adapter) check_adapter_room_locked(version, memory, serving.engine);
    std::vector<MemoryUse> served;
    for (const auto& [other, loaded] : entries_) served.push_back(loaded.memory);
    const int64_t used = memory_used(served);
    const int64_t estimate = memory_needed(served, memory);
    if (auto refusal = admission_refusal(used, estimate, options_.memory_budget_bytes))
      throw ServeRefusal(
          conflict("Cannot load " + version.ref() + ": " + *refusal, "memory_budget_exceeded"));
    entries_[name] = entry;  // reserves the name and the memory while loading
  }

  std::shared_ptr<backends::Backend> backend;
  try {
    check_servable(registry_, version, serving);
    if (!aliases_->knows_model(version.model)) refresh_model(version.model);
    backend = make_version_backend(registry_, version, serving, engines_, io_);
    if (options_.failover.enabled) {
      auto guarded = std::make_shared<backends::GuardedBackend>(
          std::move(backend), options_.failover.circuit, options_.failover.health);
      if (options_.health_checker) options_.health_checker->add(guarded);
      backend = std::move(guarded);
    }
  } catch (...) {
    std::lock_guard lock(mutex_);
    entries_.erase(name);
    throw;
  }
  {
    std::lock_guard lock(mutex_);
    entry.pending = false;
    entry.loaded_at = unix_now();
    entries_[name] = entry;
    backends_->add(backend);
    aliases_->add_served(name, version.model, version.version);
  }
  return {to_json(entry), false};
}

Json ServedModels::list() {
  Json data = Json::array();
  int64_t used = 0;
  {
    std::lock_guard lock(mutex_);
    used = used_locked();
    for (const auto& [name, entry] : entries_)
      if (!entry.pending) data.push_back(to_json(entry));
  }
  return Json{{"object", "list"},
              {"data", std::move(data)},
              {"memory_budget_bytes", options_.memory_budget_bytes},
              {"memory_used_bytes", used}};
}

// The model's name while no other version of it is served under that name, else "name/N", so a
// second version loads beside the first without the caller naming it.
std::string ServedModels::default_served_name(const registry::Version& version) const {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(version.model);
  const bool taken_by_other = it != entries_.end() && (it->second.model != version.model ||
                                                       it->second.version != version.version);
  return taken_by_other ? version.ref() : version.model;
}

Json ServedModels::load(const Json& body, const std::string& actor) {
  if (!body.is_object()) throw ApiError::bad_request("The body must be a JSON object.");
  auto version_field = body.find("version");
  if (version_field == body.end() || !version_field->is_string())
    throw ApiError::bad_request(
        "\"version\" is required: a registered version such as name@production or name/3.",
        "version");
  std::string name;
  if (auto name_field = body.find("name"); name_field != body.end() && !name_field->is_null()) {
    if (!name_field->is_string() || name_field->get<std::string>().empty())
      throw ApiError::bad_request("\"name\" must be a non-empty string.", "name");
    name = name_field->get<std::string>();
  }
  const registry::VersionRef ref = registry::parse_version_ref(version_field->get<std::string>());
  const registry::Version version = registry_.get_version(ref);
  VersionServing serving;
  serving.served_name = name.empty() ? default_served_name(version) : name;
  serving.engine = options_.engine;
  try {
    Loaded loaded = load_version(version, serving);
    if (!loaded.already)
      std::fprintf(stderr, "slipway: %s loaded %s (label %s) as \"%s\", %.1f MiB\n", actor.c_str(),
                   version.ref().c_str(), version.label.c_str(), serving.served_name.c_str(),
                   loaded.entry["memory_bytes"].get<double>() / static_cast<double>(kMiB));
    return loaded.entry;
  } catch (const ServeRefusal& e) {
    throw e.error();
  } catch (const ApiError&) {
    throw;
  } catch (const registry::RegistryError&) {
    throw;
  } catch (const store::StoreError&) {
    throw;
  } catch (const std::exception& e) {
    throw ApiError::internal("Loading " + version.ref() + " failed: " + e.what());
  }
}

void ServedModels::unload(const std::string& name, const std::string& actor) {
  Entry entry;
  {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(name);
    if (it == entries_.end() || it->second.pending)
      throw ApiError::not_found("No model is served as \"" + name + "\".", "model_not_served");
    entry = it->second;
    entries_.erase(it);
    backends_->remove(name);
    aliases_->remove_served(name);
  }
  std::fprintf(stderr, "slipway: %s unloaded %s/%lld (\"%s\")\n", actor.c_str(),
               entry.model.c_str(), static_cast<long long>(entry.version), name.c_str());
}

}  // namespace slipway::app
