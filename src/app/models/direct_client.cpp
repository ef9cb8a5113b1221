// DirectClient: the registry in a data folder or store opened by this process.
#include <memory>

#include "app/models/registry_client.h"
#include "registry/version_diff.h"
#include "registry/version_ref.h"

namespace slipway::app::models {
namespace {

using registry::Json;

class DirectClient : public RegistryClient {
 public:
  explicit DirectClient(const DataLocation& location)
      : store_(open_store(location)), registry_(*store_), actor_(cli_actor()) {}

  registry::RegisterResult register_version(const registry::RegisterRequest& request) override {
    registry::RegisterRequest copy = request;
    copy.actor = actor_;
    return registry_.register_version(copy);
  }

  std::vector<registry::Model> list_models() override { return registry_.list_models(); }

  registry::Model get_model(const std::string& name) override { return registry_.get_model(name); }

  std::vector<registry::Version> list_versions(const std::string& model,
                                               const registry::ListFilter& filter) override {
    return registry_.list_versions(model, filter);
  }

  registry::Version get_version(const std::string& ref) override {
    return registry_.get_version(registry::parse_version_ref(ref));
  }

  Json diff(const std::string& a, const std::string& b) override {
    return registry::diff_versions(get_version(a), get_version(b));
  }

  registry::Version set_alias(const std::string& model, const std::string& alias, int64_t version,
                              const std::string& reason) override {
    return registry_.set_alias(model, alias, version, actor_, reason);
  }

  void remove_alias(const std::string& model, const std::string& alias,
                    const std::string& reason) override {
    registry_.remove_alias(model, alias, actor_, reason);
  }

  registry::Version set_stage(const std::string& model, int64_t version, registry::Stage stage,
                              const std::string& reason) override {
    return registry_.set_stage(model, version, stage, actor_, reason);
  }

  std::vector<registry::Event> history(const std::string& model, int64_t version) override {
    return registry_.history(model, version);
  }

  int verify(const registry::Version& version, registry::VerifyMode mode) override {
    return registry_.verify(version, mode).files_hashed;
  }

 private:
  std::unique_ptr<store::Store> store_;
  registry::Registry registry_;
  std::string actor_;
};

}  // namespace

std::unique_ptr<RegistryClient> make_direct_client(const DataLocation& location) {
  return std::make_unique<DirectClient>(location);
}

std::unique_ptr<RegistryClient> make_client(const ClientOptions& options) {
  if (uses_server(options)) return make_remote_client(options.server, options.api_key);
  return make_direct_client(options.location);
}

}  // namespace slipway::app::models
