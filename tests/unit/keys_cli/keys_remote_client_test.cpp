// The remote key client of `slipway keys --server` against the admin API over HTTP: a test
// server hands each request to AdminApi::handle, so the client's requests and the routes'
// answers are checked together; the server's errors reach the user with its message.
#include <gtest/gtest.h>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <memory>
#include <variant>

#include "app/keys_cli/key_client.h"
#include "app/models/admin_client.h"
#include "auth/key_ring.h"
#include "auth/key_store.h"
#include "beast_test_server.h"
#include "http/admin/admin_api.h"
#include "http/query_string.h"
#include "store/store.h"
#include "test_dir.h"

namespace slipway::app::keys_cli {
namespace {

namespace beast = boost::beast;

class KeysCliRemote : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ =
        store::Store::open_data_dir((test::fresh_test_dir("keys_cli", "remote") / "data").string());
    ring_ =
        std::make_shared<auth::KeyRing>(std::make_shared<auth::KeyStore>(*store_), std::nullopt);
    api_ = std::make_unique<http::AdminApi>(nullptr, nullptr, nullptr, nullptr, nullptr, ring_);
    server_ = std::make_unique<test::BlockingTestServer>(
        [this](test::BlockingTestServer::tcp::socket& socket, int) { serve(socket); });
    client_ = make_remote_key_client(server_->origin(), "unused");
  }

  void TearDown() override { server_.reset(); }

  // One request per connection, as the admin client sends them.
  void serve(test::BlockingTestServer::tcp::socket& socket) {
    beast::flat_buffer buffer;
    beast::http::request<beast::http::string_body> request;
    beast::error_code ec;
    beast::http::read(socket, buffer, request, ec);
    if (ec) return;
    const auto target = http::parse_target(request.target());
    http::AdminRequest admin;
    admin.method = request.method();
    admin.path = target->path;
    admin.query = target->query;
    admin.body = request.body().empty() ? backends::Json() : backends::Json::parse(request.body());
    admin.actor = "remote-admin";
    const http::AdminResponse answer = api_->handle(admin);
    test::write_response(socket, answer.status, answer.body.dump());
  }

  static NewKey key(const std::string& name, const std::string& scopes) {
    NewKey request;
    request.name = name;
    request.scopes = scopes;
    return request;
  }

  std::unique_ptr<store::Store> store_;
  std::shared_ptr<auth::KeyRing> ring_;
  std::unique_ptr<http::AdminApi> api_;
  std::unique_ptr<test::BlockingTestServer> server_;
  std::unique_ptr<KeyClient> client_;
};

TEST_F(KeysCliRemote, CreateListShowRevokeThroughTheAdminApi) {
  NewKey request = key("ci-bot", "inference,feedback");
  request.limits.tokens_per_minute = 7000;
  request.expires_in_days = 1;
  const Json created = client_->create(request);
  const std::string secret = created.at("secret");
  EXPECT_EQ(created.at("created_by"), "remote-admin");
  EXPECT_EQ(created.at("scopes"), Json::array({"inference", "feedback"}));
  EXPECT_EQ(created.at("limits").at("tokens_per_minute"), 7000);
  EXPECT_EQ(created.at("limits").at("requests_per_minute"), 0);
  EXPECT_TRUE(created.at("expires_ms").is_number_integer());
  EXPECT_TRUE(std::holds_alternative<auth::Identity>(ring_->authenticate(secret)));

  EXPECT_EQ(client_->list(false).at("data").size(), 1u);
  EXPECT_EQ(client_->show("ci-bot").at("id"), created.at("id"));
  EXPECT_EQ(client_->revoke("ci-bot").at("state"), "revoked");
  EXPECT_TRUE(std::holds_alternative<auth::AuthFailure>(ring_->authenticate(secret)));
  EXPECT_TRUE(client_->list(false).at("data").empty());
  EXPECT_EQ(client_->list(true).at("data").size(), 1u);
}

TEST_F(KeysCliRemote, ServerErrorsCarryTheirCodeAndMessage) {
  client_->create(key("ci-bot", "inference"));
  try {
    client_->create(key("ci-bot", "admin"));
    FAIL() << "a name clash was accepted";
  } catch (const models::AdminError& e) {
    EXPECT_EQ(e.status(), 409);
    EXPECT_EQ(e.code(), "key_conflict");
    EXPECT_NE(std::string(e.what()).find("ci-bot"), std::string::npos) << e.what();
  }
  try {
    client_->show("nobody");
    FAIL() << "an unknown key was shown";
  } catch (const models::AdminError& e) {
    EXPECT_EQ(e.status(), 404);
    EXPECT_EQ(e.code(), "key_not_found");
  }
  try {
    client_->create(key("bot", "root"));
    FAIL() << "an unknown scope was accepted";
  } catch (const models::AdminError& e) {
    EXPECT_EQ(e.status(), 400);
    EXPECT_EQ(e.code(), "invalid_key_request");
  }
}

}  // namespace
}  // namespace slipway::app::keys_cli
