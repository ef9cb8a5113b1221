// The admin API's key endpoints through AdminApi::handle, with a KeyRing on a SQLite store:
// statuses, error codes, and that a change reaches the ring before the answer does.
#include <gtest/gtest.h>

#include <memory>
#include <variant>

#include "auth/key_ring.h"
#include "auth/key_store.h"
#include "http/admin/admin_api.h"
#include "store/store.h"
#include "test_dir.h"

namespace slipway::http {
namespace {

using backends::Json;
using boost::beast::http::verb;

class KeysCliAdmin : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ =
        store::Store::open_data_dir((test::fresh_test_dir("keys_cli", "admin") / "data").string());
    ring_ =
        std::make_shared<auth::KeyRing>(std::make_shared<auth::KeyStore>(*store_), std::nullopt);
    api_ = std::make_unique<AdminApi>(nullptr, nullptr, nullptr, nullptr, nullptr, ring_);
  }

  AdminResponse call(verb method, const std::string& path, Json body = nullptr,
                     std::map<std::string, std::string> query = {}) {
    AdminRequest request;
    request.method = method;
    request.path = path;
    request.query = std::move(query);
    request.body = std::move(body);
    request.actor = "ops";
    return api_->handle(request);
  }

  AdminResponse create(Json body) { return call(verb::post, "/admin/v1/keys", std::move(body)); }

  static std::string code_of(const AdminResponse& response) {
    return response.body.at("error").value("code", std::string());
  }

  bool authenticates(const std::string& secret) const {
    return std::holds_alternative<auth::Identity>(ring_->authenticate(secret));
  }

  std::unique_ptr<store::Store> store_;
  std::shared_ptr<auth::KeyRing> ring_;
  std::unique_ptr<AdminApi> api_;
};

TEST_F(KeysCliAdmin, CreateAnswers201WithTheSecretOnce) {
  const auto created = create({{"name", "ci"},
                               {"scopes", Json::array({"inference", "feedback"})},
                               {"requests_per_minute", 30},
                               {"max_streams", 1},
                               {"expires_in_days", 7}});
  ASSERT_EQ(created.status, 201) << created.body.dump();
  const std::string secret = created.body.at("secret");
  EXPECT_EQ(created.body.at("prefix"), secret.substr(0, 12));
  EXPECT_EQ(created.body.at("created_by"), "ops");
  EXPECT_EQ(created.body.at("limits").at("requests_per_minute"), 30);
  EXPECT_EQ(created.body.at("limits").at("tokens_per_minute"), 0);
  EXPECT_TRUE(created.body.at("expires_ms").is_number_integer());

  // The ring knows the key before the answer is sent.
  const auto identity = ring_->authenticate(secret);
  ASSERT_TRUE(std::holds_alternative<auth::Identity>(identity));
  EXPECT_EQ(std::get<auth::Identity>(identity).name, "ci");
  EXPECT_EQ(std::get<auth::Identity>(identity).scopes,
            static_cast<auth::Scopes>(auth::Scope::Inference) |
                static_cast<auth::Scopes>(auth::Scope::Feedback));

  // Never again: not in the list, not in show.
  const auto list = call(verb::get, "/admin/v1/keys");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.body.at("object"), "list");
  ASSERT_EQ(list.body.at("data").size(), 1u);
  EXPECT_EQ(list.body.dump().find(secret), std::string::npos);
  const auto shown = call(verb::get, "/admin/v1/keys/ci");
  ASSERT_EQ(shown.status, 200);
  EXPECT_EQ(shown.body.at("id"), created.body.at("id"));
  EXPECT_FALSE(shown.body.contains("secret"));
}

TEST_F(KeysCliAdmin, ScopesMayBeCommaSeparatedText) {
  const auto created = create({{"name", "admin-bot"}, {"scopes", "admin, inference"}});
  ASSERT_EQ(created.status, 201) << created.body.dump();
  EXPECT_EQ(created.body.at("scopes"), Json::array({"inference", "admin"}));
}

TEST_F(KeysCliAdmin, RevokeFailsTheKeyForTheNextRequest) {
  const auto created = create({{"name", "ci"}, {"scopes", "inference"}});
  const std::string secret = created.body.at("secret");
  const std::string id = created.body.at("id");
  ASSERT_TRUE(authenticates(secret));

  const auto revoked = call(verb::post, "/admin/v1/keys/" + id + "/revoke");
  ASSERT_EQ(revoked.status, 200) << revoked.body.dump();
  EXPECT_EQ(revoked.body.at("state"), "revoked");
  EXPECT_EQ(revoked.body.at("revoked_by"), "ops");
  const auto failure = ring_->authenticate(secret);
  ASSERT_TRUE(std::holds_alternative<auth::AuthFailure>(failure));
  EXPECT_EQ(std::get<auth::AuthFailure>(failure).reason, auth::AuthFailure::Reason::Revoked);

  EXPECT_TRUE(call(verb::get, "/admin/v1/keys").body.at("data").empty());
  const auto all = call(verb::get, "/admin/v1/keys", nullptr, {{"include_revoked", "true"}});
  ASSERT_EQ(all.body.at("data").size(), 1u);
  const auto again = call(verb::post, "/admin/v1/keys/" + id + "/revoke");
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(code_of(again), "key_conflict");
}

TEST_F(KeysCliAdmin, NameClashIs409) {
  ASSERT_EQ(create({{"name", "ci"}, {"scopes", "inference"}}).status, 201);
  const auto clash = create({{"name", "ci"}, {"scopes", "admin"}});
  EXPECT_EQ(clash.status, 409);
  EXPECT_EQ(code_of(clash), "key_conflict");
}

TEST_F(KeysCliAdmin, UnknownKeysAre404) {
  for (const auto& [method, path] : {std::pair{verb::get, "/admin/v1/keys/nobody"},
                                     std::pair{verb::post, "/admin/v1/keys/nobody/revoke"}}) {
    const auto answer = call(method, path);
    EXPECT_EQ(answer.status, 404) << path;
    EXPECT_EQ(code_of(answer), "key_not_found") << path;
  }
}

TEST_F(KeysCliAdmin, BadRequestsAre400WithTheKeyCode) {
  const std::vector<Json> bodies{
      {{"scopes", "inference"}},                         // no name
      {{"name", "ci"}},                                  // no scopes
      {{"name", "ci"}, {"scopes", "inference,root"}},    // unknown scope
      {{"name", "two words"}, {"scopes", "inference"}},  // the store's check
      {{"name", "ci"}, {"scopes", "inference"}, {"max_streams", -1}},
      {{"name", "ci"}, {"scopes", "inference"}, {"expires_in_days", 0}},
      {{"name", "ci"}, {"scopes", "inference"}, {"expires_ms", 1}},  // in the past
      {{"name", "ci"}, {"scopes", "inference"}, {"expires_ms", 1}, {"expires_in_days", 1}},
      {{"name", "ci"}, {"scopes", "inference"}, {"color", "red"}},
  };
  for (const Json& body : bodies) {
    const auto answer = create(body);
    EXPECT_EQ(answer.status, 400) << body.dump();
    EXPECT_EQ(code_of(answer), "invalid_key_request") << body.dump();
  }
  const auto list = call(verb::get, "/admin/v1/keys", nullptr, {{"include_revoked", "yes"}});
  EXPECT_EQ(list.status, 400);
  EXPECT_TRUE(call(verb::get, "/admin/v1/keys", nullptr, {{"include_revoked", "true"}})
                  .body.at("data")
                  .empty());
}

TEST_F(KeysCliAdmin, WrongTypesAre422) {
  for (const Json& body :
       {Json{{"name", "ci"}, {"scopes", 7}}, Json{{"name", "ci"}, {"scopes", Json::array({1})}},
        Json{{"name", "ci"}, {"scopes", "inference"}, {"requests_per_minute", "9"}},
        Json{{"name", "ci"}, {"scopes", "inference"}, {"expires_in_days", 1.5}}}) {
    EXPECT_EQ(create(body).status, 422) << body.dump();
  }
}

TEST_F(KeysCliAdmin, WithoutAKeyStoreTheEndpointsAre503) {
  const auto bootstrap_only =
      std::make_shared<auth::KeyRing>(nullptr, std::optional<std::string>("secret"));
  for (const auto& ring : {std::shared_ptr<auth::KeyRing>(), bootstrap_only}) {
    const AdminApi api(nullptr, nullptr, nullptr, nullptr, nullptr, ring);
    AdminRequest request;
    request.path = "/admin/v1/keys";
    EXPECT_EQ(api.handle(request).status, 503);
  }
}

TEST_F(KeysCliAdmin, OtherMethodsAre405) {
  const auto answer = call(verb::delete_, "/admin/v1/keys/ci");
  EXPECT_EQ(answer.status, 405);
  EXPECT_EQ(answer.allow, "GET");
}

}  // namespace
}  // namespace slipway::http
