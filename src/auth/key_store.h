#pragma once
// API keys in the store (table auth_keys, migrated on construction): created, listed, shown,
// revoked. Every change is one transaction that notifies channel "auth" (payload: the key's
// id), so every server on the store reloads its KeyRing. Keys are never deleted: a revoked key
// stays listed (with who revoked it and when) and can never become active again.
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "auth/api_key.h"
#include "store/clock.h"
#include "store/store.h"

namespace slipway::auth {

class KeyError : public std::runtime_error {
 public:
  enum class Kind { Invalid, NotFound, Conflict };
  KeyError(Kind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

struct KeyRequest {
  std::string name;  // 1-64 characters [A-Za-z0-9._-]; unique among active keys
  Scopes scopes = 0;
  KeyLimits limits;                   // negative values are Invalid
  std::optional<int64_t> expires_ms;  // must be in the future
};

struct CreatedKey {
  ApiKeyRecord record;
  std::string secret;  // shown once; only its hash is stored
};

class KeyStore {
 public:
  explicit KeyStore(store::Store& store, store::WallClock clock = store::system_now_ms);

  CreatedKey create(const KeyRequest& request, const std::string& actor);
  // Active, expired and revoked keys (revoked ones only with include_revoked), newest first.
  std::vector<ApiKeyRecord> list(bool include_revoked) const;
  // By id ("key_...") or by the name of an active key; NotFound otherwise.
  ApiKeyRecord get(const std::string& id_or_name) const;
  // Revokes at once; revoking a revoked key is Conflict (naming when and by whom).
  ApiKeyRecord revoke(const std::string& id_or_name, const std::string& actor);
  // The key whose secret hashes to `secret_hash`, whatever its state (the ring tells apart
  // revoked and expired keys in its errors); nullopt when no key has it.
  std::optional<ApiKeyRecord> find_by_hash(const std::string& secret_hash) const;
  // Every key with its secret hash, for the ring's cache.
  std::vector<std::pair<std::string, ApiKeyRecord>> all_with_hashes() const;
  // Records use (best effort; never throws).
  void touch(const std::string& id, int64_t now_ms) noexcept;

  store::Store& store() const { return store_; }

 private:
  store::Store& store_;
  store::WallClock clock_;
};

}  // namespace slipway::auth
