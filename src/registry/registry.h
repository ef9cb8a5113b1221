#pragma once
// The model registry: registered models, immutable numbered versions with lineage and
// artifact hashes, aliases and stages with an audit trail. Backed by the store (SQLite or
// PostgreSQL); every change is durable when the call returns. Safe to use from several
// threads and several processes at once (version numbers come from the database).
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "registry/artifacts.h"
#include "registry/records.h"
#include "registry/registry_error.h"
#include "registry/version_ref.h"
#include "store/clock.h"
#include "store/store.h"

namespace slipway::registry {

struct RegisterRequest {
  std::string model;                 // created on first registration
  std::optional<std::string> label;  // none: suggested as {base_model}-{dataset_version}-{date}
  Source source;
  Json params = Json::object();
  Json metrics = Json::object();
  Json tags = Json::object();
  std::string description;
  std::string git_commit;
  std::string parent;   // "name/version" it was trained from; must exist
  std::string dataset;  // dataset export id or URI
  std::string actor;
  // Serve-time registration of configured models: when a version of this model already has
  // the same content hash, return it instead of failing or creating another.
  bool reuse_identical = false;
};

struct RegisterResult {
  Version version;
  bool created = false;  // false: reuse_identical found an existing version
};

struct ListFilter {
  std::optional<Stage> stage;
  std::optional<std::string> tag_key;  // versions having this tag
  std::optional<std::string> tag_value;
};

class Registry {
 public:
  // Runs the registry's migrations on the store (throws store::StoreError SchemaTooNew).
  explicit Registry(store::Store& store, store::WallClock clock = store::system_now_ms);

  // Validates the source (exists; embedded: config.json + *.safetensors; lora:
  // adapter_config.json + adapter_model.safetensors and an existing base version; upstream: an
  // http(s) URL), hashes its artifacts outside any transaction, then inserts model (if new),
  // version, artifacts and a "registered" event in one write transaction.
  RegisterResult register_version(const RegisterRequest& request);

  // The label register_version would suggest now (unique: "-2", "-3"... appended if taken).
  std::string suggest_label(const RegisterRequest& request);

  Model create_model(const std::string& name, const std::string& description, const Json& tags,
                     const std::string& actor);  // Conflict if it exists
  Model get_model(const std::string& name);
  std::vector<Model> list_models();
  std::vector<Version> list_versions(const std::string& model, const ListFilter& filter = {});
  Version get_version(const VersionRef& ref);  // NotFound names what was missing

  // Points alias at a version (creating or moving it). The version must exist and not be
  // archived. Records who, when, why, and the previous target.
  Version set_alias(const std::string& model, const std::string& alias, int64_t version,
                    const std::string& actor, const std::string& reason);
  void remove_alias(const std::string& model, const std::string& alias, const std::string& actor,
                    const std::string& reason);

  // Changes a version's stage under stage_rules.h (StageRule error otherwise). By hand the
  // reason is required; `automatic` marks changes made by traffic.
  Version set_stage(const std::string& model, int64_t version, Stage stage,
                    const std::string& actor, const std::string& reason, bool automatic = false);

  // The audit trail, oldest first; version 0: the whole model.
  std::vector<Event> history(const std::string& model, int64_t version = 0);

  // Checks a version's files before serving (see verify_artifacts) and refreshes the recorded
  // mtimes when files matched by hash. Throws RegistryError(Integrity) naming the file, or
  // StageRule for an archived version. Upstream versions have nothing to check.
  VerifyReport verify(const Version& version, VerifyMode mode);

  // Subscribes to registry changes from any process: payload is "<model>" for every alias,
  // stage or version change of that model.
  std::unique_ptr<store::Subscription> on_change(std::function<void(const std::string& model)>);

  store::Store& store() { return store_; }

 private:
  store::Store& store_;
  store::WallClock clock_;
};

}  // namespace slipway::registry
