// The keys in a data folder or store opened by this process. Every change notifies channel
// "auth", so servers on the same store reload their keys at once.
#include <memory>
#include <stdexcept>

#include "app/data_location.h"
#include "app/keys_cli/key_client.h"
#include "auth/key_store.h"

namespace slipway::app::keys_cli {
namespace {

class DirectKeyClient : public KeyClient {
 public:
  DirectKeyClient(const DataLocation& location, store::WallClock clock)
      : store_(open_store(location)), keys_(*store_, clock), clock_(std::move(clock)) {}

  Json create(const NewKey& key) override {
    auth::KeyRequest request;
    request.name = key.name;
    try {
      request.scopes = auth::parse_scopes(key.scopes);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(std::string("--scopes: ") + e.what());
    }
    request.limits = key.limits;
    if (key.expires_in_days) {
      if (*key.expires_in_days < 1 || *key.expires_in_days > kMaxExpiryDays) {
        throw std::invalid_argument("--expires-days must be between 1 and " +
                                    std::to_string(kMaxExpiryDays));
      }
      request.expires_ms = clock_() + *key.expires_in_days * kDayMs;
    }
    const auth::CreatedKey created = keys_.create(request, cli_actor());
    Json answer = record_json(created.record);
    answer["secret"] = created.secret;
    return answer;
  }

  Json list(bool include_revoked) override {
    Json data = Json::array();
    for (const auto& key : keys_.list(include_revoked)) data.push_back(record_json(key));
    return {{"object", "list"}, {"data", std::move(data)}};
  }

  Json show(const std::string& key) override { return record_json(keys_.get(key)); }

  Json revoke(const std::string& key) override {
    return record_json(keys_.revoke(key, cli_actor()));
  }

 private:
  Json record_json(const auth::ApiKeyRecord& key) const {
    return Json::parse(auth::key_to_json(key, clock_()).dump());
  }

  std::unique_ptr<store::Store> store_;
  auth::KeyStore keys_;
  store::WallClock clock_;
};

}  // namespace

std::unique_ptr<KeyClient> make_direct_key_client(const DataLocation& location,
                                                  store::WallClock clock) {
  return std::make_unique<DirectKeyClient>(location, std::move(clock));
}

std::unique_ptr<KeyClient> make_key_client(const ClientOptions& options) {
  if (uses_server(options)) return make_remote_key_client(options.server, options.api_key);
  return make_direct_key_client(options.location);
}

}  // namespace slipway::app::keys_cli
