#pragma once
// What the server checks each request's bearer key against: the bootstrap key
// (SLIPWAY_API_KEY, every scope) and every key in the store, held in memory by secret hash
// (one hash and one map lookup per request, no database read). The ring reloads when the
// store notifies channel "auth" (a key created or revoked by any process on the store) and
// when told to (the admin API reloads after its own changes, so a revoke there fails the key
// for the very next request).
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <variant>

#include "auth/api_key.h"
#include "auth/key_store.h"
#include "store/clock.h"

namespace slipway::auth {

struct Identity {
  std::string key_id;  // "bootstrap" for SLIPWAY_API_KEY
  std::string name;    // the key's name ("bootstrap")
  Scopes scopes = 0;
  KeyLimits limits;  // as stored (0: the server's default)
};

struct AuthFailure {
  enum class Reason { Unknown, Revoked, Expired };
  Reason reason = Reason::Unknown;
  std::string message;  // for the 401 body, e.g. "This API key (key_ab12...) was revoked."
};

class KeyRing {
 public:
  // keys may be null (no store: the bootstrap key only). Loads the keys and subscribes.
  KeyRing(std::shared_ptr<KeyStore> keys, std::optional<std::string> bootstrap_key,
          store::WallClock clock = store::system_now_ms);
  ~KeyRing();
  KeyRing(const KeyRing&) = delete;
  KeyRing& operator=(const KeyRing&) = delete;

  // Constant work per call; the bootstrap key is compared in constant time.
  std::variant<Identity, AuthFailure> authenticate(std::string_view secret) const;
  // Whether any key can authenticate (bootstrap or an active stored key).
  bool has_keys() const;
  void reload();  // throws store errors
  // Waits until every last-use time recorded so far is written (tests, shutdown).
  void flush_touches() const;
  std::shared_ptr<KeyStore> store() const { return keys_; }

 private:
  // last_used_ms is written by a thread of its own: a store write (an fsync) must never run on
  // the request's I/O thread.
  void write_touches();
  std::shared_ptr<KeyStore> keys_;
  std::optional<std::string> bootstrap_;  // the bootstrap key's hash (hash_secret)
  store::WallClock clock_;
  mutable std::mutex mutex_;
  std::mutex reload_mutex_;  // one reload at a time: an older snapshot never wins
  std::unordered_map<std::string, ApiKeyRecord> by_hash_;
  // The latest moment any stored key can still authenticate (min: none can), so has_keys(),
  // asked on every request, needs no walk over the keys.
  int64_t keys_active_until_ms_ = 0;                             // guarded by mutex_
  mutable std::unordered_map<std::string, int64_t> touched_ms_;  // last touch per key id
  std::unique_ptr<store::Subscription> subscription_;
  mutable std::unordered_map<std::string, int64_t> pending_touches_;  // guarded by mutex_
  mutable std::condition_variable touch_wanted_;
  mutable std::condition_variable touches_written_;
  bool writing_touches_ = false;  // guarded by mutex_
  bool stopping_ = false;         // guarded by mutex_
  std::thread touch_writer_;
};

}  // namespace slipway::auth
