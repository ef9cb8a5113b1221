// The admin API over real sockets: auth, JSON in and out, percent-decoding, the actor, the
// admin thread pool (an I/O thread never runs a handler), and 503 without an admin API.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <future>

#include "http/admin/admin_api.h"
#include "http_test_support.h"
#include "registry/registry.h"
#include "store/store.h"
#include "test_dir.h"

namespace slipway::http::test {
namespace {

namespace fs = std::filesystem;

// A loader whose list() can be held, to see where it runs and that the server answers others
// meanwhile.
class BlockingLoader : public ModelLoader {
 public:
  Json list() override {
    {
      std::lock_guard lock(mutex_);
      threads_.push_back(std::this_thread::get_id());
    }
    entered_.set_value();
    release_.wait_for(10s);
    return Json{{"object", "list"}, {"data", Json::array()}};
  }
  Json load(const Json&, const std::string&) override { return Json::object(); }
  void unload(const std::string&, const std::string&) override {}

  std::future<void> entered() { return entered_.get_future(); }
  void release() { release_promise_.set_value(); }
  std::vector<std::thread::id> threads() {
    std::lock_guard lock(mutex_);
    return threads_;
  }

 private:
  std::mutex mutex_;
  std::vector<std::thread::id> threads_;
  std::promise<void> entered_;
  std::promise<void> release_promise_;
  std::shared_future<void> release_ = release_promise_.get_future().share();
};

// A server on port 0 with one fake backend and, when given, an admin API set before listen().
class AdminServer {
 public:
  AdminServer(ServerOptions options, std::shared_ptr<AdminApi> admin)
      : backends_(std::make_shared<backends::BackendSet>()),
        metrics_(std::make_shared<monitor::ServingMetrics>()) {
    backends_->add(std::make_shared<FakeBackend>("m"));
    options.port = 0;
    options.io_threads = 1;
    server_ = std::make_unique<Server>(io_, std::move(options), backends_, metrics_);
    if (admin) server_->set_admin_api(std::move(admin));
    server_->listen();
    server_->set_ready(true);
    std::promise<std::thread::id> io_thread;
    auto io_thread_id = io_thread.get_future();
    thread_ = std::thread([this, promise = std::move(io_thread)]() mutable {
      promise.set_value(std::this_thread::get_id());
      server_->run();
    });
    io_thread_ = io_thread_id.get();
  }
  ~AdminServer() {
    server_->shutdown();
    if (thread_.joinable()) thread_.join();
  }

  uint16_t port() const { return server_->port(); }
  void shutdown() { server_->shutdown(); }
  void join() { thread_.join(); }
  std::thread::id io_thread() const { return io_thread_; }

 private:
  std::shared_ptr<backends::BackendSet> backends_;
  std::shared_ptr<monitor::ServingMetrics> metrics_;
  boost::asio::io_context io_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
  std::thread::id io_thread_;
};

ServerOptions with_key(std::string key) {
  ServerOptions options = TestServer::fast_options();
  options.api_key = std::move(key);
  return options;
}

class AdminServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = slipway::test::fresh_test_dir("http", "admin_server");
    store_ = store::Store::open_data_dir((dir_ / "data").string());
    registry_ = std::make_unique<registry::Registry>(*store_);
  }

  std::shared_ptr<AdminApi> admin(std::shared_ptr<ModelLoader> loader = nullptr) {
    return std::make_shared<AdminApi>(registry_.get(), std::move(loader));
  }

  fs::path dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<registry::Registry> registry_;
};

TEST_F(AdminServerTest, NeedsTheKeyAndRecordsTheBootstrapActor) {
  AdminServer server(with_key("secret"), admin());
  auto missing = fetch(server.port(), "GET", "/admin/v1/models");
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(missing.json()["error"]["code"], "invalid_api_key");
  EXPECT_EQ(missing.headers["www-authenticate"], "Bearer");
  EXPECT_EQ(fetch(server.port(), "GET", "/admin/v1/nothing").status, 401);
  EXPECT_EQ(
      fetch(server.port(), "GET", "/admin/v1/models", {}, {"Authorization: Bearer nope"}).status,
      401);

  const std::vector<std::string> auth{"Authorization: Bearer secret"};
  auto list = fetch(server.port(), "GET", "/admin/v1/models", {}, auth);
  EXPECT_EQ(list.status, 200);
  EXPECT_EQ(list.headers["content-type"], "application/json");
  EXPECT_EQ(list.json(), Json({{"object", "list"}, {"data", Json::array()}}));

  auto created = fetch(server.port(), "POST", "/admin/v1/models", R"({"name": "support"})", auth);
  EXPECT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.json()["creator"], "bootstrap");
  auto history = fetch(server.port(), "GET", "/admin/v1/models/support/history", {}, auth);
  EXPECT_EQ(history.json()["data"][0]["actor"], "bootstrap");
}

TEST_F(AdminServerTest, WithoutAKeyTheActorIsLocal) {
  AdminServer server(TestServer::fast_options(), admin());
  auto created = fetch(server.port(), "POST", "/admin/v1/models", R"({"name": "support"})");
  EXPECT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.json()["creator"], "local");
}

TEST_F(AdminServerTest, TargetsAreDecodedAndBodiesParsed) {
  AdminServer server(TestServer::fast_options(), admin());
  ASSERT_EQ(fetch(server.port(), "POST", "/admin/v1/models", R"({"name": "support"})").status, 201);
  auto decoded = fetch(server.port(), "GET", "/admin/v1/models/sup%70ort");
  EXPECT_EQ(decoded.status, 200);
  EXPECT_EQ(decoded.json()["name"], "support");

  auto bad_json = fetch(server.port(), "POST", "/admin/v1/models", R"({"name": )");
  EXPECT_EQ(bad_json.status, 400);
  EXPECT_NE(bad_json.json()["error"]["message"].get<std::string>().find("Invalid JSON"),
            std::string::npos);
  auto no_body = fetch(server.port(), "POST", "/admin/v1/models");
  EXPECT_EQ(no_body.status, 400);
  auto bad_escape = fetch(server.port(), "GET", "/admin/v1/models/a%zz");
  EXPECT_EQ(bad_escape.status, 400);

  // Query values are decoded too: "support%2F9" is support/9 (which does not exist).
  auto diff = fetch(server.port(), "GET", "/admin/v1/diff?a=support%2F9&b=support%401");
  EXPECT_EQ(diff.status, 404);
  EXPECT_EQ(diff.json()["error"]["code"], "version_not_found");

  auto wrong_method = fetch(server.port(), "DELETE", "/admin/v1/models");
  EXPECT_EQ(wrong_method.status, 405);
  EXPECT_EQ(wrong_method.headers["allow"], "GET, POST");
  auto unknown = fetch(server.port(), "GET", "/admin/v1/nothing");
  EXPECT_EQ(unknown.status, 404);
  // A path that only starts like the prefix is not an admin path.
  EXPECT_EQ(fetch(server.port(), "GET", "/admin/v1x").status, 404);
}

TEST_F(AdminServerTest, HandlersRunOnTheAdminPoolNotOnTheIoThread) {
  auto loader = std::make_shared<BlockingLoader>();
  auto entered = loader->entered();
  AdminServer server(TestServer::fast_options(), admin(loader));

  auto answer = std::async(std::launch::async,
                           [&] { return fetch(server.port(), "GET", "/admin/v1/served"); });
  ASSERT_EQ(entered.wait_for(5s), std::future_status::ready);
  // The only I/O thread is free while the handler blocks.
  EXPECT_EQ(fetch(server.port(), "GET", "/health").status, 200);
  EXPECT_EQ(fetch(server.port(), "GET", "/admin/v1/models").status, 200);
  loader->release();

  const HttpAnswer served = answer.get();
  EXPECT_EQ(served.status, 200);
  EXPECT_EQ(served.json()["object"], "list");
  ASSERT_EQ(loader->threads().size(), 1u);
  EXPECT_NE(loader->threads()[0], server.io_thread());
}

TEST_F(AdminServerTest, ADrainWaitsForTheAdminRequestInFlight) {
  auto loader = std::make_shared<BlockingLoader>();
  auto entered = loader->entered();
  AdminServer server(TestServer::fast_options(), admin(loader));
  auto answer = std::async(std::launch::async,
                           [&] { return fetch(server.port(), "GET", "/admin/v1/served"); });
  ASSERT_EQ(entered.wait_for(5s), std::future_status::ready);
  server.shutdown();
  std::this_thread::sleep_for(100ms);
  loader->release();
  const HttpAnswer served = answer.get();
  EXPECT_EQ(served.status, 200);
  EXPECT_FALSE(served.keep_alive);
  server.join();
}

TEST_F(AdminServerTest, WithoutAnAdminApiItIs503) {
  AdminServer server(with_key("k"), nullptr);
  EXPECT_EQ(fetch(server.port(), "GET", "/admin/v1/models").status, 401);
  auto res = fetch(server.port(), "GET", "/admin/v1/models", {}, {"Authorization: Bearer k"});
  EXPECT_EQ(res.status, 503);
  EXPECT_EQ(res.json()["error"]["type"], "server_error");
  EXPECT_EQ(
      fetch(server.port(), "POST", "/v1/chat/completions", chat_body(), {"Authorization: Bearer k"})
          .status,
      200);
}

}  // namespace
}  // namespace slipway::http::test
