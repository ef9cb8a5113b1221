// Versioned schema migrations on both dialects.
#include <gtest/gtest.h>

#include <thread>

#include "store/migrations.h"
#include "store_test_support.h"

namespace slipway::store::test {
namespace {

using Kind = StoreError::Kind;

class StoreMigrationsTest : public StoreTest {};

Schema widgets_schema(int versions) {
  Schema schema{"widgets", {}};
  const std::vector<Migration> all = {
      {1, "widgets table", "CREATE TABLE widgets(id INTEGER PRIMARY KEY, name TEXT NOT NULL)", ""},
      {2, "widget colour", "ALTER TABLE widgets ADD COLUMN colour TEXT",
       "ALTER TABLE widgets ADD COLUMN colour TEXT"},
      {3, "colour index and log",
       "CREATE INDEX widgets_colour ON widgets(colour); CREATE TABLE widget_log(id INTEGER "
       "PRIMARY KEY AUTOINCREMENT, line TEXT)",
       "CREATE INDEX widgets_colour ON widgets(colour); CREATE TABLE widget_log(id BIGSERIAL "
       "PRIMARY KEY, line TEXT)"},
  };
  for (int i = 0; i < versions; ++i) schema.migrations.push_back(all[i]);
  return schema;
}

TEST_P(StoreMigrationsTest, AppliesStepsInOrderAndRecordsThem) {
  EXPECT_EQ(schema_version(*store_, "widgets"), 0);
  EXPECT_EQ(migrate(*store_, widgets_schema(1)), 1);
  EXPECT_EQ(schema_version(*store_, "widgets"), 1);
  EXPECT_EQ(migrate(*store_, widgets_schema(3)), 3);
  EXPECT_EQ(schema_version(*store_, "widgets"), 3);
  store_->write([](Transaction& tx) {
    tx.execute("INSERT INTO widgets(id, name, colour) VALUES (1, 'w', 'red')");
    tx.execute("INSERT INTO widget_log(line) VALUES ('made w')");
  });
  const Rows rows = store_->read([](Transaction& tx) {
    return tx.query(
        "SELECT version, description, applied_at FROM schema_migrations WHERE module = ? ORDER "
        "BY version",
        {std::string("widgets")});
  });
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].integer(0), 1);
  EXPECT_EQ(rows[2].text(1), "colour index and log");
  EXPECT_GT(rows[0].integer(2), 0);
  // Other modules keep their own versions.
  EXPECT_EQ(schema_version(*store_, "gadgets"), 0);
}

TEST_P(StoreMigrationsTest, IsIdempotent) {
  EXPECT_EQ(migrate(*store_, widgets_schema(3)), 3);
  EXPECT_EQ(migrate(*store_, widgets_schema(3)), 3);
  auto other = open_again();
  EXPECT_EQ(migrate(*other, widgets_schema(3)), 3);
  const int64_t count = store_->read([](Transaction& tx) {
    return tx.query("SELECT COUNT(*) FROM schema_migrations").at(0).integer(0);
  });
  EXPECT_EQ(count, 3);
}

TEST_P(StoreMigrationsTest, RefusesADatabaseNewerThanTheBinary) {
  migrate(*store_, widgets_schema(3));
  try {
    migrate(*store_, widgets_schema(2));
    FAIL() << "no error";
  } catch (const StoreError& e) {
    EXPECT_EQ(e.kind(), Kind::SchemaTooNew);
    EXPECT_EQ(std::string(e.what()),
              "the database's \"widgets\" schema is at version 3 but this slipway knows only up "
              "to 2; upgrade slipway");
  }
}

TEST_P(StoreMigrationsTest, AFailingStepRollsBackAndStopsThere) {
  Schema schema = widgets_schema(2);
  schema.migrations.push_back({3, "broken", "CREATE TABLE ok3(id INTEGER); THIS IS NOT SQL", ""});
  EXPECT_THROW(migrate(*store_, schema), StoreError);
  EXPECT_EQ(schema_version(*store_, "widgets"), 2);
  const int64_t tables = store_->read([](Transaction& tx) {
    return tx
        .query(postgres_dialect(tx) ? "SELECT COUNT(*) FROM pg_tables WHERE tablename = 'ok3'"
                                    : "SELECT COUNT(*) FROM sqlite_master WHERE name = 'ok3'")
        .at(0)
        .integer(0);
  });
  EXPECT_EQ(tables, 0);
}

TEST_P(StoreMigrationsTest, RejectsASchemaWithGaps) {
  Schema schema = widgets_schema(3);
  schema.migrations.erase(schema.migrations.begin() + 1);
  EXPECT_THROW(migrate(*store_, schema), StoreError);
  EXPECT_EQ(schema_version(*store_, "widgets"), 0);
}

TEST_P(StoreMigrationsTest, ConcurrentMigrationsApplyEachStepOnce) {
  constexpr int kMigrators = 6;
  std::vector<std::unique_ptr<Store>> stores;
  for (int i = 0; i < kMigrators; ++i) stores.push_back(open_again());
  std::vector<std::thread> threads;
  std::vector<int> results(kMigrators, -1);
  for (int i = 0; i < kMigrators; ++i) {
    threads.emplace_back([&, i] {
      try {
        results[i] = migrate(*stores[i], widgets_schema(3));
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int result : results) EXPECT_EQ(result, 3);
  const int64_t count = store_->read([](Transaction& tx) {
    return tx.query("SELECT COUNT(*) FROM schema_migrations WHERE module = 'widgets'")
        .at(0)
        .integer(0);
  });
  EXPECT_EQ(count, 3);
}

INSTANTIATE_TEST_SUITE_P(Store, StoreMigrationsTest, slipway::test::kBothBackends, backend_name);

}  // namespace
}  // namespace slipway::store::test
