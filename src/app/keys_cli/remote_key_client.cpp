// The keys of a running `slipway serve`, through its admin API (docs/admin-api.md); the
// server reloads its keys before it answers, so a revoked key fails from the next request.
#include <memory>

#include "app/keys_cli/key_client.h"
#include "app/models/admin_client.h"

namespace slipway::app::keys_cli {
namespace {

using models::url_encode;

class RemoteKeyClient : public KeyClient {
 public:
  RemoteKeyClient(const std::string& url, const std::string& api_key) : http_(url, api_key) {}

  Json create(const NewKey& key) override {
    Json body{{"name", key.name},
              {"scopes", key.scopes},
              {"requests_per_minute", key.limits.requests_per_minute},
              {"tokens_per_minute", key.limits.tokens_per_minute},
              {"max_streams", key.limits.max_streams}};
    if (key.expires_in_days) body["expires_in_days"] = *key.expires_in_days;
    return http_.call("POST", "/admin/v1/keys", body);
  }
  Json list(bool include_revoked) override {
    return http_.call("GET",
                      include_revoked ? "/admin/v1/keys?include_revoked=true" : "/admin/v1/keys");
  }
  Json show(const std::string& key) override { return http_.call("GET", key_path(key)); }
  Json revoke(const std::string& key) override {
    return http_.call("POST", key_path(key) + "/revoke", Json::object());
  }

 private:
  static std::string key_path(const std::string& key) {
    return "/admin/v1/keys/" + url_encode(key);
  }

  models::AdminClient http_;
};

}  // namespace

std::unique_ptr<KeyClient> make_remote_key_client(const std::string& server_url,
                                                  const std::string& api_key) {
  return std::make_unique<RemoteKeyClient>(server_url, api_key);
}

}  // namespace slipway::app::keys_cli
