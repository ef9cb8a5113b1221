// Keys in the store on both dialects: create, list, get, revoke, name reuse and bad input.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "auth/key_secret.h"
#include "auth_test_support.h"
#include "notification_inbox.h"

namespace slipway::auth::test {
namespace {

class AuthKeyStoreTest : public AuthStoreFixture {};

// Runs `action`, expects a KeyError of `kind` whose message contains `words`.
template <class Action>
void expect_key_error(Action&& action, KeyError::Kind kind, const std::string& words) {
  try {
    action();
    ADD_FAILURE() << "no error (expected one mentioning " << words << ")";
  } catch (const KeyError& e) {
    EXPECT_EQ(e.kind(), kind) << e.what();
    EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
  }
}

void expect_same_key(const ApiKeyRecord& a, const ApiKeyRecord& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.prefix, b.prefix);
  EXPECT_EQ(a.scopes, b.scopes);
  EXPECT_EQ(a.limits.requests_per_minute, b.limits.requests_per_minute);
  EXPECT_EQ(a.limits.tokens_per_minute, b.limits.tokens_per_minute);
  EXPECT_EQ(a.limits.max_streams, b.limits.max_streams);
  EXPECT_EQ(a.created_ms, b.created_ms);
  EXPECT_EQ(a.created_by, b.created_by);
  EXPECT_EQ(a.expires_ms, b.expires_ms);
  EXPECT_EQ(a.revoked_ms, b.revoked_ms);
  EXPECT_EQ(a.revoked_by, b.revoked_by);
}

std::vector<std::string> ids(const std::vector<ApiKeyRecord>& keys) {
  std::vector<std::string> result;
  for (const ApiKeyRecord& key : keys) result.push_back(key.id);
  return result;
}

TEST_P(AuthKeyStoreTest, CreateReturnsTheSecretOnceAndStoresOnlyItsHash) {
  KeyRequest req = request("ci-bot", 3);
  req.limits = {120, 50'000, 4};
  req.expires_ms = kDec1 + kHour;
  const CreatedKey created = keys_->create(req, "alice");

  EXPECT_TRUE(looks_like_secret(created.secret)) << created.secret;
  const ApiKeyRecord& key = created.record;
  EXPECT_EQ(key.id.substr(0, 4), "key_");
  EXPECT_EQ(key.name, "ci-bot");
  EXPECT_EQ(key.prefix, created.secret.substr(0, 12));
  EXPECT_EQ(key.scopes, 3);
  EXPECT_EQ(key.limits.requests_per_minute, 120);
  EXPECT_EQ(key.limits.tokens_per_minute, 50'000);
  EXPECT_EQ(key.limits.max_streams, 4);
  EXPECT_EQ(key.created_ms, kDec1);
  EXPECT_EQ(key.created_by, "alice");
  EXPECT_EQ(key.expires_ms, kDec1 + kHour);
  EXPECT_FALSE(key.revoked_ms.has_value());
  EXPECT_FALSE(key.last_used_ms.has_value());

  const auto found = keys_->find_by_hash(hash_secret(created.secret));
  ASSERT_TRUE(found.has_value());
  expect_same_key(*found, key);
  EXPECT_FALSE(keys_->find_by_hash(hash_secret(generate_secret())).has_value());
  EXPECT_EQ(count("SELECT COUNT(*) FROM auth_keys WHERE secret_hash = '" +
                  hash_secret(created.secret) + "'"),
            1);
  // No column holds the secret itself.
  EXPECT_EQ(count("SELECT COUNT(*) FROM auth_keys WHERE id = '" + created.secret + "' OR name = '" +
                  created.secret + "' OR secret_hash = '" + created.secret + "' OR prefix = '" +
                  created.secret + "' OR created_by = '" + created.secret + "'"),
            0);
}

TEST_P(AuthKeyStoreTest, GetFindsAKeyByIdOrByName) {
  const ApiKeyRecord key = keys_->create(request("web"), "alice").record;
  expect_same_key(keys_->get(key.id), key);
  expect_same_key(keys_->get("web"), key);
  expect_key_error([&] { keys_->get("nobody"); }, KeyError::Kind::NotFound, "nobody");
  expect_key_error([&] { keys_->get("key_0000000000000000"); }, KeyError::Kind::NotFound,
                   "key_0000000000000000");
}

TEST_P(AuthKeyStoreTest, ListsNewestFirstAndRevokedOnlyWhenAsked) {
  const std::string first = keys_->create(request("first"), "alice").record.id;
  now_ms_ += kMinute;
  const std::string second = keys_->create(request("second"), "alice").record.id;
  now_ms_ += kMinute;
  const std::string third = keys_->create(request("third"), "alice").record.id;
  EXPECT_EQ(ids(keys_->list(false)), (std::vector<std::string>{third, second, first}));

  keys_->revoke("second", "bob");
  EXPECT_EQ(ids(keys_->list(false)), (std::vector<std::string>{third, first}));
  EXPECT_EQ(ids(keys_->list(true)), (std::vector<std::string>{third, second, first}));
}

TEST_P(AuthKeyStoreTest, RevokeRecordsWhoAndWhenAndKeepsTheKey) {
  const ApiKeyRecord key = keys_->create(request("web"), "alice").record;
  now_ms_ += kHour;
  const ApiKeyRecord revoked = keys_->revoke("web", "bob");
  EXPECT_EQ(revoked.id, key.id);
  EXPECT_EQ(revoked.revoked_ms, kDec1 + kHour);
  EXPECT_EQ(revoked.revoked_by, "bob");
  expect_same_key(keys_->get(key.id), revoked);
  EXPECT_FALSE(keys_->get(key.id).active_at(now_ms_));
  // A revoked key is not found by its name any more, but it is never deleted.
  expect_key_error([&] { keys_->get("web"); }, KeyError::Kind::NotFound, "web");
  EXPECT_EQ(count("SELECT COUNT(*) FROM auth_keys"), 1);
}

TEST_P(AuthKeyStoreTest, RevokingTwiceIsAConflictSayingWhenAndByWhom) {
  const ApiKeyRecord key = keys_->create(request("web"), "alice").record;
  now_ms_ += 10 * kHour;  // 2026-12-01T10:00:00Z
  keys_->revoke(key.id, "bob");
  now_ms_ += kHour;
  expect_key_error([&] { keys_->revoke(key.id, "carol"); }, KeyError::Kind::Conflict,
                   "revoked at 2026-12-01T10:00:00Z by bob");
  EXPECT_EQ(keys_->get(key.id).revoked_by, "bob");
  EXPECT_EQ(keys_->get(key.id).revoked_ms, kDec1 + 10 * kHour);
}

TEST_P(AuthKeyStoreTest, ANameIsTakenWhileActiveAndFreeAfterRevoke) {
  const ApiKeyRecord first = keys_->create(request("web"), "alice").record;
  expect_key_error([&] { keys_->create(request("web"), "alice"); }, KeyError::Kind::Conflict,
                   "an active key named \"web\" exists");
  EXPECT_EQ(count("SELECT COUNT(*) FROM auth_keys"), 1);

  keys_->revoke("web", "alice");
  const ApiKeyRecord second = keys_->create(request("web"), "alice").record;
  EXPECT_NE(second.id, first.id);
  expect_same_key(keys_->get("web"), second);
  EXPECT_TRUE(keys_->get(first.id).revoked_ms.has_value());
  // Expired keys still hold their name: only revoking frees it.
  KeyRequest expiring = request("nightly");
  expiring.expires_ms = now_ms_ + kMinute;
  keys_->create(expiring, "alice");
  now_ms_ += kHour;
  expect_key_error([&] { keys_->create(request("nightly"), "alice"); }, KeyError::Kind::Conflict,
                   "nightly");
}

TEST_P(AuthKeyStoreTest, TheDatabaseRefusesTwoActiveKeysWithOneName) {
  keys_->create(request("web"), "alice");
  EXPECT_THROW(store_->write([](store::Transaction& tx) {
    tx.execute(
        "INSERT INTO auth_keys (id, name, secret_hash, prefix, scopes, created_ms) "
        "VALUES ('key_1', 'web', 'h', 'p', 1, 0)");
  }),
               store::StoreError);
}

TEST_P(AuthKeyStoreTest, TwoServersCreatingOneNameAtOnceGetOneKey) {
  const auto other_store = store::Store::open(location_);
  KeyStore other(*other_store, clock());
  std::atomic<int> created{0}, conflicts{0};
  auto create_on = [&](KeyStore& keys) {
    try {
      keys.create(request("shared"), "alice");
      ++created;
    } catch (const KeyError& e) {
      if (e.kind() == KeyError::Kind::Conflict) ++conflicts;
    }
  };
  std::thread racer([&] { create_on(other); });
  create_on(*keys_);
  racer.join();
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(conflicts.load(), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM auth_keys WHERE name = 'shared'"), 1);
}

struct BadRequest {
  const char* label;
  KeyRequest request;
  const char* field;
};

TEST_P(AuthKeyStoreTest, BadInputIsInvalidNamingTheField) {
  auto with = [](auto change) {
    KeyRequest req = request("ok");
    change(req);
    return req;
  };
  const std::vector<BadRequest> cases = {
      {"empty name", with([](KeyRequest& r) { r.name = ""; }), "name"},
      {"long name", with([](KeyRequest& r) { r.name = std::string(65, 'a'); }), "name"},
      {"space in name", with([](KeyRequest& r) { r.name = "my key"; }), "name"},
      {"slash in name", with([](KeyRequest& r) { r.name = "a/b"; }), "name"},
      {"no scopes", with([](KeyRequest& r) { r.scopes = 0; }), "scopes"},
      {"unknown scope bit", with([](KeyRequest& r) { r.scopes = 8; }), "scopes"},
      {"negative rpm", with([](KeyRequest& r) { r.limits.requests_per_minute = -1; }),
       "requests_per_minute"},
      {"negative tpm", with([](KeyRequest& r) { r.limits.tokens_per_minute = -5; }),
       "tokens_per_minute"},
      {"negative streams", with([](KeyRequest& r) { r.limits.max_streams = -2; }), "max_streams"},
      {"expires now", with([](KeyRequest& r) { r.expires_ms = kDec1; }), "expires_ms"},
      {"expired", with([](KeyRequest& r) { r.expires_ms = kDec1 - kHour; }), "expires_ms"},
  };
  for (const BadRequest& bad : cases) {
    SCOPED_TRACE(bad.label);
    expect_key_error([&] { keys_->create(bad.request, "alice"); }, KeyError::Kind::Invalid,
                     bad.field);
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM auth_keys"), 0);
  // The longest allowed name and every allowed character pass.
  keys_->create(request(std::string(64, 'z')), "alice");
  keys_->create(request("Build-2.0_rc"), "alice");
  EXPECT_EQ(count("SELECT COUNT(*) FROM auth_keys"), 2);
}

TEST_P(AuthKeyStoreTest, EveryChangeNotifiesChannelAuthWithTheKeyId) {
  slipway::test::Inbox inbox;
  const auto subscription = store_->subscribe("auth", inbox.callback());
  const std::string id = keys_->create(request("web"), "alice").record.id;
  keys_->revoke(id, "alice");
  EXPECT_EQ(inbox.wait_for(2), (std::vector<std::string>{id, id}));
}

TEST_P(AuthKeyStoreTest, TouchRecordsLastUseAndNeverGoesBack) {
  const std::string id = keys_->create(request("web"), "alice").record.id;
  keys_->touch(id, kDec1 + kMinute);
  EXPECT_EQ(keys_->get(id).last_used_ms, kDec1 + kMinute);
  keys_->touch(id, kDec1);
  EXPECT_EQ(keys_->get(id).last_used_ms, kDec1 + kMinute);
  keys_->touch("key_unknown", kDec1);  // nothing to do, no error
}

INSTANTIATE_TEST_SUITE_P(Both, AuthKeyStoreTest, slipway::test::kBothBackends, backend_name);

}  // namespace
}  // namespace slipway::auth::test
