// The key ring on both dialects: the bootstrap key, stored keys with their scopes, revocation
// seen at once (after reload() or another process's notification), expiry and last use.
#include "auth/key_ring.h"

#include <gtest/gtest.h>

#include <string>
#include <variant>

#include "auth/key_secret.h"
#include "auth_test_support.h"

namespace slipway::auth::test {
namespace {

class AuthKeyRingTest : public AuthStoreFixture {
 protected:
  std::unique_ptr<KeyRing> ring(std::optional<std::string> bootstrap = std::nullopt) {
    return std::make_unique<KeyRing>(keys_, std::move(bootstrap), clock());
  }
};

Identity identity(const std::variant<Identity, AuthFailure>& result) {
  if (const auto* failure = std::get_if<AuthFailure>(&result)) {
    ADD_FAILURE() << "refused: " << failure->message;
    return {};
  }
  return std::get<Identity>(result);
}

AuthFailure failure(const std::variant<Identity, AuthFailure>& result) {
  if (const auto* who = std::get_if<Identity>(&result)) {
    ADD_FAILURE() << "accepted as " << who->key_id;
    return {};
  }
  return std::get<AuthFailure>(result);
}

bool refused(const KeyRing& ring, const std::string& secret) {
  return std::holds_alternative<AuthFailure>(ring.authenticate(secret));
}

TEST_P(AuthKeyRingTest, TheBootstrapKeyHasEveryScope) {
  const auto keys = ring("s3cret-bootstrap");
  const Identity who = identity(keys->authenticate("s3cret-bootstrap"));
  EXPECT_EQ(who.key_id, "bootstrap");
  EXPECT_EQ(who.name, "bootstrap");
  EXPECT_EQ(who.scopes, kAllScopes);
  EXPECT_EQ(who.limits.requests_per_minute, 0);
  EXPECT_TRUE(keys->has_keys());

  for (const std::string wrong : {"", "s3cret-bootstrap ", "s3cret-bootstra", "S3cret-bootstrap"}) {
    const AuthFailure refusal = failure(keys->authenticate(wrong));
    EXPECT_EQ(refusal.reason, AuthFailure::Reason::Unknown) << wrong;
    EXPECT_EQ(refusal.message, "Incorrect API key provided.");
  }
}

TEST_P(AuthKeyRingTest, WithoutAStoreOnlyTheBootstrapKeyWorks) {
  KeyRing bootstrap_only(nullptr, "boot", clock());
  EXPECT_TRUE(bootstrap_only.has_keys());
  EXPECT_EQ(identity(bootstrap_only.authenticate("boot")).key_id, "bootstrap");
  EXPECT_TRUE(refused(bootstrap_only, generate_secret()));
  bootstrap_only.reload();  // nothing to reload

  KeyRing empty(nullptr, std::string(), clock());  // an empty key is no key
  EXPECT_FALSE(empty.has_keys());
  EXPECT_TRUE(refused(empty, ""));
}

TEST_P(AuthKeyRingTest, ACreatedKeyAuthenticatesWithItsScopesAndLimits) {
  const auto keys = ring();
  EXPECT_FALSE(keys->has_keys());
  KeyRequest req = request("feedback-bot", static_cast<Scopes>(Scope::Feedback));
  req.limits = {30, 1000, 2};
  const CreatedKey created = keys_->create(req, "alice");
  keys->reload();

  EXPECT_TRUE(keys->has_keys());
  const Identity who = identity(keys->authenticate(created.secret));
  EXPECT_EQ(who.key_id, created.record.id);
  EXPECT_EQ(who.name, "feedback-bot");
  EXPECT_EQ(who.scopes, static_cast<Scopes>(Scope::Feedback));
  EXPECT_FALSE(has_scope(who.scopes, Scope::Admin));
  EXPECT_EQ(who.limits.requests_per_minute, 30);
  EXPECT_EQ(who.limits.tokens_per_minute, 1000);
  EXPECT_EQ(who.limits.max_streams, 2);
  EXPECT_TRUE(refused(*keys, created.secret.substr(0, 46)));
}

TEST_P(AuthKeyRingTest, ARevokedKeyFailsAtOnceAfterReload) {
  const CreatedKey created = keys_->create(request("web"), "alice");
  const auto keys = ring();
  identity(keys->authenticate(created.secret));

  keys_->revoke("web", "bob");
  keys->reload();
  const AuthFailure refusal = failure(keys->authenticate(created.secret));
  EXPECT_EQ(refusal.reason, AuthFailure::Reason::Revoked);
  EXPECT_NE(refusal.message.find(created.record.id), std::string::npos) << refusal.message;
  EXPECT_NE(refusal.message.find("revoked"), std::string::npos) << refusal.message;
  EXPECT_FALSE(keys->has_keys());
}

TEST_P(AuthKeyRingTest, ARevokeByAnotherProcessReachesTheRingThroughItsNotification) {
  const CreatedKey created = keys_->create(request("web"), "alice");
  const auto keys = ring();
  identity(keys->authenticate(created.secret));

  // Another server (its own store connection and key store) revokes the key.
  const auto other_store = store::Store::open(location_, fast_notifications());
  KeyStore other(*other_store, clock());
  other.revoke(created.record.id, "bob");
  EXPECT_TRUE(eventually([&] { return refused(*keys, created.secret); }));
  EXPECT_EQ(failure(keys->authenticate(created.secret)).reason, AuthFailure::Reason::Revoked);

  // And a key it creates starts working without anyone calling reload().
  const CreatedKey fresh = other.create(request("web"), "bob");
  EXPECT_TRUE(eventually([&] { return !refused(*keys, fresh.secret); }));
}

TEST_P(AuthKeyRingTest, AKeyExpiresOnTheClock) {
  KeyRequest req = request("nightly");
  req.expires_ms = kDec1 + kHour;
  const CreatedKey created = keys_->create(req, "alice");
  const auto keys = ring();
  now_ms_ = kDec1 + kHour - 1;
  EXPECT_EQ(identity(keys->authenticate(created.secret)).key_id, created.record.id);
  EXPECT_TRUE(keys->has_keys());

  now_ms_ = kDec1 + kHour;
  const AuthFailure refusal = failure(keys->authenticate(created.secret));
  EXPECT_EQ(refusal.reason, AuthFailure::Reason::Expired);
  EXPECT_NE(refusal.message.find(created.record.id), std::string::npos) << refusal.message;
  EXPECT_NE(refusal.message.find("expired"), std::string::npos) << refusal.message;
  EXPECT_FALSE(keys->has_keys());
}

TEST_P(AuthKeyRingTest, LastUseIsRecordedAtMostOnceAMinute) {
  const CreatedKey created = keys_->create(request("web"), "alice");
  const std::string& id = created.record.id;
  const auto keys = ring();
  identity(keys->authenticate(created.secret));
  keys->flush_touches();
  EXPECT_EQ(keys_->get(id).last_used_ms, kDec1);

  now_ms_ += kMinute - 1;
  identity(keys->authenticate(created.secret));
  keys->flush_touches();
  EXPECT_EQ(keys_->get(id).last_used_ms, kDec1);

  now_ms_ += 1;
  identity(keys->authenticate(created.secret));
  keys->flush_touches();
  EXPECT_EQ(keys_->get(id).last_used_ms, kDec1 + kMinute);
}

TEST_P(AuthKeyRingTest, AFreshRingDoesNotTouchAKeyUsedWithinTheMinute) {
  const CreatedKey created = keys_->create(request("web"), "alice");
  keys_->touch(created.record.id, kDec1 - 1000);
  const auto keys = ring();  // as after a restart
  identity(keys->authenticate(created.secret));
  keys->flush_touches();
  EXPECT_EQ(keys_->get(created.record.id).last_used_ms, kDec1 - 1000);
}

INSTANTIATE_TEST_SUITE_P(Both, AuthKeyRingTest, slipway::test::kBothBackends, backend_name);

}  // namespace
}  // namespace slipway::auth::test
