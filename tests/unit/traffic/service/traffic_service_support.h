#pragma once
// TrafficService tests: a fresh store (SQLite or PostgreSQL) with a registry of upstream
// versions (nothing to hash), fake loaded backends whose health a test sets, gate figures a
// test sets per version and arm, and a clock the test moves.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "postgres_test_db.h"
#include "registry/registry.h"
#include "store/store.h"
#include "store_backend_param.h"
#include "test_dir.h"
#include "traffic/traffic_error.h"
#include "traffic/traffic_service.h"

namespace slipway::traffic::test {

using slipway::test::Backend;
using slipway::test::backend_name;

inline constexpr int64_t kStart = 1795953600000;  // 2026-11-29 12:00 UTC
inline constexpr int64_t kMinute = 60'000;
inline constexpr int64_t kDay = 24 * 60 * kMinute;

// A loaded version that answers health checks as told (and nothing else: requests are not
// what these tests are about).
class FakeBackend : public backends::Backend {
 public:
  explicit FakeBackend(std::string name) : name_(std::move(name)) {}
  const std::string& name() const override { return name_; }
  backends::Json model_card() const override { return {{"id", name_}}; }
  std::shared_ptr<backends::RequestControl> start(
      backends::ApiRequest, std::shared_ptr<backends::ResponseSink>) override {
    return nullptr;
  }
  void check_health(std::chrono::milliseconds,
                    std::function<void(backends::HealthStatus)> done) override {
    if (silent) return;  // never answers: the caller's timeout decides
    done({healthy.load(), healthy ? "ok" : "engine loop is dead"});
  }
  backends::BackendStats stats() const override { return {}; }

  std::atomic<bool> healthy{true};
  std::atomic<bool> silent{false};

 private:
  std::string name_;
};

class FakeVersions : public VersionBackends {
 public:
  std::shared_ptr<backends::Backend> find(const std::string& version) override {
    std::lock_guard lock(mutex_);
    auto it = loaded_.find(version);
    return it == loaded_.end() ? nullptr : it->second;
  }
  void ensure_loaded(const std::string& version) override {
    std::lock_guard lock(mutex_);
    if (unloadable.count(version))
      throw TrafficError(TrafficError::Code::Unavailable, "cannot load " + version + ": no memory");
    ++loads;
    if (!loaded_.count(version)) loaded_[version] = std::make_shared<FakeBackend>(version);
  }
  std::shared_ptr<FakeBackend> backend(const std::string& version) {
    std::lock_guard lock(mutex_);
    auto it = loaded_.find(version);
    return it == loaded_.end() ? nullptr : it->second;
  }
  bool is_loaded(const std::string& version) { return backend(version) != nullptr; }
  void unload(const std::string& version) {
    std::lock_guard lock(mutex_);
    loaded_.erase(version);
  }

  std::set<std::string> unloadable;
  int loads = 0;

 private:
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<FakeBackend>> loaded_;
};

class FakeFigures : public GateFigures {
 public:
  ArmFigures figures(const std::string&, const std::string& version, const std::string& arm,
                     int64_t since_ms, int64_t until_ms) override {
    std::lock_guard lock(mutex_);
    last_since = since_ms;
    last_until = until_ms;
    auto it = figures_.find({version, arm});
    return it == figures_.end() ? ArmFigures{} : it->second;
  }
  void set(const std::string& version, const std::string& arm, ArmFigures figures) {
    std::lock_guard lock(mutex_);
    figures_[{version, arm}] = figures;
  }
  int64_t last_since = 0, last_until = 0;

 private:
  std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, ArmFigures> figures_;
};

// Healthy figures: enough requests, no errors, a p95 of `p95` seconds.
inline ArmFigures healthy_figures(int64_t requests = 500, double p95 = 1.0) {
  ArmFigures figures;
  figures.requests = requests;
  figures.p95_latency_seconds = p95;
  return figures;
}

class TrafficServiceTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    dir_ = slipway::test::fresh_test_dir("traffic", "service");
    location_ = GetParam() == Backend::Postgres ? slipway::test::fresh_postgres_url("traffic")
                                                : (dir_ / "traffic.db").string();
    store_ = open_store();
    registry_ = std::make_unique<registry::Registry>(*store_, clock());
    for (int i = 1; i <= 3; ++i) register_upstream("support");
    register_upstream("other");
    register_upstream("other");
  }

  std::unique_ptr<store::Store> open_store() {
    store::StoreOptions options;
    options.poll_interval = std::chrono::milliseconds(20);
    return store::Store::open(location_, options);
  }

  store::WallClock clock() {
    return [this] { return now_ms_.load(); };
  }

  void register_upstream(const std::string& model) {
    registry::RegisterRequest request;
    request.model = model;
    request.source.kind = registry::SourceKind::Upstream;
    request.source.url = "http://upstream.invalid/v1";
    request.tags = {{"n", std::to_string(++registered_)}};  // distinct content per version
    request.actor = "test";
    registry_->register_version(request);
  }

  std::unique_ptr<TrafficService> make_service(TrafficOptions options = manual_options()) {
    return std::make_unique<TrafficService>(*store_, *registry_, &versions_, &figures_, options,
                                            clock());
  }

  static TrafficOptions manual_options() {
    TrafficOptions options;
    options.run_controller = false;
    options.health_timeout = std::chrono::milliseconds(200);
    return options;
  }

  std::unique_ptr<TrafficService> service_with_route(const std::string& stable = "support/1") {
    auto service = make_service();
    service->start();
    service->create_route({{"name", "cs"}, {"stable", stable}}, "tester");
    return service;
  }

  // A plan of `days`-long steps needing `requests` per arm.
  static backends::Json daily_plan(const std::string& canary, int64_t requests = 100) {
    return {{"canary", canary},
            {"steps", {5, 20, 50, 100}},
            {"min_duration", "1d"},
            {"min_requests", requests}};
  }

  std::filesystem::path dir_;
  std::string location_;
  std::atomic<int64_t> now_ms_{kStart};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<registry::Registry> registry_;
  FakeVersions versions_;
  FakeFigures figures_;
  int registered_ = 0;
};

// Runs `body` expecting a TrafficError with `code` whose message contains `part`.
template <class Body>
void expect_traffic_error(Body&& body, TrafficError::Code code, const std::string& part) {
  try {
    body();
    ADD_FAILURE() << "no TrafficError thrown";
  } catch (const TrafficError& e) {
    EXPECT_EQ(static_cast<int>(e.code()), static_cast<int>(code)) << e.what();
    EXPECT_NE(std::string(e.what()).find(part), std::string::npos)
        << "\"" << part << "\" not in: " << e.what();
  }
}

}  // namespace slipway::traffic::test
