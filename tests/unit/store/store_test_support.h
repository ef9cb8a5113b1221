#pragma once
// Store tests run against both dialects: a fresh SQLite file or a fresh PostgreSQL database
// (on the ctest fixture's server) per test.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "notification_inbox.h"
#include "postgres_test_db.h"
#include "store/store.h"
#include "store_backend_param.h"
#include "test_dir.h"

namespace slipway::store::test {

using slipway::test::Backend;
using slipway::test::backend_name;

// A fresh, empty database location for the running test.
inline std::string fresh_location(Backend backend, const std::string& name = "db") {
  if (backend == Backend::Postgres) return slipway::test::fresh_postgres_url(name);
  return (slipway::test::fresh_test_dir("store", name) / "test.db").string();
}

inline bool postgres_dialect(Transaction& tx) {
  return tx.dialect() == Dialect::Postgres;
}

inline StoreOptions fast_options() {
  StoreOptions options;
  options.poll_interval = std::chrono::milliseconds(20);
  return options;
}

using slipway::test::Inbox;

class StoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    location_ = fresh_location(GetParam());
    store_ = Store::open(location_, fast_options());
  }
  std::unique_ptr<Store> open_again() { return Store::open(location_, fast_options()); }
  bool postgres() const { return GetParam() == Backend::Postgres; }

  std::string location_;
  std::unique_ptr<Store> store_;
};

}  // namespace slipway::store::test
