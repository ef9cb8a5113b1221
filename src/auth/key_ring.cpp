// The in-memory key ring: one SHA-256 and one map lookup per request.
#include "auth/key_ring.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <limits>

#include "auth/key_secret.h"

namespace slipway::auth {

namespace {

constexpr int64_t kTouchIntervalMs = 60'000;

// Constant time for equal sizes (hashes always are), so a timing side channel reveals nothing
// about how much of a guess matched.
bool equal_in_constant_time(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

AuthFailure failure(AuthFailure::Reason reason, const std::string& key_id, const char* what) {
  std::string message = "This API key (";
  message.append(key_id).append(") ").append(what);
  return AuthFailure{reason, message};
}

}  // namespace

KeyRing::KeyRing(std::shared_ptr<KeyStore> keys, std::optional<std::string> bootstrap_key,
                 store::WallClock clock)
    : keys_(std::move(keys)), clock_(std::move(clock)) {
  // An empty SLIPWAY_API_KEY is no key: it must not let an empty bearer token in.
  if (bootstrap_key && !bootstrap_key->empty()) bootstrap_ = hash_secret(*bootstrap_key);
  if (!keys_) return;
  touch_writer_ = std::thread([this] { write_touches(); });
  // Subscribe before the first load so no change between the two is missed.
  subscription_ = keys_->store().subscribe("auth", [this](const std::string&) {
    try {
      reload();
    } catch (...) {  // the store is unreachable: keep the keys we have until the next change
    }
  });
  reload();
}

KeyRing::~KeyRing() {
  subscription_.reset();  // waits for a running reload before the maps go away
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  touch_wanted_.notify_all();
  if (touch_writer_.joinable()) touch_writer_.join();
}

void KeyRing::write_touches() {
  std::unique_lock lock(mutex_);
  for (;;) {
    touch_wanted_.wait(lock, [this] { return stopping_ || !pending_touches_.empty(); });
    if (stopping_) return;
    auto touches = std::move(pending_touches_);
    pending_touches_.clear();
    writing_touches_ = true;
    lock.unlock();
    for (const auto& [id, ms] : touches) keys_->touch(id, ms);  // never throws
    lock.lock();
    writing_touches_ = false;
    touches_written_.notify_all();
  }
}

void KeyRing::flush_touches() const {
  std::unique_lock lock(mutex_);
  touches_written_.wait(lock, [this] {
    return stopping_ || !touch_writer_.joinable() ||
           (pending_touches_.empty() && !writing_touches_);
  });
}

void KeyRing::reload() {
  if (!keys_) return;
  std::lock_guard reloading(reload_mutex_);
  std::unordered_map<std::string, ApiKeyRecord> by_hash;
  int64_t active_until_ms = std::numeric_limits<int64_t>::min();
  for (auto& [hash, record] : keys_->all_with_hashes()) {
    if (!record.revoked_ms) {
      active_until_ms = std::max(active_until_ms,
                                 record.expires_ms.value_or(std::numeric_limits<int64_t>::max()));
    }
    by_hash.emplace(hash, std::move(record));
  }
  std::lock_guard lock(mutex_);
  by_hash_.swap(by_hash);
  keys_active_until_ms_ = active_until_ms;
}

std::variant<Identity, AuthFailure> KeyRing::authenticate(std::string_view secret) const {
  const std::string hash = hash_secret(secret);
  if (bootstrap_ && equal_in_constant_time(hash, *bootstrap_)) {
    return Identity{"bootstrap", "bootstrap", kAllScopes, KeyLimits{}};
  }
  const int64_t now_ms = clock_();
  ApiKeyRecord key;
  bool touch_due = false;
  {
    std::lock_guard lock(mutex_);
    const auto found = by_hash_.find(hash);
    if (found == by_hash_.end()) {
      return AuthFailure{AuthFailure::Reason::Unknown, "Incorrect API key provided."};
    }
    key = found->second;
    if (key.active_at(now_ms)) {
      const auto touched = touched_ms_.find(key.id);
      const int64_t last_ms = touched != touched_ms_.end()
                                  ? touched->second
                                  : key.last_used_ms.value_or(std::numeric_limits<int64_t>::min());
      touch_due = last_ms <= now_ms - kTouchIntervalMs;
      if (touch_due) {
        touched_ms_[key.id] = now_ms;
        pending_touches_[key.id] = now_ms;
      }
    }
  }
  if (key.revoked_ms) return failure(AuthFailure::Reason::Revoked, key.id, "was revoked.");
  if (!key.active_at(now_ms)) return failure(AuthFailure::Reason::Expired, key.id, "has expired.");
  if (touch_due) touch_wanted_.notify_one();
  return Identity{key.id, key.name, key.scopes, key.limits};
}

bool KeyRing::has_keys() const {
  if (bootstrap_) return true;
  const int64_t now_ms = clock_();
  std::lock_guard lock(mutex_);
  return now_ms < keys_active_until_ms_;
}

}  // namespace slipway::auth
