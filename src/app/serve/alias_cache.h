#pragma once
// Resolves what clients may send as "model" besides a served name: "name@alias", "name/3" or
// "name/label", to the served name of a loaded backend serving that version. An in-memory copy
// of the aliases and labels of the models that have something loaded, refreshed when the
// registry says a model changed, so resolving a request never touches the database.
// Thread-safe; resolve() takes a shared lock only.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>

namespace slipway::app {

class AliasCache {
 public:
  // Replaces what is known about one model's aliases (alias -> version) and labels
  // (label -> version).
  void set_model(const std::string& model, std::map<std::string, int64_t> aliases,
                 std::map<std::string, int64_t> labels);
  bool knows_model(const std::string& model) const;

  // A loaded backend `served_name` serves version `model`/`version`.
  void add_served(const std::string& served_name, const std::string& model, int64_t version);
  void remove_served(const std::string& served_name);

  // The served name for a reference, or nullopt when text is no reference, names nothing
  // known, or the version it names is not loaded. Several served names for one version: the
  // first in name order.
  std::optional<std::string> resolve(std::string_view text) const;
  // The version number a reference names as far as the cache knows (loaded or not).
  std::optional<int64_t> version_of(std::string_view text) const;

 private:
  struct ModelNames {
    std::map<std::string, int64_t> aliases;
    std::map<std::string, int64_t> labels;
  };
  using VersionKey = std::pair<std::string, int64_t>;

  std::optional<VersionKey> lookup(std::string_view text) const;  // under a lock

  mutable std::shared_mutex mutex_;
  std::map<std::string, ModelNames> models_;
  std::map<VersionKey, std::set<std::string>> served_;  // version -> served names
  std::map<std::string, VersionKey> served_version_;    // served name -> version
};

}  // namespace slipway::app
