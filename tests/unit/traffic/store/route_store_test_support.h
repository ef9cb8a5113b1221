#pragma once
// RouteStore tests run on both dialects: a fresh SQLite file or a fresh PostgreSQL database
// (the ctest fixture's server) per test, with a clock the test sets.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "postgres_test_db.h"
#include "store/store.h"
#include "store_backend_param.h"
#include "test_dir.h"
#include "traffic/route_store.h"
#include "traffic/traffic_error.h"

namespace slipway::traffic::test {

using slipway::test::Backend;
using slipway::test::backend_name;

// 2026-12-01 00:00:00 UTC
inline constexpr int64_t kDec1 = 1796083200000;

class RouteStoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    dir_ = slipway::test::fresh_test_dir("traffic", "store");
    location_ = GetParam() == Backend::Postgres ? slipway::test::fresh_postgres_url("traffic")
                                                : (dir_ / "traffic.db").string();
    open();
  }

  // (Re)opens the store and the RouteStore on it, as a restarted process would.
  void open() {
    routes_.reset();
    store_.reset();
    store::StoreOptions options;
    options.poll_interval = std::chrono::milliseconds(20);
    store_ = store::Store::open(location_, options);
    routes_ = std::make_unique<RouteStore>(*store_, [this] { return now_ms_.load(); });
  }

  static Route route(const std::string& name, const std::string& stable) {
    Route r;
    r.name = name;
    r.stable = stable;
    return r;
  }

  static TrafficEvent event(const std::string& kind, const std::string& actor = "alice",
                            const std::string& reason = "") {
    TrafficEvent e;
    e.kind = kind;
    e.actor = actor;
    e.reason = reason;
    return e;
  }

  static Rollout rollout(const std::string& route, const std::string& stable,
                         const std::string& canary) {
    Rollout r;
    r.route = route;
    r.stable = stable;
    r.canary = canary;
    r.plan = default_rollout_plan();
    r.salt = "00112233aabbccdd";
    r.actor = "alice";
    return r;
  }

  // Starts a rollout of `canary` on `route` at 5% the way the service does.
  Rollout start(const std::string& route_name, const std::string& stable,
                const std::string& canary) {
    Rollout r = rollout(route_name, stable, canary);
    return routes_->start_rollout(
        r,
        [&](Route& changed) {
          changed.canary = canary;
          changed.canary_weight_bp = 500;
          changed.salt = r.salt;
        },
        event("rollout_started"));
  }

  // Aborts `active` the way the service does: the route loses its canary. False when the
  // stored rollout had moved on.
  bool abort(const Rollout& active) {
    Rollout aborted = active;
    aborted.state = RolloutState::Aborted;
    return routes_
        ->transition(
            active, aborted,
            [](Route& r) {
              r.canary.clear();
              r.canary_weight_bp = 0;
            },
            event("aborted"))
        .has_value();
  }

  std::filesystem::path dir_;
  std::string location_;
  std::atomic<int64_t> now_ms_{kDec1};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<RouteStore> routes_;
};

// Runs `body` expecting a TrafficError with `code` whose message contains every `part`.
template <class Body>
void expect_traffic_error(Body&& body, TrafficError::Code code,
                          const std::vector<std::string>& parts = {}) {
  try {
    body();
    ADD_FAILURE() << "no TrafficError thrown";
  } catch (const TrafficError& e) {
    EXPECT_EQ(static_cast<int>(e.code()), static_cast<int>(code)) << e.what();
    for (const auto& part : parts) {
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos)
          << "\"" << part << "\" not in: " << e.what();
    }
  }
}

}  // namespace slipway::traffic::test
