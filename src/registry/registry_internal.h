#pragma once
// Shared by the registry's implementation files; not part of its interface.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "registry/artifacts.h"
#include "registry/records.h"
#include "registry/version_ref.h"
#include "store/store.h"

namespace slipway::registry::detail {

// verify_artifacts with the version's ref named in its Integrity messages.
VerifyReport verify_artifacts_of(const std::filesystem::path& folder,
                                 const std::vector<Artifact>& recorded, VerifyMode mode,
                                 const std::string& ref);

// A file's mtime in nanoseconds since the Unix epoch (0 when it cannot be read).
int64_t file_mtime_ns(const std::filesystem::path& file);

// A version as stored, with its row ids.
struct StoredVersion {
  int64_t id = 0;
  int64_t model_id = 0;
  Version version;
};

std::optional<int64_t> find_model_id(store::Transaction& tx, const std::string& name);
// Throws RegistryError(NotFound) naming the model.
[[noreturn]] void model_not_found(const std::string& name);
int64_t require_model_id(store::Transaction& tx, const std::string& name);

// The model's versions (all, or the one with row id `version_id`), by number, with their
// artifacts and aliases.
std::vector<StoredVersion> load_versions(store::Transaction& tx, int64_t model_id,
                                         const std::string& model,
                                         std::optional<int64_t> version_id = std::nullopt);
StoredVersion load_version(store::Transaction& tx, int64_t model_id, const std::string& model,
                           int64_t version_id);
// The version a reference names; RegistryError(NotFound) saying what is missing.
StoredVersion resolve(store::Transaction& tx, const VersionRef& ref);
StoredVersion resolve_number(store::Transaction& tx, const std::string& model, int64_t number);

// Appends to the audit trail (event.model and event.id are ignored).
// Appends an event to the audit trail and announces the model's change on kChannel (after
// commit): every registry change goes through here, so none is silent.
void record_change(store::Transaction& tx, int64_t model_id, const std::string& model,
                   const Event& event);

// The channel every registry change is announced on, with the model name as payload.
inline constexpr const char* kChannel = "registry";

}  // namespace slipway::registry::detail
