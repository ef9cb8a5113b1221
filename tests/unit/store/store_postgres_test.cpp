// What only the PostgreSQL store does: placeholder rewriting, password masking, reconnecting.
#include <gtest/gtest.h>

#include <cstdlib>

#include "store/sql_text.h"
#include "store_test_support.h"

namespace slipway::store::test {
namespace {

using detail::mask_password;
using detail::rewrite_placeholders;

std::string rewritten(std::string_view sql, int expected_count) {
  int count = -1;
  std::string out = rewrite_placeholders(sql, count);
  EXPECT_EQ(count, expected_count) << sql;
  return out;
}

TEST(StorePostgresText, RewritesPlaceholdersInOrder) {
  EXPECT_EQ(rewritten("SELECT ?, ? FROM t WHERE a = ?", 3), "SELECT $1, $2 FROM t WHERE a = $3");
  EXPECT_EQ(rewritten("SELECT 1", 0), "SELECT 1");
  EXPECT_EQ(rewritten("", 0), "");
}

TEST(StorePostgresText, LeavesQuotedTextAndCommentsAlone) {
  EXPECT_EQ(rewritten("SELECT '?', 'it''s ?', ? FROM t", 1), "SELECT '?', 'it''s ?', $1 FROM t");
  EXPECT_EQ(rewritten("SELECT \"a?\"\"b\" FROM t WHERE x = ?", 1),
            "SELECT \"a?\"\"b\" FROM t WHERE x = $1");
  EXPECT_EQ(rewritten("SELECT ? -- what?\n, ? /* why? /* nested? */ still? */ , ?", 3),
            "SELECT $1 -- what?\n, $2 /* why? /* nested? */ still? */ , $3");
  EXPECT_EQ(rewritten("SELECT E'\\'?', ?", 1), "SELECT E'\\'?', $1");
  EXPECT_EQ(rewritten("SELECT $$ ? $$, $tag$ it's ? $tag$, ?", 1),
            "SELECT $$ ? $$, $tag$ it's ? $tag$, $1");
  EXPECT_EQ(rewritten("SELECT 'unterminated ?", 0), "SELECT 'unterminated ?");
}

TEST(StorePostgresText, MasksPasswords) {
  EXPECT_EQ(mask_password("postgresql://user:secret@db.example:5432/slipway"),
            "postgresql://user:***@db.example:5432/slipway");
  EXPECT_EQ(mask_password("postgres://user@host/db"), "postgres://user@host/db");
  EXPECT_EQ(mask_password("postgresql://host/db?user=u&password=secret&sslmode=require"),
            "postgresql://host/db?user=u&password=***&sslmode=require");
  EXPECT_EQ(mask_password("postgresql://u:p%40ss@host/db?password=x"),
            "postgresql://u:***@host/db?password=***");
}

TEST(StorePostgres, AnUnreachableServerIsAConnectionErrorWithoutThePassword) {
  try {
    Store::open("postgresql://someone:hunter2@127.0.0.1:1/nowhere?connect_timeout=5");
    FAIL() << "connected to nothing";
  } catch (const StoreError& e) {
    EXPECT_EQ(e.kind(), StoreError::Kind::Connection);
    const std::string message = e.what();
    EXPECT_EQ(message.find("hunter2"), std::string::npos) << message;
    EXPECT_NE(message.find("postgresql://someone:***@127.0.0.1:1/nowhere"), std::string::npos)
        << message;
  }
}

TEST(StorePostgres, DescribeMasksThePassword) {
  std::string url = fresh_location(Backend::Postgres);
  // Trust authentication ignores the password; the store must not show it anyway.
  url.replace(url.find("@"), 0, ":topsecret");
  auto store = Store::open(url);
  EXPECT_EQ(store->describe().find("topsecret"), std::string::npos);
  EXPECT_NE(store->describe().find(":***@"), std::string::npos) << store->describe();
}

TEST(StorePostgres, ReconnectsAfterTheServerDropsItsConnections) {
  const std::string url = fresh_location(Backend::Postgres);
  StoreOptions options = fast_options();
  options.max_connections = 1;
  auto store = Store::open(url, options);
  store->write([](Transaction& tx) {
    tx.execute_script("CREATE TABLE k(id INTEGER PRIMARY KEY); INSERT INTO k(id) VALUES (1)");
  });
  Inbox inbox;
  auto subscription = store->subscribe("after-drop", inbox.callback());
  // Another client ends every other session on this database (like a server restart would).
  auto admin = Store::open(url);
  admin->read([](Transaction& tx) {
    tx.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
        "current_database() AND pid <> pg_backend_pid()");
  });
  const int64_t count = store->read(
      [](Transaction& tx) { return tx.query("SELECT COUNT(*) FROM k").at(0).integer(0); });
  EXPECT_EQ(count, 1);
  store->write([](Transaction& tx) { tx.execute("INSERT INTO k(id) VALUES (2)"); });
  // The listener reconnects too (within its poll timeout) and LISTENs again.
  std::vector<std::string> got;
  for (int i = 0; i < 50 && got.empty(); ++i) {
    store->write([](Transaction& tx) { tx.notify("after-drop", "back"); });
    got = inbox.wait_for(1, std::chrono::milliseconds(200));
  }
  ASSERT_FALSE(got.empty());
  EXPECT_EQ(got[0], "back");
}

TEST(StorePostgres, NumericAndBooleanResults) {
  auto store = Store::open(fresh_location(Backend::Postgres));
  const Row row = store->read([](Transaction& tx) {
    return tx
        .query(
            "SELECT SUM(x), 1.5::numeric, true, false, 2::smallint, 'x'::text "
            "FROM (VALUES (1::bigint), (2::bigint)) AS v(x)")
        .at(0);
  });
  EXPECT_EQ(row.integer(0), 3);
  EXPECT_EQ(row.real(1), 1.5);
  EXPECT_EQ(row.integer(2), 1);
  EXPECT_EQ(row.integer(3), 0);
  EXPECT_EQ(row.integer(4), 2);
  EXPECT_EQ(row.text(5), "x");
}

TEST(StorePostgres, TheFixtureHelperFailsLoudlyWithoutTheServer) {
  const char* saved = std::getenv("SLIPWAY_TEST_POSTGRES");
  const std::string value = saved ? saved : "";
  unsetenv("SLIPWAY_TEST_POSTGRES");
  try {
    slipway::test::fresh_postgres_url("nothing");
    ADD_FAILURE() << "no error without SLIPWAY_TEST_POSTGRES";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("SLIPWAY_TEST_POSTGRES"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("fixture"), std::string::npos);
  }
  if (saved) setenv("SLIPWAY_TEST_POSTGRES", value.c_str(), 1);
}

}  // namespace
}  // namespace slipway::store::test
