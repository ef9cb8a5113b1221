#pragma once
// What `slipway keys` asks of the key store, written once for both places it can live: a data
// folder or store opened directly (auth::KeyStore; servers on that store reload on its "auth"
// notification) or a running server's admin API (/admin/v1/keys: docs/admin-api.md). Both
// answer the admin API's JSON (auth::key_to_json), so both print alike. Errors are exceptions
// with messages meant for the user.
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "app/client_flags.h"
#include "auth/api_key.h"
#include "store/clock.h"

namespace slipway::app::keys_cli {

using Json = nlohmann::ordered_json;

constexpr int64_t kDayMs = 86'400'000;
constexpr int64_t kMaxExpiryDays = 100 * 366;  // the admin API's bound

struct NewKey {
  std::string name;
  std::string scopes;      // "inference,feedback"
  auth::KeyLimits limits;  // 0: the server's default
  std::optional<int64_t> expires_in_days;
};

class KeyClient {
 public:
  virtual ~KeyClient() = default;

  // The record plus "secret": the only time the secret is shown.
  virtual Json create(const NewKey& key) = 0;
  // {"object": "list", "data": [record...]}, newest first; revoked keys with include_revoked.
  virtual Json list(bool include_revoked) = 0;
  // key: an id ("key_...") or an active key's name.
  virtual Json show(const std::string& key) = 0;
  virtual Json revoke(const std::string& key) = 0;
};

// clock: when keys are created and expire, and the time their state is judged at.
std::unique_ptr<KeyClient> make_direct_key_client(const DataLocation& location,
                                                  store::WallClock clock = store::system_now_ms);
std::unique_ptr<KeyClient> make_remote_key_client(const std::string& server_url,
                                                  const std::string& api_key);
// Remote when --server is given (then --data/--store may not be), else direct.
std::unique_ptr<KeyClient> make_key_client(const ClientOptions& options);

}  // namespace slipway::app::keys_cli
