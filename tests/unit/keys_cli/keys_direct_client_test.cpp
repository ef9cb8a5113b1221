// The direct key client of `slipway keys` on a SQLite data folder: create, list, show and
// revoke as the admin API's JSON, expiry from an injected clock, and its errors.
#include <gtest/gtest.h>

#include <stdexcept>

#include "app/data_location.h"
#include "app/keys_cli/key_client.h"
#include "auth/key_store.h"
#include "test_dir.h"

namespace slipway::app::keys_cli {
namespace {

constexpr int64_t kStartMs = 1'800'000'000'000;

class KeysCliDirect : public ::testing::Test {
 protected:
  void SetUp() override {
    location_.data_dir = (test::fresh_test_dir("keys_cli", "direct") / "data").string();
    client_ = make_direct_key_client(location_, [this] { return now_ms_; });
  }

  static NewKey key(const std::string& name, const std::string& scopes) {
    NewKey request;
    request.name = name;
    request.scopes = scopes;
    return request;
  }

  // The kind of KeyError `action` throws; fails the test when it throws none.
  template <typename Action>
  static auth::KeyError::Kind key_error_of(Action action) {
    try {
      action();
    } catch (const auth::KeyError& e) {
      return e.kind();
    }
    ADD_FAILURE() << "no KeyError";
    return auth::KeyError::Kind::Invalid;
  }

  DataLocation location_;
  int64_t now_ms_ = kStartMs;
  std::unique_ptr<KeyClient> client_;
};

TEST_F(KeysCliDirect, CreateListShowRevoke) {
  NewKey request = key("ci-bot", "feedback, inference");
  request.limits = {.requests_per_minute = 60, .tokens_per_minute = 5000, .max_streams = 2};
  const Json created = client_->create(request);
  const std::string secret = created.at("secret");
  EXPECT_EQ(secret.rfind("slp_", 0), 0u);
  EXPECT_EQ(created.at("prefix"), secret.substr(0, 12));
  EXPECT_EQ(created.at("name"), "ci-bot");
  EXPECT_EQ(created.at("scopes"), Json::array({"inference", "feedback"}));
  EXPECT_EQ(created.at("limits").at("requests_per_minute"), 60);
  EXPECT_EQ(created.at("limits").at("tokens_per_minute"), 5000);
  EXPECT_EQ(created.at("limits").at("max_streams"), 2);
  EXPECT_EQ(created.at("created_ms"), kStartMs);
  EXPECT_EQ(created.at("created_by"), cli_actor());
  EXPECT_TRUE(created.at("expires_ms").is_null());
  EXPECT_EQ(created.at("state"), "active");
  const std::string id = created.at("id");

  const Json list = client_->list(false);
  ASSERT_EQ(list.at("data").size(), 1u);
  EXPECT_EQ(list.at("data")[0].at("id"), id);
  EXPECT_FALSE(list.at("data")[0].contains("secret"));
  EXPECT_EQ(client_->show("ci-bot").at("id"), id);
  EXPECT_EQ(client_->show(id).at("name"), "ci-bot");

  now_ms_ += 1000;
  const Json revoked = client_->revoke("ci-bot");
  EXPECT_EQ(revoked.at("state"), "revoked");
  EXPECT_EQ(revoked.at("revoked_ms"), kStartMs + 1000);
  EXPECT_EQ(revoked.at("revoked_by"), cli_actor());
  EXPECT_TRUE(client_->list(false).at("data").empty());
  EXPECT_EQ(client_->list(true).at("data").size(), 1u);
  EXPECT_EQ(client_->show(id).at("state"), "revoked");
  // The name is free again, and the revoked key is only found by its id.
  EXPECT_EQ(key_error_of([&] { client_->show("ci-bot"); }), auth::KeyError::Kind::NotFound);
  EXPECT_NE(client_->create(key("ci-bot", "inference")).at("id"), id);
}

TEST_F(KeysCliDirect, ListsNewestFirst) {
  client_->create(key("first", "inference"));
  now_ms_ += 10;
  client_->create(key("second", "admin"));
  const Json data = client_->list(false).at("data");
  ASSERT_EQ(data.size(), 2u);
  EXPECT_EQ(data[0].at("name"), "second");
  EXPECT_EQ(data[1].at("name"), "first");
}

TEST_F(KeysCliDirect, ExpiresAfterTheGivenDaysByItsClock) {
  NewKey request = key("temp", "inference");
  request.expires_in_days = 2;
  const Json created = client_->create(request);
  EXPECT_EQ(created.at("expires_ms"), kStartMs + 2 * kDayMs);
  EXPECT_EQ(created.at("state"), "active");
  now_ms_ = kStartMs + 2 * kDayMs;
  EXPECT_EQ(client_->show("temp").at("state"), "expired");
}

TEST_F(KeysCliDirect, RefusesBadRequests) {
  try {
    client_->create(key("bot", "inference,root"));
    FAIL() << "an unknown scope was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("--scopes"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("root"), std::string::npos) << e.what();
  }
  EXPECT_THROW(client_->create(key("bot", "")), std::invalid_argument);
  NewKey forever = key("bot", "inference");
  forever.expires_in_days = kMaxExpiryDays + 1;
  EXPECT_THROW(client_->create(forever), std::invalid_argument);
  EXPECT_EQ(key_error_of([&] { client_->create(key("two words", "inference")); }),
            auth::KeyError::Kind::Invalid);
  NewKey negative = key("bot", "inference");
  negative.limits.requests_per_minute = -1;
  EXPECT_EQ(key_error_of([&] { client_->create(negative); }), auth::KeyError::Kind::Invalid);
  EXPECT_TRUE(client_->list(true).at("data").empty());
}

TEST_F(KeysCliDirect, ConflictsAndUnknownKeys) {
  client_->create(key("bot", "inference"));
  EXPECT_EQ(key_error_of([&] { client_->create(key("bot", "admin")); }),
            auth::KeyError::Kind::Conflict);
  EXPECT_EQ(key_error_of([&] { client_->show("nobody"); }), auth::KeyError::Kind::NotFound);
  EXPECT_EQ(key_error_of([&] { client_->revoke("key_0000000000000000"); }),
            auth::KeyError::Kind::NotFound);
  const std::string id = client_->revoke("bot").at("id");
  EXPECT_EQ(key_error_of([&] { client_->revoke(id); }), auth::KeyError::Kind::Conflict);
}

}  // namespace
}  // namespace slipway::app::keys_cli
