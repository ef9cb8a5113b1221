#pragma once
// What `slipway models` asks of the registry, written once for both places it can live: a
// data folder or store opened directly (DirectClient) or a running server's admin API
// (RemoteClient). Both throw registry::RegistryError / runtime_error with messages meant for
// the user.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "app/client_flags.h"
#include "registry/artifacts.h"
#include "registry/records.h"
#include "registry/registry.h"

namespace slipway::app::models {

class RegistryClient {
 public:
  virtual ~RegistryClient() = default;

  // request.actor is filled in by the client (direct: cli_actor(); remote: the server's key).
  virtual registry::RegisterResult register_version(const registry::RegisterRequest& request) = 0;
  virtual std::vector<registry::Model> list_models() = 0;
  virtual registry::Model get_model(const std::string& name) = 0;
  virtual std::vector<registry::Version> list_versions(const std::string& model,
                                                       const registry::ListFilter& filter) = 0;
  // ref: "name/3", "name@alias", "name/label" or "name".
  virtual registry::Version get_version(const std::string& ref) = 0;
  virtual registry::Json diff(const std::string& a, const std::string& b) = 0;
  virtual registry::Version set_alias(const std::string& model, const std::string& alias,
                                      int64_t version, const std::string& reason) = 0;
  virtual void remove_alias(const std::string& model, const std::string& alias,
                            const std::string& reason) = 0;
  virtual registry::Version set_stage(const std::string& model, int64_t version,
                                      registry::Stage stage, const std::string& reason) = 0;
  virtual std::vector<registry::Event> history(const std::string& model, int64_t version) = 0;
  // Returns how many files were hashed; throws RegistryError(Integrity) naming the file.
  virtual int verify(const registry::Version& version, registry::VerifyMode mode) = 0;
};

std::unique_ptr<RegistryClient> make_direct_client(const DataLocation& location);
std::unique_ptr<RegistryClient> make_remote_client(const std::string& server_url,
                                                   const std::string& api_key);
std::unique_ptr<RegistryClient> make_client(const ClientOptions& options);

}  // namespace slipway::app::models
